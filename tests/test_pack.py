"""Measure packs: build, verify, import, refuse, roll back; what changed; staleness; the commands."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import main
from core.engine.changes import AMOUNT, APPEARED, DISAPPEARED, VERDICT, compare_databases
from core.engine.evaluate import Engine
from core.engine.report import to_json
from core.measures import installed as inst
from core.measures import pack as packmod
from core.measures.build import SCHEMA_VERSION
from core.measures.pack import PackError, build_pack, sign, verify_pack_bytes
from core.measures.staleness import HOW_TO_UPDATE, staleness, warning_lines
from core.measures.store import MeasuresDB
from tests.packs import LUOHU_COMPANY, copy_data, make_keys, next_release, set_release

SHIPPED_KEYS = packmod.trusted_keys      # before the autouse fixture below replaces it

TODAY = dt.date(2026, 11, 21)


@pytest.fixture(scope="module")
def keys():
    return make_keys()


@pytest.fixture(scope="module")
def packs(tmp_path_factory, keys):
    """Signed pack bytes: the next release (2026.12.1), an older one and one as old as the bundled."""
    private, _ = keys
    base = tmp_path_factory.mktemp("packs")
    sources, seeds = next_release(base / "next")
    older_sources, older_seeds = next_release(base / "older", "2026.11.20", "2026-11-20")
    same_sources, same_seeds = copy_data(base / "same")
    return {
        "next": build_pack(private, sources, seeds),
        "next_sources": (sources, seeds),
        "older": build_pack(private, older_sources, older_seeds),
        "same": build_pack(private, same_sources, same_seeds),
    }


@pytest.fixture(autouse=True)
def trust_test_key(keys, monkeypatch):
    """The program trusts the test key instead of the shipped publisher key."""
    monkeypatch.setattr(packmod, "trusted_keys", lambda folder=None: dict(keys[1]))


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under the folder with a hash of its bytes (to show that nothing changed)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def verdicts(profile: dict, as_of: dt.date = TODAY) -> dict:
    db = inst.open_in_use()
    try:
        return to_json(Engine.for_database(db).evaluate(profile, as_of))
    finally:
        db.close()


# -- the round trip -----------------------------------------------------------------------------

def test_a_pack_is_built_verified_and_imported(packs, tmp_path):
    pack = verify_pack_bytes(packs["next"])
    manifest = pack.manifest
    assert manifest.release.version == "2026.12.1" and manifest.release.date == dt.date(2026, 12, 1)
    assert manifest.raw["format"] == packmod.FORMAT
    assert {d["key"] for d in manifest.documents} == {
        "lh-glc-2024", "sz-glc-2022", "sz-lcci-2011", "sz-sepi-2024", "sz-sepi-plan-2022"}
    lh = next(d for d in manifest.documents if d["key"] == "lh-glc-2024")
    assert lh["valid_to"] == "2027-12-31"
    assert sum(d["measures"] for d in manifest.documents) == manifest.measure_count == 140

    before = inst.installed()
    assert before.in_use.kind == inst.BUNDLED and before.rollback_target is None
    switch = inst.import_pack(packs["next"])
    assert switch.before.kind == inst.BUNDLED and switch.after.kind == inst.PACK
    now = inst.installed()
    assert now.in_use.kind == inst.PACK and now.in_use.release.version == "2026.12.1"
    assert now.rollback_target == before.in_use
    db = inst.open_in_use()
    try:
        assert db.version == manifest.database_version
        assert len(db.list_measures()) == manifest.counts["measures"]
        assert db.db["criteria"].count == manifest.counts["criteria"]
        in_use = to_json(Engine.for_database(db).evaluate(LUOHU_COMPANY, TODAY))
    finally:
        db.close()
    # The imported database answers exactly as one compiled here from the pack's own sources.
    from core.measures.build import build_database
    from core.measures.catalog import load_catalog
    direct = MeasuresDB(build_database(load_catalog(*packs["next_sources"]), tmp_path / "direct.db"))
    try:
        assert in_use == to_json(Engine.for_database(direct).evaluate(LUOHU_COMPANY, TODAY))
    finally:
        direct.close()
    result = {r["measure_id"]: r for r in in_use["results"]}
    assert result["lh-glc-2024/1"]["status"] == "eligible"
    assert result["lh-glc-2024/1"]["amount"] == {"min": 0, "max": 3000000}


def test_the_unpacked_pack_holds_its_sources_and_manifest(packs):
    inst.import_pack(packs["next"])
    folder = inst.installed().in_use.path.parent
    names = {str(p.relative_to(folder)).replace("\\", "/") for p in folder.rglob("*") if p.is_file()}
    assert {"manifest.json", "measures.db", "sources/release.json", "sources/lh-glc-2024.yaml",
            "seeds/003_8033994ef3a5dea9.txt"} <= names
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == "2026.12.1"


# -- refusals leave everything as it was -----------------------------------------------------------

def _refused(data: bytes, match: str) -> None:
    data_dir = inst.packs_dir().parent
    before, in_use = snapshot(data_dir), inst.installed().in_use
    with pytest.raises(PackError, match=match):
        inst.import_pack(data)
    assert snapshot(data_dir) == before
    assert inst.installed().in_use == in_use


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(0, 1, exclude_max=True), bit=st.integers(0, 7))
def test_a_flipped_byte_anywhere_is_refused(packs, where, bit):
    data = bytearray(packs["next"])
    data[int(where * len(data))] ^= 1 << bit
    _refused(bytes(data), "损坏|被改动|不是绿策通措施包|签名密钥")


@pytest.mark.parametrize("position", ["magic", "key id", "signature", "first member", "end"])
def test_a_flipped_byte_in_each_part_names_the_reason(packs, position):
    data = bytearray(packs["next"])
    at = {"magic": 0, "key id": 10, "signature": 40, "first member": packmod.HEADER_LENGTH + 40,
          "end": len(data) - 1}[position]
    data[at] ^= 0x01
    expected = {"magic": "不是绿策通措施包",
                "key id": "签名密钥 .* 不在本程序信任"}.get(position, "签名与内容不符")
    _refused(bytes(data), expected)


def test_a_pack_signed_with_another_key_is_refused(packs):
    stranger, _ = make_keys()
    archive = packs["next"][packmod.HEADER_LENGTH:]
    resigned = sign(stranger, archive)
    _refused(resigned, f"签名密钥 {packmod.key_id(stranger.public_key())} 不在本程序信任的发布方密钥之中")


def test_an_older_pack_or_the_same_version_is_refused(packs):
    _refused(packs["same"], "与正在使用的数据相同")
    _refused(packs["older"], "比正在使用的版本 2026.11.21（数据截至 2026-11-21）旧")
    inst.import_pack(packs["next"])
    _refused(packs["next"], "与正在使用的数据相同")
    _refused(packs["older"], "2026.11.20.*比正在使用的版本 2026.12.1")


def _resigned(keys, packs, change) -> bytes:
    """The next-release pack's archive changed by `change(members)`, then properly signed: what a
    publisher tool bug (or a stolen key) could produce, which the content checks must still catch."""
    archive = zipfile.ZipFile(io.BytesIO(packs["next"][packmod.HEADER_LENGTH:]))
    members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, data in members.items():
            out.writestr(name, data)
    return sign(keys[0], buffer.getvalue())


def _edit_manifest(members, **changes):
    manifest = json.loads(members["manifest.json"])
    manifest.update(changes)
    members["manifest.json"] = json.dumps(manifest).encode()


def _rehash(members):
    manifest = json.loads(members["manifest.json"])
    manifest["files"] = {n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
                         for n, d in members.items() if n != "manifest.json"}
    members["manifest.json"] = json.dumps(manifest).encode()


@pytest.mark.parametrize("case, match", [
    ("extra member", "多出清单未列的文件 ../evil.txt"),
    ("missing member", "缺少文件 seeds/003_8033994ef3a5dea9.txt"),
    ("changed member", "sources/lh-glc-2024.yaml 与清单记录的校验值不符"),
    ("traversal name", "不是措施包允许的文件名"),
    ("newer schema", f"数据库结构版本为 {SCHEMA_VERSION + 1}"),
    ("unknown format", "不是本程序支持的 greenmeasures.pack/1"),
    ("bad version", "version: must be dotted numbers"),
    ("counts differ", "数据库的条数或文件列表与清单不符"),
    ("documents differ", "数据库的条数或文件列表与清单不符"),
    ("sources fail validation", "未通过本程序的校验"),
    ("not json", "不是有效的 JSON"),
])
def test_signed_packs_with_bad_contents_are_refused(keys, packs, case, match):
    def change(members):
        if case == "extra member":
            members["../evil.txt"] = b"x"
        elif case == "missing member":
            del members["seeds/003_8033994ef3a5dea9.txt"]
        elif case == "changed member":
            members["sources/lh-glc-2024.yaml"] += b"\n# changed\n"
        elif case == "traversal name":
            members["../evil.txt"] = b"x"
            _rehash(members)
        elif case == "newer schema":
            _edit_manifest(members, schema_version=SCHEMA_VERSION + 1)
        elif case == "unknown format":
            _edit_manifest(members, format="greenmeasures.pack/9")
        elif case == "bad version":
            _edit_manifest(members, version="December")
        elif case == "counts differ":
            manifest = json.loads(members["manifest.json"])
            manifest["counts"]["measures"] += 1
            members["manifest.json"] = json.dumps(manifest).encode()
        elif case == "documents differ":
            manifest = json.loads(members["manifest.json"])
            manifest["documents"][0]["valid_to"] = "2099-12-31"
            members["manifest.json"] = json.dumps(manifest).encode()
        elif case == "sources fail validation":
            members["sources/lh-glc-2024.yaml"] = members["sources/lh-glc-2024.yaml"].replace(
                "每年最高 300 万元".encode(), "每年最高 900 万元".encode())
            _rehash(members)
        elif case == "not json":
            members["manifest.json"] = b"{not json"
    _refused(_resigned(keys, packs, change), match)


def test_a_file_that_is_not_a_pack_is_refused(tmp_path):
    _refused(b"", "不是绿策通措施包")
    _refused(b"PK\x03\x04" + b"\0" * 200, "不是绿策通措施包")
    with pytest.raises(PackError, match="找不到措施包文件"):
        packmod.read_pack_file(tmp_path / "missing.gmpack")
    with pytest.raises(PackError, match="是文件夹"):
        packmod.read_pack_file(tmp_path)


# -- rollback ---------------------------------------------------------------------------------

def test_rollback_restores_the_previous_verdicts_exactly(packs):
    bundled_answer = verdicts(LUOHU_COMPANY)
    inst.import_pack(packs["next"])
    imported_answer = verdicts(LUOHU_COMPANY)
    assert imported_answer != bundled_answer
    switch = inst.rollback()
    assert switch.after.kind == inst.BUNDLED
    assert verdicts(LUOHU_COMPANY) == bundled_answer
    # The pack stays as the rollback target, so the rollback itself can be undone.
    assert inst.installed().rollback_target.release.version == "2026.12.1"
    inst.rollback()
    assert verdicts(LUOHU_COMPANY) == imported_answer


def test_rollback_between_two_packs_keeps_only_what_it_needs(keys, packs, tmp_path):
    inst.import_pack(packs["next"])
    sources, seeds = next_release(tmp_path / "later", "2027.1.1", "2027-01-01")
    inst.import_pack(build_pack(keys[0], sources, seeds))
    assert inst.installed().in_use.release.version == "2027.1.1"
    folders = sorted(p.name for p in inst.packs_dir().iterdir() if p.is_dir())
    assert len(folders) == 2      # the active and the previous pack; nothing else is kept
    inst.rollback()
    assert inst.installed().in_use.release.version == "2026.12.1"


def test_rollback_with_nothing_to_go_back_to_is_refused():
    with pytest.raises(PackError, match="没有可以恢复的上一版本"):
        inst.rollback()


def test_newer_bundled_data_is_used_over_an_older_imported_pack(packs, monkeypatch):
    inst.import_pack(packs["next"])
    real = inst.bundled_source()
    newer = inst.Source(inst.BUNDLED, real.path, packmod.Release.parse("2027.6.1", "2027-06-01"),
                        real.database_version)
    monkeypatch.setattr(inst, "bundled_source", lambda: newer)
    state = inst.installed()
    assert state.in_use == newer
    assert "不比程序内置数据（版本 2027.6.1）新" in state.hidden_pack_note()


def test_a_damaged_state_file_falls_back_to_the_bundled_data(packs):
    inst.import_pack(packs["next"])
    (inst.packs_dir() / inst.STATE_FILE).write_text("{broken", encoding="utf-8")
    assert inst.installed().in_use.kind == inst.BUNDLED
    inst.import_pack(packs["next"])     # and a new import repairs it
    assert inst.installed().in_use.kind == inst.PACK


# -- what changed for the company ----------------------------------------------------------------

def _report(packs, as_of, profile=LUOHU_COMPANY):
    bundled = inst.installed().in_use
    inst.import_pack(packs["next"])
    old, new = MeasuresDB(bundled.path), inst.open_in_use()
    try:
        return compare_databases(old, new, profile, as_of)
    finally:
        old.close()
        new.close()


def test_what_changed_names_new_removed_and_changed_verdicts(packs):
    report = _report(packs, TODAY)
    by_kind = {kind: {c.measure_id: c for c in report.of_kind(kind)}
               for kind in (APPEARED, DISAPPEARED, VERDICT, AMOUNT)}
    assert set(by_kind[APPEARED]) == {"sz-sepi-2024/24b"}
    assert set(by_kind[DISAPPEARED]) == {"sz-sepi-2024/24"}
    # new_energy is not a cluster field
    assert by_kind[DISAPPEARED]["sz-sepi-2024/24"].old_status == "ineligible"
    # 罗湖区十条措施 extended to 2027: in force again on 2026-11-21.
    first = by_kind[VERDICT]["lh-glc-2024/1"]
    assert (first.old_status, first.new_status) == ("not_in_force", "eligible")
    assert first.new_amount == (0, 3000000)
    assert all(c.measure_id.startswith("lh-glc-2024/") for c in by_kind[VERDICT].values())
    assert not by_kind[AMOUNT]
    assert report.measures_added == 1 and report.measures_removed == 1
    assert report.new_total > report.old_total


def test_what_changed_names_a_changed_amount(packs):
    # On 2025-06-30 第一条 is in force under both releases; only its ceiling changed.
    settled_2024 = {**LUOHU_COMPANY, "company": {
        **LUOHU_COMPANY["company"], "settled_in_district_on": "2024-03-01",
        "years": {"2024": {"revenue": 60000000, "in_statistics": True}}}}
    report = _report(packs, dt.date(2025, 6, 30), settled_2024)
    amounts = {c.measure_id: c for c in report.of_kind(AMOUNT)}
    assert set(amounts) == {"lh-glc-2024/1"}
    change = amounts["lh-glc-2024/1"]
    assert change.old_status == change.new_status == "eligible"
    assert (change.old_amount, change.new_amount) == ((0, 2000000), (0, 3000000))
    assert not report.of_kind(VERDICT)


def test_nothing_changed_when_the_databases_are_the_same(bundled_db):
    report = compare_databases(bundled_db, bundled_db, LUOHU_COMPANY, TODAY)
    assert report.changes == [] and report.unchanged > 0 and report.old_total == report.new_total


# -- staleness ---------------------------------------------------------------------------------

def test_staleness_warns_when_the_newest_measure_has_expired(bundled_db):
    current = staleness(bundled_db, TODAY, 365)
    assert not current.stale and warning_lines(current) == []
    later = staleness(bundled_db, dt.date(2029, 5, 23), 10000)
    # sz-sepi-2024 came into force last (2024-05-23) and runs to 2029-05-22.
    assert later.newest_expired_on == dt.date(2029, 5, 22) and not later.too_old
    lines = warning_lines(later)
    assert "已于 2029-05-22 失效" in lines[0] and lines[-1] == HOW_TO_UPDATE
    assert not staleness(bundled_db, dt.date(2029, 5, 22), 10000).stale


def test_staleness_warns_when_the_data_is_older_than_the_setting(bundled_db):
    release = bundled_db.release.date
    assert not staleness(bundled_db, release + dt.timedelta(days=30), 30).too_old
    old = staleness(bundled_db, release + dt.timedelta(days=31), 30)
    assert old.too_old and old.age_days == 31
    assert "已有 31 天未更新" in warning_lines(old)[0]


# -- the commands --------------------------------------------------------------------------------

def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_pack_commands_verify_import_show_changes_and_roll_back(packs, tmp_path, capsys):
    pack_file = _write(tmp_path, "update.gmpack", packs["next"])
    profile = tmp_path / "company.json"
    profile.write_text(json.dumps(LUOHU_COMPANY, ensure_ascii=False), encoding="utf-8")

    assert main.main(["pack", "verify", pack_file]) == 0
    out = capsys.readouterr().out
    assert "签名有效" in out and "版本 2026.12.1" in out and "此包较新，可以导入" in out

    assert main.main(["pack", "import", pack_file, "--profile", str(profile), "--as-of", "2026-11-21"]) == 0
    out = capsys.readouterr().out
    assert "正在使用：导入的措施包" in out and "版本 2026.12.1" in out
    assert "新增措施（1）" in out and "sz-sepi-2024/24b" in out
    assert "移除的措施（1）" in out
    assert "lh-glc-2024/1" in out and "不在有效期 → 可申请，最高 300 万元" in out

    assert main.main(["pack", "status"]) == 0
    assert "可恢复为：程序内置数据" in capsys.readouterr().out

    assert main.main(["pack", "import", pack_file]) == 4
    assert "与正在使用的数据相同" in capsys.readouterr().err

    assert main.main(["pack", "rollback"]) == 0
    assert "正在使用：程序内置数据" in capsys.readouterr().out


def test_pack_commands_refuse_bad_input_with_one_message(packs, tmp_path, capsys):
    data = bytearray(packs["next"])
    data[-10] ^= 0xFF
    assert main.main(["pack", "import", _write(tmp_path, "bad.gmpack", bytes(data))]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "签名与内容不符" in err and "Traceback" not in err
    assert main.main(["pack", "import", str(tmp_path / "none.gmpack")]) == 2
    assert "找不到措施包文件" in capsys.readouterr().err
    assert main.main(["pack", "rollback"]) == 4
    assert "没有可以恢复的上一版本" in capsys.readouterr().err
    bad_profile = tmp_path / "bad.json"
    bad_profile.write_text("{}", encoding="utf-8")
    assert main.main(["pack", "import", _write(tmp_path, "ok.gmpack", packs["next"]),
                      "--profile", str(bad_profile)]) == 2
    assert inst.installed().in_use.kind == inst.BUNDLED      # a bad profile stops before importing


def test_keygen_and_build_with_a_passphrase(tmp_path, monkeypatch, capsys):
    private, public = tmp_path / "publisher.pem", tmp_path / "publisher.pub.pem"
    monkeypatch.setenv("GREENMEASURES_PACK_PASSPHRASE", "correct horse")
    assert main.main(["pack", "keygen", "--private", str(private), "--public", str(public)]) == 0
    assert b"ENCRYPTED PRIVATE KEY" in private.read_bytes()
    assert main.main(["pack", "keygen", "--private", str(private), "--public", str(public)]) == 2
    assert "不会覆盖已有的私钥" in capsys.readouterr().err

    sources, seeds = next_release(tmp_path / "data")
    out = tmp_path / "out.gmpack"
    assert main.main(["pack", "build", str(out), "--key", str(private),
                      "--sources", str(sources), "--seeds", str(seeds)]) == 0
    assert main.main(["pack", "verify", str(out)]) == 4          # not a key this program trusts
    assert "不在本程序信任的发布方密钥之中" in capsys.readouterr().err
    assert main.main(["pack", "verify", str(out), "--public-key", str(public)]) == 0

    monkeypatch.setenv("GREENMEASURES_PACK_PASSPHRASE", "wrong")
    assert main.main(["pack", "build", str(tmp_path / "x.gmpack"), "--key", str(private)]) == 2
    assert "口令不对" in capsys.readouterr().err
    assert not (tmp_path / "x.gmpack").exists()
    monkeypatch.setenv("GREENMEASURES_PACK_PASSPHRASE", "correct horse")
    assert main.main(["pack", "build", str(tmp_path), "--key", str(private)]) == 2
    assert "是文件夹" in capsys.readouterr().err


def test_build_refuses_data_that_does_not_validate(keys, tmp_path, capsys):
    sources, seeds = copy_data(tmp_path / "data")
    set_release(sources, "soon", "2026-12-01")
    key_file = tmp_path / "k.pem"
    from cryptography.hazmat.primitives import serialization
    key_file.write_bytes(keys[0].private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    target = tmp_path / "x.gmpack"
    assert main.main(["pack", "build", str(target), "--key", str(key_file), "--sources", str(sources),
                      "--seeds", str(seeds)]) == 3
    assert "release.json: version: must be dotted numbers" in capsys.readouterr().err
    assert not target.exists()


# -- the shipped key -------------------------------------------------------------------------------

def test_the_publisher_public_key_ships_and_no_private_key_does():
    from core.resources import resource_dir
    keys = SHIPPED_KEYS()
    assert len(keys) >= 1
    root = Path(resource_dir()).parent
    for path in list(root.glob("resources/**/*")) + list(root.glob("*.pem")):
        if path.is_file() and path.suffix in (".pem", ".key", ".txt", ".json", ".yaml"):
            assert b"PRIVATE KEY" not in path.read_bytes(), path


# -- properties ---------------------------------------------------------------------------------

@settings(max_examples=200)
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=5),
       st.lists(st.integers(0, 10**6), min_size=1, max_size=5))
def test_release_versions_order_as_numbers(a, b):
    ra = packmod.Release.parse(".".join(map(str, a)), "2026-01-01")
    rb = packmod.Release.parse(".".join(map(str, b)), "2026-01-01")
    assert (ra.key < rb.key) == (tuple(a) < tuple(b))


@settings(max_examples=200)
@given(st.one_of(st.none(), st.integers(), st.text(max_size=20)))
def test_a_malformed_release_version_names_the_field(version):
    try:
        packmod.Release.parse(version, "2026-01-01")
    except ValueError as exc:
        assert str(exc).startswith("version: must be dotted numbers")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_pack_error_and_nothing_else(data):
    for candidate in (data, packmod.MAGIC + data):
        with pytest.raises(PackError):
            verify_pack_bytes(candidate, {})


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                    lambda inner: (st.lists(inner, max_size=3)
                                   | st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                    max_leaves=8)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["format", "version", "date", "database_version", "schema_version", "files",
                              "counts", "documents", "key_id"]), value=JSON)
def test_a_signed_manifest_with_any_wrong_field_is_refused_cleanly(keys, packs, field, value):
    """Whatever a (validly signed) manifest says wrongly in one field, the answer is a PackError
    naming a reason, never another exception."""
    archive = zipfile.ZipFile(io.BytesIO(packs["next"][packmod.HEADER_LENGTH:]))
    original = json.loads(archive.read("manifest.json"))
    assume(value != original[field])
    data = _resigned(keys, packs, lambda members: _edit_manifest(members, **{field: value}))
    with pytest.raises(PackError):
        verify_pack_bytes(data)
