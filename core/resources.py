"""The one accessor for bundled files (measures, seeds, schema, fonts).

Everything the application ships lives in the ``resources`` package and is reached through
``importlib.resources``, which also works inside a frozen (PyInstaller) build. No other module
builds paths from ``__file__``.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource_dir(*parts: str) -> Path:
    """A bundled folder (or file) as a real filesystem path."""
    root = files("resources")
    target = root.joinpath(*parts)
    # The resources package is a plain folder on disk (also when frozen one-folder), so the
    # Traversable is a pathlib.Path; fail loudly if a zip import ever changes that.
    path = Path(str(target))
    if not path.exists():
        raise FileNotFoundError(f"bundled resource missing: {'/'.join(parts)}")
    return path


def measures_dir() -> Path:
    return resource_dir("measures")


def seeds_dir() -> Path:
    return resource_dir("seeds")


def profile_schema_path() -> Path:
    return resource_dir("schema", "profile.schema.json")
