"""The sans-I/O core: the flow of a call, retries, polling, errors, limits and validation, options."""
