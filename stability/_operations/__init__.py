"""The operations: the registry, and one module per API family."""
