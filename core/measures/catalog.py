"""All measures YAML files together: load, validate, and check what spans files."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from core.i18n import N_
from core.resources import measures_dir

RELEASE_FILE = "release.json"
RELEASE_TEXT = N_("版本 {version}（数据截至 {date}）")
# A release version is dotted numbers, compared as numbers: 2026.11.21 < 2026.11.21.1 < 2026.12.1.
_VERSION = re.compile(r"\d{1,9}(\.\d{1,9}){0,4}")     # whole string: fullmatch


@dataclass(frozen=True, order=True)
class Release:
    """Which issue of the measures data this is: the version packs are ordered by, and the date the
    data was current as of (the staleness warning counts from it)."""
    key: tuple[int, ...]
    version: str
    date: dt.date

    @classmethod
    def parse(cls, version: object, date: object) -> Release:
        """ValueError naming the field and the rule when either is malformed."""
        if not isinstance(version, str) or not _VERSION.fullmatch(version):
            raise ValueError(f"version: must be dotted numbers such as 2026.11.21, got {version!r}")
        if not isinstance(date, str) or len(date) != 10:
            raise ValueError(f"date: must be a calendar date written YYYY-MM-DD, got {date!r}")
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise ValueError(f"date: must be a calendar date written YYYY-MM-DD, got {date!r}") from None
        return cls(tuple(int(part) for part in version.split(".")), version, day)

    def describe(self, gettext=lambda s: s, day=dt.date.isoformat) -> str:
        """版本 2026.12.1（数据截至 2026-12-01）, in the language of `gettext`, the date by `day`."""
        return gettext(RELEASE_TEXT).format(version=self.version, date=day(self.date))


def read_release(directory: Path | None = None) -> Release:
    """The release.json beside the YAML sources; DataError when missing or malformed."""
    from core.measures.validate import DataError

    path = (directory or measures_dir()) / RELEASE_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("must be a JSON object with version and date")
        return Release.parse(raw.get("version"), raw.get("date"))
    except FileNotFoundError:
        raise DataError(
            [f"{path.name}: missing (the release version and date of the measures data)"]) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError([f"{path.name}: {exc}"]) from None


@dataclass(frozen=True)
class Catalog:
    documents: dict[str, dict]          # key -> normalised document
    measures: list[dict]                # normalised measures, in file order
    version: str                        # content hash of the source files
    release: Release                    # release.json: the ordered version and its date

    def measure(self, measure_id: str) -> dict:
        for m in self.measures:
            if m["id"] == measure_id:
                return m
        raise KeyError(measure_id)


def source_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or measures_dir()).glob("*.yaml"))


def content_version(directory: Path | None = None) -> str:
    """A short hash of the YAML sources and release.json: the database version users see."""
    digest = hashlib.sha256()
    release = (directory or measures_dir()) / RELEASE_FILE
    for path in source_files(directory) + ([release] if release.is_file() else []):
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
                problems.append(
                    f"{path.name}:1: document.key: {key!r} also in {documents[key]['source_file']}")
            documents[key] = doc
        for m in doc_measures:
            if m["id"] in where_id:
                problems.append(
                    f"{path.name}:{m['source_line']}: id: {m['id']!r} also in {where_id[m['id']]}")
            where_id[m["id"]] = path.name
            measures.append(m)
    for m in measures:
        for rule in m["stacking"]["excludes"]:
            for other in rule["measures"]:
                if other not in where_id:
                    problems.append(f"{where_id[m['id']]}:{m['source_line']}: {m['id']}.stacking.excludes: "
                                    f"no measure {other!r}")
    try:
        release = read_release(directory)
    except DataError as exc:
        problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    return Catalog(documents, measures, content_version(directory), release)
