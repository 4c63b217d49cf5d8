"""The version of scalexpert (in its own module, so that every stage can read it without importing
the package's public namespace)."""

__version__ = "0.1.0"
