"""Compile the validated measures catalog into one SQLite file with sqlite-utils.

The database holds relational tables for browsing and checklists (documents, measures, criteria,
benefits, caps, stacking, evidence, key_fields), the normalised measure dicts as JSON for the
engine, and an FTS5 trigram index for search. `PRAGMA user_version` is the schema version; the
`meta` table carries the content-hash database version.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

    from core.measures.catalog import Catalog

SCHEMA_VERSION = 2     # 2: measures.role (support / statement)


def _walk_criteria(nodes: list[dict], path: str = "") -> Iterator[tuple[str, dict]]:
    """Yield (position, leaf) for every leaf criterion; position like '1.any_of.0.all_of.2'."""
    for i, node in enumerate(nodes):
        here = f"{path}{i}"
        if node["type"] == "leaf":
            yield here, node
        else:
            yield from _walk_criteria(node["children"], f"{here}.{node['type']}.")


def _measure_row(m: dict) -> dict:
    from core.measures.search import search_key  # OpenCC: only when a database is built

    return {
        "id": m["id"], "document": m["document"], "clause": m["clause"], "title": m["title"],
        "text": m["text"], "kind": m["kind"], "role": m["role"], "level": m["level"], "region": m["region"],
        "subject_company": int(m["subject"]["company"]),
        "project_types": json.dumps(m["subject"]["project_types"], ensure_ascii=False),
        "valid_from": m["valid_from"], "valid_to": m["valid_to"],
        "discretionary": int(m["discretionary"] is not None),
        "stacking_class": m["stacking"]["class"],
        "reviewing_department": m["reviewing_department"],
        "responsible_departments": json.dumps(m["responsible_departments"], ensure_ascii=False),
        "formula": (m["benefit"] or {}).get("formula"),
        "search_text": search_key(f"{m['id']}\n{m['clause']}\n{m['title']}\n{m['text']}"),
        "data": json.dumps(m, ensure_ascii=False, sort_keys=True),
    }


def _write(db: sqlite_utils.Database, catalog: Catalog) -> None:
    db.table("meta").insert_all([
        {"key": "database_version", "value": catalog.version},
        {"key": "schema_version", "value": str(SCHEMA_VERSION)},
        {"key": "release_version", "value": catalog.release.version},
        {"key": "release_date", "value": catalog.release.date.isoformat()},
    ], pk="key")
    db.table("documents").insert_all(
        ({k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
          for k, v in doc.items()} for doc in catalog.documents.values()),
        pk="key")
    db.table("measures").insert_all((_measure_row(m) for m in catalog.measures), pk="id",
                                    foreign_keys=[("document", "documents", "key")])
    criteria, caps, stacking, evidence, benefits = [], [], [], [], []
    for m in catalog.measures:
        for position, leaf in _walk_criteria(m["criteria"]):
            criteria.append({
                "measure_id": m["id"], "position": position, "criterion_id": leaf["id"],
                "label": leaf["label"], "fact": leaf["fact"], "op": leaf["op"],
                "value": json.dumps(leaf["value"], ensure_ascii=False), "unit": leaf["unit"],
                "span": leaf["span"], "vague": leaf["vague"]})
            for ev in leaf["evidence"]:
                evidence.append({"measure_id": m["id"], "criterion_id": leaf["id"], **ev})
        for ev in m["evidence"]:
            evidence.append({"measure_id": m["id"], "criterion_id": None, **ev})
        b = m["benefit"]
        if b:
            benefits.append({"measure_id": m["id"], "formula": b["formula"], "base": b["base"],
                             "rate": b["rate"], "open": b["open"], "ceiling_only": int(b["ceiling_only"]),
                             "span": b["span"], "note": b["note"]})
            for i, cap in enumerate(b["caps"]):
                caps.append({"measure_id": m["id"], "seq": i, **cap})
        for i, rule in enumerate(m["stacking"]["excludes"]):
            stacking.append({"measure_id": m["id"], "document": m["document"], "seq": i,
                             "origin": "measure", "scope": rule["scope"],
                             "level": rule["level"], "measures": json.dumps(rule["measures"]),
                             "span": rule["span"]})
    for doc in catalog.documents.values():
        for i, rule in enumerate(doc["stacking"]):
            stacking.append({"measure_id": None, "document": doc["key"], "seq": i, "origin": "document",
                             "scope": rule["scope"], "level": rule["level"],
                             "measures": json.dumps(rule["measures"]), "span": rule["span"]})
    to_measure = [("measure_id", "measures", "id")]
    db.table("criteria").insert_all(criteria, foreign_keys=to_measure)
    db.table("benefits").insert_all(benefits, pk="measure_id", foreign_keys=to_measure)
    db.table("caps").insert_all(caps, foreign_keys=to_measure)
    db.table("stacking").insert_all(stacking)
    db.table("evidence").insert_all(evidence, foreign_keys=to_measure)
    fields: dict[str, dict] = {}
    for doc in catalog.documents.values():
        for kf in doc["key_fields"]:
            entry = fields.setdefault(kf["key"], {"key": kf["key"], "label": kf["label"], "documents": []})
            entry["documents"].append(doc["key"])
    db.table("key_fields").insert_all(
        ({**f, "documents": json.dumps(f["documents"])}
         for f in sorted(fields.values(), key=lambda f: f["key"])),
        pk="key")
    for table in ("criteria", "caps", "evidence"):
        db.table(table).create_index(["measure_id"])
    # Trigram FTS over the search key (Traditional folded to Simplified): 3+ character queries.
    db.execute("CREATE VIRTUAL TABLE measures_fts USING fts5(id UNINDEXED, search_text, tokenize='trigram')")
    db.execute("INSERT INTO measures_fts (id, search_text) SELECT id, search_text FROM measures")


def database_digest(path: Path) -> str:
    """SHA-256 of a database's content: the schema version, every schema entry (tables, indexes,
    triggers, views) and every row of every table, the full-text index's own tables included.
    Two builds of the same catalog give the same digest; any changed, added or removed row or
    object changes it. sqlite3.DatabaseError when the file cannot be read as a database."""
    import hashlib
    import sqlite3

    digest = hashlib.sha256()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        digest.update(repr(conn.execute("PRAGMA user_version").fetchone()).encode())
        schema = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        digest.update(repr(schema).encode())
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            quoted = '"' + name.replace('"', '""') + '"'
            # Rows sorted by their repr: the order rows are stored in is not content.
            rows = sorted(repr(row) for row in conn.execute(f"SELECT * FROM {quoted}"))  # noqa: S608
            digest.update(f"{name}:{len(rows)}\n".encode())
            for row in rows:
                digest.update(row.encode())
                digest.update(b"\n")
    finally:
        conn.close()
    return digest.hexdigest()


def write_catalog(db: sqlite_utils.Database, catalog: Catalog) -> None:
    """Every table of the catalog into an empty database (a file, or memory), then its schema
    version."""
    with db.atomic():
        _write(db, catalog)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def build_database(catalog: Catalog, target: Path) -> Path:
    """Write the database atomically: a temporary file in the target folder, then a rename."""
    import sqlite_utils  # here, not at the top: the store reads SCHEMA_VERSION at every start

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()  # sqlite wants to create the file itself
        db = sqlite_utils.Database(tmp)
        write_catalog(db, catalog)
        db.close()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
