"""All measures YAML files together: load, validate, and check what spans files."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from core.resources import measures_dir


@dataclass(frozen=True)
class Catalog:
    documents: dict[str, dict]          # key -> normalised document
    measures: list[dict]                # normalised measures, in file order
    version: str                        # content hash of the source files

    def measure(self, measure_id: str) -> dict:
        for m in self.measures:
            if m["id"] == measure_id:
                return m
        raise KeyError(measure_id)


def source_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or measures_dir()).glob("*.yaml"))


def content_version(directory: Path | None = None) -> str:
    """A short hash of the YAML sources: the database version users see and packs compare."""
    digest = hashlib.sha256()
    for path in source_files(directory):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def load_catalog(directory: Path | None = None, seeds_root: Path | None = None) -> Catalog:
    """Validate every file; raise DataError listing every problem found."""
    # Imported here: content_version() runs at every start, validation (and YAML) only on a build.
    from core.measures.validate import DataError, validate_file

    files = source_files(directory)
    problems: list[str] = []
    if not files:
        raise DataError([f"{directory or measures_dir()}: no measures files (*.yaml)"])
    documents: dict[str, dict] = {}
    measures: list[dict] = []
    where_id: dict[str, str] = {}
    for path in files:
        doc, doc_measures, file_problems = validate_file(path, seeds_root)
        problems.extend(file_problems)
        key = doc.get("key")
        if key:
            if key in documents:
                problems.append(f"{path.name}:1: document.key: {key!r} also in {documents[key]['source_file']}")
            documents[key] = doc
        for m in doc_measures:
            if m["id"] in where_id:
                problems.append(f"{path.name}:{m['source_line']}: id: {m['id']!r} also in {where_id[m['id']]}")
            where_id[m["id"]] = path.name
            measures.append(m)
    for m in measures:
        for rule in m["stacking"]["excludes"]:
            for other in rule["measures"]:
                if other not in where_id:
                    problems.append(f"{where_id[m['id']]}:{m['source_line']}: {m['id']}.stacking.excludes: "
                                    f"no measure {other!r}")
    if problems:
        raise DataError(problems)
    return Catalog(documents, measures, content_version(directory))
