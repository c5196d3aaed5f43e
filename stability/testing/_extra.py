"""What the fake needs beyond the SDK: the `testing` extra. Importable without it, so callers can say so first."""

from __future__ import annotations

import importlib

INSTALL = 'pip install "stability-client[testing]"'

# Pillow paints and reads every image; python-multipart parses every upload. Both are needed by the first
# generation, so a fake without them can only answer 500s.
_NEEDED = (("PIL.Image", "Pillow"), ("python_multipart", "python-multipart"))


def missing_packages() -> list[str]:
    """The distributions of the `testing` extra that cannot be imported, by their pip names."""
    missing = []
    for module, package in _NEEDED:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    return missing


def require_testing_extra(who: str) -> None:
    """Raise ImportError, in one line that says what to install, when part of the `testing` extra is missing."""
    missing = missing_packages()
    if missing:
        raise ImportError(f"{who} needs {' and '.join(missing)} (the testing extra): {INSTALL}")
