"""Build 绿策通 GreenMeasures for the platform this runs on, and smoke-test what was built.

    python packaging/build.py [--portable] [--installer] [--skip-smoke] [--clean]

1. prepares the generated inputs: the compiled gettext catalogs (i18n/*/LC_MESSAGES/messages.mo,
   only rewritten when their messages differ from the .po), the prebuilt measures database in
   build/inputs/measures.db (when it does not match the YAML sources; the bundle has it as
   resources/measures.db), and the icon if it is missing;
2. runs PyInstaller on packaging/greenmeasures.spec into dist/GreenMeasures/ (work files in
   build/pyinstaller/; the spec writes the Windows version resource there);
3. starts the frozen program with --smoke-test, its data, config and cache folders in a temporary
   folder, and fails (exit 1) unless it passes; its report is printed (it is written to a log
   file, since a Windows program without a console has no stdout) and its PDFs kept in
   build/smoke/;
4. --portable: copies the folder to dist/GreenMeasures-portable/GreenMeasures/ with portable.txt
   beside the program (settings and drafts then stay in its data/ subfolder), smoke-tests that
   copy too, and zips it as dist/GreenMeasures-<version>-portable-<platform>.zip;
5. --installer (Windows): compiles packaging/greenmeasures.iss with Inno Setup 6's ISCC.exe into
   dist/GreenMeasures-<version>-setup.exe.

It installs nothing: PyInstaller comes from `pip install -e ".[packaging]"`. See docs/packaging.md.
"""
from __future__ import annotations

import argparse
import gettext
import io
import locale
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for folder in (str(ROOT), str(HERE)):
    if folder not in sys.path:
        sys.path.insert(0, folder)

import spec_data  # noqa: E402

DIST = ROOT / "dist"
BUILD = ROOT / "build"
SPEC = HERE / "greenmeasures.spec"
ISS = HERE / "greenmeasures.iss"
SMOKE_TIMEOUT = 300          # seconds; the smoke test takes a few
PASSED = "smoke test passed"  # core.smoke.PASSED (not imported: the frozen program's word counts)

PORTABLE_NOTE = """\
绿策通 GreenMeasures — 便携模式 / portable mode

本文件在程序旁边时，设置、草稿和最近打开记录都保存在本文件夹的 data 子文件夹里，
不写入本机的用户文件夹；整个文件夹可以复制到 U 盘带走。删除本文件即恢复为按用户保存。

While this file sits beside the program, settings, drafts and recent files are kept in the data
subfolder of this folder, not in the user's folders on this PC. Delete it to go back to per-user
folders.
"""


class BuildError(Exception):
    """A step of the build failed; the message says which and what to do."""


def say(text: str) -> None:
    print(text, flush=True)


def exe_name(name: str = spec_data.APP_NAME) -> str:
    return name + (".exe" if sys.platform == "win32" else "")


def platform_tag() -> str:
    machine = platform.machine().lower().replace("amd64", "x64").replace("x86_64", "x64")
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    return f"{system}-{machine}"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB"


LARGEST = 10          # the items the size breakdown lists


def largest_items(folder: Path, count: int = LARGEST) -> list[tuple[str, int]]:
    """The largest items of the bundle, as (place, bytes), largest first: the files beside the
    program and each file or folder directly inside its ``_internal`` folder (a folder with all it
    holds), so the next person sees where the size goes. Links count nothing (folder_size)."""
    items = []
    for top in sorted(folder.iterdir()):
        inside = top.name == "_internal" and top.is_dir() and not top.is_symlink()
        below = sorted(top.iterdir()) if inside else [top]
        for item in below:
            if item.is_symlink():
                continue
            size = folder_size(item) if item.is_dir() else item.stat().st_size
            items.append((item.relative_to(folder).as_posix() + ("/" if item.is_dir() else ""), size))
    return sorted(items, key=lambda item: (-item[1], item[0]))[:count]


def size_report(folder: Path) -> list[str]:
    """The folder's size and its largest items, one line each (printed by the build)."""
    total = folder_size(folder)
    lines = [f"{folder} ({megabytes(total)}); the {LARGEST} largest items:"]
    for name, size in largest_items(folder):
        lines.append(f"  {size / 1_000_000:7.1f} MB  {size * 100 / max(total, 1):4.1f} %  {name}")
    return lines


def write_zip(root: Path, base: str, archive: Path) -> Path:
    """Zip ``root/base`` as ``archive`` with ``base/`` at its top. A symbolic link (PyInstaller
    links Linux's Qt, ICU and Pillow libraries into the top of ``_internal``) is stored as a link,
    as unzip and Info-ZIP restore it, not as a second copy of the library it points to (zipfile
    and shutil.make_archive follow links: that doubled 80 MB of libraries in the zip)."""
    import stat
    import zipfile

    archive.unlink(missing_ok=True)
    partial = archive.with_name(archive.name + ".part")       # no half-written zip left behind
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted((root / base).rglob("*")):
                name = path.relative_to(root).as_posix()
                if path.is_symlink():
                    info = zipfile.ZipInfo(name, time.localtime(path.lstat().st_mtime)[:6])
                    info.create_system = 3                    # Unix: the mode below is meant
                    info.external_attr = (stat.S_IFLNK | 0o777) << 16
                    zf.writestr(info, os.readlink(path))
                elif path.is_dir():
                    zf.write(path, name + "/")
                else:
                    zf.write(path, name)
        partial.replace(archive)
    finally:
        partial.unlink(missing_ok=True)
    return archive


def zip_size(folder: Path) -> int:
    """What the folder weighs zipped (as the portable zip is made), measured in a temporary file."""
    with tempfile.TemporaryDirectory(prefix="greenmeasures-build-zip-", ignore_cleanup_errors=True) as tmp:
        return write_zip(folder.parent, folder.name, Path(tmp) / "measure.zip").stat().st_size


# -- 1. inputs --------------------------------------------------------------------------------

def _messages(mo_bytes: bytes) -> dict:
    catalog = dict(gettext.GNUTranslations(io.BytesIO(mo_bytes))._catalog)
    catalog.pop("", None)        # the header holds dates
    return catalog


def compile_catalogs() -> list[Path]:
    """Compile each .po to the .mo beside it when their messages differ; the files written."""
    from core.i18n import LOCALES, compile_po

    written = []
    for info in LOCALES.values():
        folder = ROOT / "i18n" / info.catalog / "LC_MESSAGES"
        po, mo = folder / "messages.po", folder / "messages.mo"
        if not po.is_file():
            raise BuildError(f"{po.relative_to(ROOT)} is missing: run python i18n/update.py")
        data = compile_po(po.read_bytes())
        if not mo.is_file() or _messages(mo.read_bytes()) != _messages(data):
            mo.write_bytes(data)
            written.append(mo)
    return written


def prepare_database() -> tuple[Path, str, bool]:
    """build/inputs/measures.db for the current YAML sources (the bundle's resources/measures.db);
    (path, version, whether it was built)."""
    from core.measures.build import build_database
    from core.measures.catalog import content_version, load_catalog
    from core.measures.store import DatabaseError, MeasuresDB
    from core.measures.validate import DataError

    target = spec_data.prebuilt_database(ROOT)
    version = content_version()
    current = None
    if target.is_file():
        try:
            db = MeasuresDB(target)
            current = db.version
            db.close()
        except DatabaseError:
            current = None
    if current == version:
        return target, version, False
    try:
        build_database(load_catalog(), target)
    except DataError as exc:
        raise BuildError(f"the measures data has errors, no database built:\n{exc}") from None
    return target, version, True


def prepare_inputs() -> None:
    for mo in compile_catalogs():
        say(f"  compiled {mo.relative_to(ROOT)}")
    path, version, built = prepare_database()
    say(f"  {'built' if built else 'up to date:'} {path.relative_to(ROOT)} (version {version})")
    icon = ROOT.joinpath(*spec_data.ICON)
    if not icon.is_file():
        import make_icon
        for written in make_icon.write_icons(icon.parent):
            say(f"  drew {written.relative_to(ROOT)}")
    missing = spec_data.missing_inputs(ROOT)
    if missing:
        raise BuildError("still missing after preparing: " + ", ".join(missing))


# -- 2. PyInstaller ---------------------------------------------------------------------------

def run_pyinstaller(clean: bool) -> Path:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller"), str(SPEC)]
    if clean:
        command.insert(3, "--clean")
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        raise BuildError(f"PyInstaller failed (exit {result.returncode}); see its messages above")
    folder = DIST / spec_data.APP_NAME
    if not (folder / exe_name()).is_file():
        raise BuildError(f"PyInstaller finished but {folder / exe_name()} is not there")
    if not spec_data.SEPARATE_CONSOLE_TWIN:
        link_console_twin(folder)
    return folder


def link_console_twin(folder: Path) -> Path:
    """The console twin as a relative link to the program (systems where the program itself has
    standard output; spec_data.SEPARATE_CONSOLE_TWIN): one copy of the code, both names work."""
    twin = folder / exe_name(spec_data.CLI_NAME)
    if twin.is_symlink() or twin.exists():
        twin.unlink()
    twin.symlink_to(exe_name())
    return twin


# -- 3. smoke test ----------------------------------------------------------------------------

def isolated_env(tmp_path: Path) -> dict[str, str]:
    """The environment for a frozen run: data, config and cache in a temporary folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREENMEASURES_")}
    env.update({
        "GREENMEASURES_DATA_DIR": str(tmp_path / "data"),
        "GREENMEASURES_CONFIG_DIR": str(tmp_path / "config"),
        "GREENMEASURES_CACHE_DIR": str(tmp_path / "cache"),
    })
    return env


def console_check(folder: Path) -> str:
    """The console twin runs a command and prints to standard output; its first line, or BuildError."""
    program = folder / exe_name(spec_data.CLI_NAME)
    with tempfile.TemporaryDirectory(prefix="greenmeasures-build-cli-", ignore_cleanup_errors=True) as tmp:
        try:
            result = subprocess.run([str(program), "pack", "status"], env=isolated_env(Path(tmp)), cwd=tmp,
                                    capture_output=True, timeout=SMOKE_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BuildError(f"cannot run {program} pack status: {exc}") from None
    # Piped output is in the console code page on Windows (cp936 on a Chinese system), UTF-8 here.
    out = next((text for text in (result.stdout.decode(enc, "replace") for enc in
                                  ("utf-8", locale.getpreferredencoding(False))) if "正在使用" in text),
               result.stdout.decode("utf-8", "replace"))
    if result.returncode != 0 or "正在使用" not in out:
        detail = result.stderr.decode("utf-8", "replace")[-2000:]
        raise BuildError(f"{program} pack status failed (exit {result.returncode}): {out[-500:]}{detail}")
    return out.splitlines()[0]


def smoke_test(folder: Path, label: str, expect_portable: bool = False) -> list[str]:
    """Start the frozen program with --smoke-test; its report lines, or BuildError."""
    program = folder / exe_name()
    keep = BUILD / "smoke" / label
    shutil.rmtree(keep, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="greenmeasures-build-smoke-", ignore_cleanup_errors=True) as tmp:
        tmp_path = Path(tmp)
        log = tmp_path / "smoke.log"
        env = isolated_env(tmp_path)
        env.update({
            "GREENMEASURES_SMOKE_LOG": str(log),
            "GREENMEASURES_SMOKE_DIR": str(keep),
            "QT_QPA_PLATFORM": "offscreen",
        })
        try:
            result = subprocess.run([str(program), "--smoke-test"], env=env, cwd=tmp,
                                    capture_output=True, timeout=SMOKE_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise BuildError(f"the smoke test of {program} did not finish within {SMOKE_TIMEOUT} s") from None
        except OSError as exc:
            raise BuildError(f"cannot start {program}: {exc}") from None
        lines = log.read_text(encoding="utf-8").splitlines() if log.is_file() else []
    for line in lines:
        say(f"  | {line}")
    if result.returncode != 0 or not lines or lines[-1] != PASSED:
        # What the report does not already say (a crash before it started, a Qt message).
        stderr = [line for line in result.stderr.decode("utf-8", "replace").splitlines()
                  if line.strip() and line not in lines]
        detail = ("\n" + "\n".join(stderr)[-3000:]) if stderr else ""
        what = "wrote no report" if not lines else "failed"
        raise BuildError(f"the smoke test of {program} {what} (exit {result.returncode}){detail}")
    if expect_portable and not any("portable mode on" in line for line in lines):
        raise BuildError(f"{program} did not start in portable mode although {spec_data.PORTABLE_MARKER} "
                         "is beside it")
    return lines


# -- 4. portable ------------------------------------------------------------------------------

def make_portable(folder: Path, version: str, skip_smoke: bool) -> tuple[Path, Path]:
    parent = DIST / f"{spec_data.APP_NAME}-portable"
    shutil.rmtree(parent, ignore_errors=True)
    target = parent / spec_data.APP_NAME
    shutil.copytree(folder, target, symlinks=True)
    (target / spec_data.PORTABLE_MARKER).write_text(PORTABLE_NOTE, encoding="utf-8")
    if not skip_smoke:
        say("smoke test (portable copy)")
        smoke_test(target, "portable", expect_portable=True)
        shutil.rmtree(target / "data", ignore_errors=True)   # nothing of the test run goes in the zip
    archive = write_zip(parent, spec_data.APP_NAME,
                        DIST / f"{spec_data.APP_NAME}-{version}-portable-{platform_tag()}.zip")
    return target, archive


# -- 5. installer -----------------------------------------------------------------------------

def find_iscc() -> Path | None:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return Path(found)
    for variable in ("ProgramFiles(x86)", "ProgramFiles", "LOCALAPPDATA"):
        base = os.environ.get(variable)
        if not base:
            continue
        for sub in (("Inno Setup 6",), ("Programs", "Inno Setup 6")):
            candidate = Path(base).joinpath(*sub, "ISCC.exe")
            if candidate.is_file():
                return candidate
    return None


def installer_compiler(version: str) -> Path:
    """ISCC.exe, or BuildError saying how to get the installer made (checked before building)."""
    if sys.platform != "win32":
        raise BuildError("--installer: the installer is made on Windows with Inno Setup 6 "
                         "(packaging/greenmeasures.iss, see docs/packaging.md)")
    iscc = find_iscc()
    if iscc is None:
        raise BuildError("--installer: Inno Setup 6's ISCC.exe was not found (neither on PATH nor in "
                         "Program Files). Install Inno Setup 6, or after this build run it yourself:\n"
                         f'  iscc /DAppVersion={version} "{ISS}"')
    return iscc


def make_installer(iscc: Path, folder: Path, version: str) -> Path:
    result = subprocess.run([str(iscc), f"/DAppVersion={version}", f"/DSourceDir={folder}",
                             f"/DOutputDir={DIST}", str(ISS)], cwd=HERE)
    if result.returncode != 0:
        raise BuildError(f"Inno Setup failed (exit {result.returncode}); see its messages above")
    setup = DIST / f"{spec_data.APP_NAME}-{version}-setup.exe"
    if not setup.is_file():
        raise BuildError(f"Inno Setup finished but {setup} is not there")
    return setup


# -- main -------------------------------------------------------------------------------------

def build(args: argparse.Namespace) -> int:
    started = time.monotonic()
    version = spec_data.project_version(ROOT)
    iscc = installer_compiler(version) if args.installer else None   # told before minutes of building
    if not _has_pyinstaller():
        raise BuildError('PyInstaller is not installed in this Python: '
                         'python -m pip install -e ".[packaging]"')
    say(f"绿策通 GreenMeasures {version}: building for {platform_tag()} "
        f"with Python {platform.python_version()}")
    say("preparing inputs")
    prepare_inputs()
    say("running PyInstaller (a few minutes)")
    phase = time.monotonic()
    folder = run_pyinstaller(args.clean)
    say(f"  PyInstaller took {time.monotonic() - phase:.0f} s")
    for line in size_report(folder):
        say("  " + line)
    if not args.portable:      # the portable step reports its real zip
        say(f"  zipped: {megabytes(zip_size(folder))}")
    if args.skip_smoke:
        say("smoke test skipped (--skip-smoke)")
    else:
        say("smoke test")
        smoke_test(folder, "app")
        say(f"console program: {console_check(folder)}")
    results = [f"application folder: {folder / exe_name()}"]
    if args.portable:
        say("portable variant")
        target, archive = make_portable(folder, version, args.skip_smoke)
        results += [f"portable folder: {target}",
                    f"portable zip: {archive} ({megabytes(archive.stat().st_size)})"]
    if iscc is not None:
        say("installer (Inno Setup)")
        results.append(f"installer: {make_installer(iscc, folder, version)}")
    say(f"done in {time.monotonic() - started:.0f} s")
    for line in results:
        say(line)
    return 0


def _has_pyinstaller() -> bool:
    import importlib.util
    return importlib.util.find_spec("PyInstaller") is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portable", action="store_true",
                        help="also make the portable copy (portable.txt beside the program) and its zip")
    parser.add_argument("--installer", action="store_true",
                        help="also compile the Inno Setup installer (Windows, Inno Setup 6)")
    parser.add_argument("--skip-smoke", action="store_true",
                        help="do not run the frozen program's smoke test")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first (slower)")
    args = parser.parse_args(argv)
    try:
        return build(args)
    except BuildError as exc:
        print(f"build FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
