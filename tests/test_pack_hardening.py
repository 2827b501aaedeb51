"""Packs that are signed with a trusted key and still wrong (issue 15 item 14): a member name with a
trailing newline, a database that disagrees with its own sources, a YAML anchor bomb, sizes past the
limits or lying. Each is refused with PackError and the data folder unchanged."""
from __future__ import annotations

import io
import sqlite3
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from core.measures import pack as packmod
from core.measures.catalog import Release
from core.measures.facts import parse_concrete
from core.measures.pack import PackError
from core.measures.yamlsource import YamlError, load_yaml

# The fixtures and helpers of the pack suite: one test key trusted, packs built once per module.
from tests.test_pack import _refused, _rehash, _resigned, keys, packs, trust_test_key  # noqa: F401

BOMB = b"""
x-bomb-1: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
x-bomb-2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
x-bomb-3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
x-bomb-4: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
x-bomb-5: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
x-bomb-6: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
x-bomb-7: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
"""


def test_a_member_name_ending_in_a_newline_is_refused(keys, packs):  # noqa: F811
    assert packmod._MEMBER_NAME.fullmatch("sources/release.json\n") is None
    assert packmod._MEMBER_NAME.fullmatch("sources/release.json")

    def change(members):
        members["sources/extra.yaml\n"] = b"documents: []\n"
        _rehash(members)
    _refused(_resigned(keys, packs, change), "不是措施包允许的文件名")


def test_a_release_version_with_a_trailing_newline_is_refused():
    with pytest.raises(ValueError, match="dotted numbers"):
        Release.parse("2026.12.1\n", "2026-12-01")
    assert parse_concrete("projects[0].capacity_kw\n").index is None
    assert parse_concrete("projects[0].capacity_kw").index == 0


def _edit_database(members, sql: str, tmp: Path) -> None:
    path = tmp / "edit.db"
    path.write_bytes(members["measures.db"])
    conn = sqlite3.connect(path)
    with conn:
        conn.executescript(sql)
    conn.close()
    members["measures.db"] = path.read_bytes()
    _rehash(members)


@pytest.mark.parametrize("sql", [
    # Every amount multiplied by ten, in the relational table and in the engine's JSON alike; the
    # counts, versions and sources stay as the manifest says.
    "UPDATE caps SET amount = amount * 10 WHERE amount IS NOT NULL;"
    "UPDATE measures SET data = replace(data, '\"amount\": 1000000', '\"amount\": 10000000');",
    # One measure's text changed in the database only.
    "UPDATE measures SET text = text || '（另加补贴）' WHERE id = 'lh-glc-2024/7.1';",
    # An object the program never creates.
    "CREATE TRIGGER t AFTER INSERT ON meta BEGIN SELECT 1; END;",
])
def test_a_database_that_differs_from_its_sources_is_refused(keys, packs, sql, tmp_path):  # noqa: F811
    _refused(_resigned(keys, packs, lambda members: _edit_database(members, sql, tmp_path)),
             "数据库的内容与其数据源编译的结果不符")


def test_the_unchanged_pack_still_verifies(packs):  # noqa: F811
    assert packmod.verify_pack_bytes(packs["next"]).manifest.release.version == "2026.12.1"


def test_a_yaml_anchor_bomb_is_refused_with_a_clear_message(keys, packs, tmp_path):  # noqa: F811
    bomb = tmp_path / "bomb.yaml"
    bomb.write_bytes(BOMB)
    with pytest.raises(YamlError, match=r"bomb.yaml:3: 不允许使用 YAML 别名（\*a）"):
        load_yaml(bomb)

    def change(members):
        members["sources/lh-glc-2024.yaml"] += BOMB
        _rehash(members)
    _refused(_resigned(keys, packs, change), "未通过本程序的校验.*不允许使用 YAML 别名")


def test_yaml_nested_thousands_deep_is_refused(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 20000 + "]" * 20000, encoding="utf-8")
    with pytest.raises(YamlError, match="嵌套层数过多"):
        load_yaml(deep)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return buffer.getvalue()


def _claim_size(archive: bytes, claimed: int) -> bytes:
    """Every member's uncompressed size field, in the local and the central headers, set to
    `claimed`: the archive lies about what it unpacks to."""
    data = bytearray(archive)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            data[at + offset:at + offset + 4] = struct.pack("<I", claimed)
            at = data.find(signature, at + 4)
    return bytes(data)


def _peak_mib(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def test_members_past_the_total_limit_are_refused_before_they_are_read(keys, packs):  # noqa: F811
    # Four members of 30 MB each: each under the per-member limit, together past the total one.
    archive = zipfile.ZipFile(io.BytesIO(packs["next"][packmod.HEADER_LENGTH:]))
    members = {name: archive.read(name) for name in archive.namelist()}
    for k in range(4):
        members[f"seeds/padding{k}.txt"] = bytes(30 * 1024 * 1024)
    _rehash(members)
    data = packmod.sign(keys[0], _zip(members))
    del members
    assert len(data) < 2 * 1024 * 1024          # zeros compress: a small file that unpacks big

    def attempt():
        _refused(data, "解压后超过 96 MB")
    assert _peak_mib(attempt) < 40


def test_a_member_whose_size_field_lies_is_refused_without_filling_memory():
    archive = _claim_size(_zip({"measures.db": bytes(200 * 1024 * 1024)}), 1000)

    def attempt():
        with pytest.raises(PackError, match="损坏或被改动"):
            packmod._read_archive(archive)
    assert _peak_mib(attempt) < 20


def test_members_are_counted_by_the_bytes_they_really_unpack_to(monkeypatch):
    """The real bytes are counted as they are decompressed, whatever the size fields say: with the
    limit at 2 MB, a 50 MB member is abandoned after a few chunks, not read whole."""
    monkeypatch.setattr(packmod, "MAX_MEMBER_BYTES", 2 * 1024 * 1024)
    archive = zipfile.ZipFile(io.BytesIO(_zip({"measures.db": bytes(50 * 1024 * 1024)})))
    info = archive.getinfo("measures.db")

    def attempt():
        with pytest.raises(PackError, match="measures.db 解压后超过 2 MB"):
            packmod._read_member(archive, info, 0)
    assert _peak_mib(attempt) < 8
