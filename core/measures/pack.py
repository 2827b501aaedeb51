"""Measure packs: one signed file that carries a measures update to machines with no network.

A pack (``*.gmpack``) is a signed header followed by a ZIP archive:

- bytes 0–7 ``GMPACK1\n``; 8–23 the signing key's id (16 hex digits); 24–87 the Ed25519 signature
  of the header's first 24 bytes plus everything after byte 87. The signature covers every byte of
  the file, so any flipped byte is caught before anything in the archive is read or trusted.
- the ZIP holds exactly: ``manifest.json`` (format, release version and date, database and schema
  version, the documents with their dates and measure counts, table counts, and the SHA-256 and
  size of every other member); ``measures.db`` (the compiled database); ``sources/*.yaml`` and
  ``sources/release.json`` (the data it was compiled from); ``seeds/*.txt`` (the policy texts the
  data cites, so the verbatim check can run on import).

Tools that skip leading bytes (``unzip -l``) can still list the archive. Members are read into
memory by the names the manifest lists and written by us, never extracted by paths taken from the
archive, so a crafted archive cannot write outside the folder it is unpacked into.

Verification order, each step refusing with a message that says what is wrong: header → signing
key known → signature valid → archive readable → manifest well-formed → every member present and
matching its hash, nothing extra → the database has this program's schema and the manifest's
version and counts → the sources pass this program's validator (including the verbatim check
against the seeds) and hash to the database version → the database's content equals what this
program compiles from those sources. Members are read in chunks with their real sizes counted
against MAX_MEMBER_BYTES and MAX_UNPACKED_BYTES; YAML aliases are refused (core.measures.yamlsource).
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.measures.build import SCHEMA_VERSION
from core.measures.catalog import RELEASE_FILE, Release
from core.measures.store import DATABASE_FILE

if TYPE_CHECKING:      # cryptography is imported where first used
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT = "greenmeasures.pack/1"
SUFFIX = ".gmpack"
MAGIC = b"GMPACK1\n"
KEY_ID_LENGTH, SIGNATURE_LENGTH = 16, 64
HEADER_LENGTH = len(MAGIC) + KEY_ID_LENGTH + SIGNATURE_LENGTH
MANIFEST, DATABASE = "manifest.json", DATABASE_FILE
SOURCES, SEEDS = "sources", "seeds"
# A real pack is well under 5 MB (about 1.5 MB unpacked); anything far larger is not one. The
# unpacked limits count the bytes actually decompressed, never the sizes the archive claims, and
# reading stops at the first byte past them (docs/packs.md).
MAX_MEMBER_BYTES = 64 * 1024 * 1024       # one member, unpacked
MAX_UNPACKED_BYTES = 96 * 1024 * 1024     # all members together, unpacked
MAX_MEMBERS = 200
KEY_FILE_MAX_BYTES = 64 * 1024         # a PEM key is a few hundred bytes
_READ_CHUNK = 1024 * 1024
# Whole names, checked with fullmatch: '$' would also accept a name ending in a newline.
_MEMBER_NAME = re.compile(r"measures\.db|sources/[A-Za-z0-9_.-]+\.(yaml|json)|seeds/[A-Za-z0-9_.-]+\.txt")
_SHA256 = re.compile(r"[0-9a-f]{64}")
COUNTED_TABLES = ("documents", "measures", "criteria", "evidence", "stacking")


class PackError(Exception):
    """The pack cannot be used; str() is the message for the user (Chinese), naming the reason."""


# -- keys -------------------------------------------------------------------------------------

def key_id(public_key) -> str:
    """Short fingerprint of a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(path: Path) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from core.userfile import UserFileError, read_user_file
    try:
        key = serialization.load_pem_public_key(read_user_file(path, KEY_FILE_MAX_BYTES))
    except (UserFileError, ValueError) as exc:
        raise PackError(f"公钥文件 {path.name} 无法读取：{exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise PackError(f"公钥文件 {path.name} 不是 Ed25519 公钥。")
    return key


def trusted_keys(folder: Path | None = None) -> dict[str, Ed25519PublicKey]:
    """The publisher keys this program accepts: resources/keys/*.pem, by key id."""
    from core.resources import resource_dir

    folder = folder or resource_dir("keys")
    keys: dict[str, Ed25519PublicKey] = {}
    for path in sorted(folder.glob("*.pem")):
        key = load_public_key(path)
        keys[key_id(key)] = key
    return keys


def load_private_key(path: Path, passphrase: bytes | None = None):
    """The publisher's signing key (PKCS#8 PEM, normally passphrase-encrypted)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from core.userfile import UserFileError, read_user_file
    try:
        data = read_user_file(path, KEY_FILE_MAX_BYTES)
    except UserFileError as exc:
        raise PackError(f"签名私钥无法读取：{exc}") from None
    try:
        key = serialization.load_pem_private_key(data, password=passphrase or None)
    except TypeError:
        raise PackError(f"签名私钥 {path.name} 有口令保护：请提供口令（环境变量 "
                        f"GREENMEASURES_PACK_PASSPHRASE 或在提示时输入）。") from None
    except ValueError:
        raise PackError(f"签名私钥 {path.name} 无法解开：口令不对，或不是 PEM 格式的私钥。") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise PackError(f"签名私钥 {path.name} 不是 Ed25519 私钥。")
    return key


def generate_key_pair(passphrase: bytes | None) -> tuple[bytes, bytes]:
    """A new publisher key pair as (private PEM, public PEM); the private one encrypted when a
    passphrase is given."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


# -- building ---------------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _table_counts(db_path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES}
    finally:
        conn.close()


def _documents(db_path: Path) -> list[dict]:
    """The manifest's list of documents, read from the compiled database."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT d.key, d.title, d.published_on, d.valid_from, d.valid_to, "
            "(SELECT count(*) FROM measures m WHERE m.document = d.key) FROM documents d ORDER BY d.key")
        names = ("key", "title", "published_on", "valid_from", "valid_to", "measures")
        return [dict(zip(names, row, strict=True)) for row in rows]
    finally:
        conn.close()


def build_pack(private_key, sources: Path | None = None, seeds: Path | None = None) -> bytes:
    """The signed pack for the measures data in `sources` (default: the bundled data), as bytes.

    The sources are validated and compiled here, so a pack can only be made from data that passes
    the same checks the application runs; DataError lists the problems otherwise."""
    import tempfile

    from core.measures.build import build_database
    from core.measures.catalog import load_catalog, source_files
    from core.resources import measures_dir, seeds_dir

    sources = sources or measures_dir()
    seeds = seeds or seeds_dir()
    catalog = load_catalog(sources, seeds)
    members: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="gmpack-") as tmp:
        db_path = build_database(catalog, Path(tmp) / DATABASE)
        members[DATABASE] = db_path.read_bytes()
        counts, documents = _table_counts(db_path), _documents(db_path)
    for path in source_files(sources) + [sources / RELEASE_FILE]:
        members[f"{SOURCES}/{path.name}"] = path.read_bytes()
    for seed in sorted({doc["seed"] for doc in catalog.documents.values()}):
        members[f"{SEEDS}/{seed}"] = (seeds / seed).read_bytes()

    manifest = {
        "format": FORMAT,
        "version": catalog.release.version,
        "date": catalog.release.date.isoformat(),
        "database_version": catalog.version,
        "schema_version": SCHEMA_VERSION,
        "key_id": key_id(private_key.public_key()),
        "documents": documents,
        "counts": counts,
        "files": {name: {"sha256": _sha256(data), "size": len(data)}
                  for name, data in sorted(members.items())},
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest_bytes)
        for name, data in sorted(members.items()):
            archive.writestr(name, data)
    return sign(private_key, buffer.getvalue())


def sign(private_key, archive: bytes) -> bytes:
    """The header (magic, key id, signature) followed by the archive."""
    head = MAGIC + key_id(private_key.public_key()).encode("ascii")
    return head + private_key.sign(head + archive) + archive


# -- verifying --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Manifest:
    raw: dict
    release: Release
    database_version: str
    key_id: str

    @property
    def documents(self) -> list[dict]:
        return self.raw["documents"]

    @property
    def counts(self) -> dict[str, int]:
        return self.raw["counts"]

    @property
    def measure_count(self) -> int:
        return self.raw["counts"]["measures"]


@dataclass(frozen=True)
class VerifiedPack:
    """A pack whose signature, hashes, schema and data have all been checked, unpacked in memory."""
    manifest: Manifest
    manifest_bytes: bytes
    members: dict[str, bytes]

    def write_to(self, folder: Path) -> None:
        """Unpack into `folder` (which must not exist yet): the members and the manifest."""
        folder.mkdir(parents=True)
        (folder / MANIFEST).write_bytes(self.manifest_bytes)
        for name, data in self.members.items():
            target = folder.joinpath(*name.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


_TAMPERED = "措施包已损坏或被改动过（{detail}），不能使用。请向发布方重新索取措施包。"


def _read_archive(data: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackError("这个文件不是绿策通措施包（.gmpack），或已损坏。") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise PackError(_TAMPERED.format(detail=f"包含 {len(infos)} 个文件，超出措施包的范围"))
        # The claimed sizes refuse an honest oversized pack at once; the real bytes are counted below.
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise PackError(_TAMPERED.format(detail=f"解压后超过 {_mib(MAX_UNPACKED_BYTES)}"))
        members: dict[str, bytes] = {}
        unpacked = 0
        for info in infos:
            if info.file_size > MAX_MEMBER_BYTES:
                raise PackError(_TAMPERED.format(detail=f"{info.filename} 过大"))
            if info.filename in members:
                raise PackError(_TAMPERED.format(detail=f"{info.filename} 出现两次"))
            try:
                members[info.filename], unpacked = _read_member(archive, info, unpacked)
            except PackError:
                raise
            # The signature has already passed, so this is a pack built wrong, not tampering in
            # transit; zipfile, zlib and an unknown compression method each raise their own kind.
            except Exception as exc:  # noqa: BLE001
                raise PackError(_TAMPERED.format(detail=f"{info.filename} 无法解压：{exc}")) from None
    return members


def _mib(n: int) -> str:
    return f"{n // (1024 * 1024)} MB"


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, unpacked: int) -> tuple[bytes, int]:
    """The member's bytes, read in chunks and counted as they come, so that an archive whose size
    fields lie is refused at the first chunk past a limit instead of after filling memory."""
    data = bytearray()
    with archive.open(info) as stream:
        while chunk := stream.read(_READ_CHUNK):
            data += chunk
            unpacked += len(chunk)
            if len(data) > MAX_MEMBER_BYTES:
                raise PackError(_TAMPERED.format(
                    detail=f"{info.filename} 解压后超过 {_mib(MAX_MEMBER_BYTES)}"))
            if unpacked > MAX_UNPACKED_BYTES:
                raise PackError(_TAMPERED.format(detail=f"解压后超过 {_mib(MAX_UNPACKED_BYTES)}"))
    return bytes(data), unpacked


def _check_signature(data: bytes, keys: dict[str, Ed25519PublicKey]) -> tuple[str, bytes]:
    """The key id and the archive, once the signature over the whole file has been verified."""
    from cryptography.exceptions import InvalidSignature

    if len(data) <= HEADER_LENGTH or not data.startswith(MAGIC):
        raise PackError("这个文件不是绿策通措施包（.gmpack），或已损坏。")
    raw_id = data[len(MAGIC):len(MAGIC) + KEY_ID_LENGTH]
    claimed = raw_id.decode("ascii", "replace")
    if claimed not in keys:
        raise PackError(
            f"措施包的签名密钥 {claimed} 不在本程序信任的发布方密钥之中（或文件已损坏），已拒绝。只导入"
            f"绿策通发布方签名的措施包；如发布方更换了密钥，请先升级绿策通。")
    signature = data[len(MAGIC) + KEY_ID_LENGTH:HEADER_LENGTH]
    archive = data[HEADER_LENGTH:]
    try:
        keys[claimed].verify(signature, data[:len(MAGIC) + KEY_ID_LENGTH] + archive)
    except InvalidSignature:
        raise PackError(_TAMPERED.format(detail="签名与内容不符")) from None
    return claimed, archive


def _parse_manifest(manifest_bytes: bytes) -> Manifest:
    def bad(detail: str) -> PackError:
        return PackError(f"措施包清单（manifest.json）格式不对：{detail}。")

    try:
        raw = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad(f"不是有效的 JSON（{exc}）") from None
    if not isinstance(raw, dict):
        raise bad("应为 JSON 对象")
    if raw.get("format") != FORMAT:
        raise PackError(f"措施包格式 {raw.get('format')!r} 不是本程序支持的 {FORMAT}：请升级绿策通。")
    if raw.get("schema_version") != SCHEMA_VERSION:
        raise PackError(f"措施包的数据库结构版本为 {raw.get('schema_version')!r}，"
                        f"本程序使用 {SCHEMA_VERSION}：请使用与本程序相符的措施包，或升级绿策通。")
    try:
        release = Release.parse(raw.get("version"), raw.get("date"))
    except ValueError as exc:
        raise bad(str(exc)) from None
    if (not isinstance(raw.get("database_version"), str)
            or not re.fullmatch(r"[0-9a-f]{16}", raw["database_version"])):
        raise bad("database_version 应为 16 位十六进制")
    files = raw.get("files")
    if not isinstance(files, dict) or DATABASE not in files:
        raise bad(f"files 应列出 {DATABASE} 及数据源文件")
    for name, entry in files.items():
        if not isinstance(name, str) or not _MEMBER_NAME.fullmatch(name):
            raise bad(f"files 中的 {name!r} 不是措施包允许的文件名")
        if (not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str)
                or not _SHA256.fullmatch(entry["sha256"]) or not isinstance(entry.get("size"), int)):
            raise bad(f"files.{name} 应有 sha256（64 位十六进制）和 size（整数）")
    counts = raw.get("counts")
    if not isinstance(counts, dict) or any(not isinstance(counts.get(t), int) for t in COUNTED_TABLES):
        raise bad("counts 应给出 " + "、".join(COUNTED_TABLES) + " 的条数")
    documents = raw.get("documents")
    if not isinstance(documents, list) or not all(
            isinstance(d, dict) and isinstance(d.get("key"), str) and isinstance(d.get("title"), str)
            and isinstance(d.get("measures"), int) for d in documents):
        raise bad("documents 应为文件列表（key、title、measures）")
    return Manifest(raw, release, raw["database_version"], str(raw.get("key_id")))


def _check_members(manifest: Manifest, members: dict[str, bytes]) -> dict[str, bytes]:
    listed = manifest.raw["files"]
    payload = {name: data for name, data in members.items() if name != MANIFEST}
    extra = sorted(set(payload) - set(listed))
    missing = sorted(set(listed) - set(payload))
    if extra:
        raise PackError(_TAMPERED.format(detail="多出清单未列的文件 " + "、".join(extra)))
    if missing:
        raise PackError(_TAMPERED.format(detail="缺少文件 " + "、".join(missing)))
    for name, entry in listed.items():
        data = payload[name]
        if len(data) != entry["size"] or _sha256(data) != entry["sha256"]:
            raise PackError(_TAMPERED.format(detail=f"{name} 与清单记录的校验值不符"))
    return payload


def _check_contents(manifest: Manifest, folder: Path) -> None:
    """The unpacked database and sources agree with the manifest and with this program."""
    from core.measures.build import build_database, database_digest
    from core.measures.catalog import load_catalog
    from core.measures.validate import DataError

    db_path = folder / DATABASE
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                raise PackError(f"措施包中的数据库结构版本与本程序（{SCHEMA_VERSION}）不符。")
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise PackError(_TAMPERED.format(detail="数据库完整性检查未通过"))
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise PackError(_TAMPERED.format(detail=f"数据库无法读取：{exc}")) from None
    if (meta.get("database_version") != manifest.database_version
            or meta.get("release_version") != manifest.release.version
            or meta.get("release_date") != manifest.release.date.isoformat()):
        raise PackError(_TAMPERED.format(detail="数据库的版本与清单不符"))
    if _table_counts(db_path) != manifest.counts or _documents(db_path) != manifest.documents:
        raise PackError(_TAMPERED.format(detail="数据库的条数或文件列表与清单不符"))
    try:
        catalog = load_catalog(folder / SOURCES, folder / SEEDS)
    except DataError as exc:
        first = exc.problems[0] if exc.problems else ""
        more = f"等 {len(exc.problems)} 处" if len(exc.problems) > 1 else ""
        raise PackError(f"措施包中的措施数据未通过本程序的校验（{first}{more}）："
                        "可能需要更新版本的绿策通。") from None
    if catalog.version != manifest.database_version or catalog.release != manifest.release:
        raise PackError(_TAMPERED.format(detail="数据源与数据库的版本不符"))
    # The shipped database must hold exactly what this program compiles from the shipped sources
    # (amounts, criteria, search index, schema): the engine reads the database, the checks above
    # read the sources, and a pack whose two disagree would pass them and pay out wrong amounts.
    fresh = build_database(catalog, folder.parent / f"fresh-{DATABASE}")
    try:
        if database_digest(db_path) != database_digest(fresh):
            raise PackError(_TAMPERED.format(detail="数据库的内容与其数据源编译的结果不符"))
    except sqlite3.DatabaseError as exc:
        raise PackError(_TAMPERED.format(detail=f"数据库无法读取：{exc}")) from None
    finally:
        fresh.unlink(missing_ok=True)


def verify_pack_bytes(data: bytes, keys: dict[str, Ed25519PublicKey] | None = None) -> VerifiedPack:
    """Every check in the module docstring; PackError at the first that fails."""
    import tempfile

    keys = trusted_keys() if keys is None else keys
    signed_by, archive = _check_signature(data, keys)
    members = _read_archive(archive)
    if MANIFEST not in members:
        raise PackError(_TAMPERED.format(detail="缺少 manifest.json"))
    manifest = _parse_manifest(members[MANIFEST])
    if manifest.key_id != signed_by:
        raise PackError(_TAMPERED.format(detail="清单记录的签名密钥与实际签名不符"))
    payload = _check_members(manifest, members)
    pack = VerifiedPack(manifest, members[MANIFEST], payload)
    with tempfile.TemporaryDirectory(prefix="gmpack-verify-") as tmp:
        folder = Path(tmp) / "pack"
        pack.write_to(folder)
        _check_contents(manifest, folder)
    return pack


PACK_FILE_MAX_BYTES = MAX_MEMBER_BYTES * 2


def read_pack_file(path: Path) -> bytes:
    """The pack's bytes: a regular file of at most PACK_FILE_MAX_BYTES (core.userfile: a FIFO or a
    device is refused at once, never read)."""
    from core.userfile import UserFileError, read_user_file
    try:
        return read_user_file(path, PACK_FILE_MAX_BYTES)
    except UserFileError as exc:
        if exc.kind == "missing":
            raise PackError(f"找不到措施包文件：{path}") from None
        if exc.kind == "folder":
            raise PackError(f"{path} 是文件夹，请选择 .gmpack 文件。") from None
        if exc.kind == "too_large":
            raise PackError(f"{exc.message_zh}，不是绿策通措施包。") from None
        raise PackError(f"措施包文件无法读取：{exc.message_zh}") from None


def verify_pack(path: Path, keys: dict[str, Ed25519PublicKey] | None = None) -> VerifiedPack:
    return verify_pack_bytes(read_pack_file(path), keys)


def describe(manifest: Manifest) -> list[str]:
    """The manifest as lines for people (verify output, the import dialog)."""
    lines = [f"版本 {manifest.release.version}（数据截至 {manifest.release.date.isoformat()}）",
             f"数据库版本 {manifest.database_version}，签名密钥 {manifest.key_id}",
             f"{len(manifest.documents)} 份文件，{manifest.measure_count} 条措施："]
    for d in manifest.documents:
        period = f"{d.get('valid_from') or '—'} 至 {d.get('valid_to') or '长期'}"
        lines.append(f"  {d['key']}  {d['title']}（{d['measures']} 条，有效期 {period}）")
    return lines

