"""Packaging without building: what the PyInstaller spec collects (packaging/spec_data.py), the
smoke test the frozen program runs (core/smoke.py, ui/smoke.py), the installer script, the
version resource and the portable copy. The build itself (packaging/build.py, under a minute
here) is not run by the tests; docs/packaging.md says how to run it."""
from __future__ import annotations

import ast
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path, PurePosixPath

import pytest

import core.i18n as i18n
from core import about, smoke
from core.i18n import LOCALES
from core.resources import measures_dir, profile_schema_path, resource_dir, seeds_dir

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"


def _load(name: str):
    """A module of packaging/ (not a package), loaded without leaving packaging/ on sys.path."""
    path = list(sys.path)
    try:
        spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path[:] = path


spec_data = _load("spec_data")
build = _load("build")


@pytest.fixture(scope="module")
def collected() -> dict[str, str]:
    """Each bundled file's place in the bundle ('folder/name', '/' separated) → its source."""
    return {str(PurePosixPath(dest) / Path(src).name): src for src, dest in spec_data.datas(ROOT)}


def bundle_name(path: Path, base: Path = ROOT) -> str:
    return str(PurePosixPath(*path.relative_to(base).parts))


# -- (a) what the spec collects ---------------------------------------------------------------

def test_every_file_of_the_resources_package_is_collected(collected):
    files = [p for p in (ROOT / "resources").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    assert len(files) > 20
    for path in files:
        name = bundle_name(path)
        if path.suffix == ".py":       # the package itself: imported by name at run time
            assert ".".join(PurePosixPath(name).with_suffix("").parts[:-1]) in spec_data.HIDDEN_IMPORTS
        elif name == "resources/measures.db":
            continue                   # a local build's leftover: the staged one is bundled instead
        else:
            assert collected.get(name) == str(path), f"{name} is not bundled"


def test_everything_the_resource_accessor_names_is_collected(collected):
    named = [measures_dir() / "lh-glc-2024.yaml", seeds_dir() / "README.md", profile_schema_path(),
             i18n.font_path(), i18n.font_licence_path(), resource_dir("checklist.yaml"),
             resource_dir(*smoke.SAMPLE_PROFILE), resource_dir(*spec_data.ICON[1:]),
             resource_dir(*about.GUIDE), resource_dir("fonts", "README.md"),
             *measures_dir().glob("*.yaml"), *measures_dir().glob("*.json"), *seeds_dir().glob("*.txt")]
    for path in named:
        assert bundle_name(path) in collected, path
    # the prebuilt database, staged by build.py, lands where core.measures.store looks for it
    assert collected["resources/measures.db"] == str(spec_data.prebuilt_database(ROOT))
    assert spec_data.prebuilt_database(ROOT).is_relative_to(ROOT / "build")


def test_every_gettext_catalog_is_collected_compiled(collected):
    for info in LOCALES.values():
        for suffix in ("mo", "po"):
            name = f"i18n/{info.catalog}/LC_MESSAGES/messages.{suffix}"
            assert collected.get(name) == str(ROOT / name), name
    assert "i18n" in spec_data.HIDDEN_IMPORTS and "resources" in spec_data.HIDDEN_IMPORTS
    assert not [n for n in collected if n.startswith("i18n/") and n.endswith(".py")]


def test_every_collected_source_exists_but_the_staged_database(collected):
    staged = str(spec_data.prebuilt_database(ROOT))
    missing = [src for src in collected.values() if src != staged and not Path(src).is_file()]
    assert missing == []


def test_missing_inputs_name_what_build_py_makes(tmp_path):
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    (tmp_path / "resources" / "icons" / "greenmeasures.ico").write_bytes(b"\0")
    missing = spec_data.missing_inputs(tmp_path)
    assert missing[0] == str(Path("build", "inputs", "measures.db"))
    assert [m for m in missing if m.endswith("messages.mo")] == [
        str(Path("i18n", info.catalog, "LC_MESSAGES", "messages.mo")) for info in LOCALES.values()]


def test_opencc_tables_for_every_conversion_are_collected(collected):
    share = spec_data.package_dir("opencc").joinpath(*spec_data.OPENCC_DATA)
    configs = {c for info in LOCALES.values() for c in (info.opencc, info.opencc_from_hant) if c}
    configs |= {"s2t", "t2s"}           # core.i18n's script detection
    configs |= set(i18n.PHRASE_CONFIGS.values())   # the character level for the kept words
    for config in configs:
        assert f"opencc/clib/share/opencc/{config}.json" in collected, config
        text = (share / f"{config}.json").read_text(encoding="utf-8")
        for table in set(re.findall(r'"file"\s*:\s*"([^"]+)"', text)):
            assert f"opencc/clib/share/opencc/{table}" in collected, (config, table)
    assert not [n for n in collected if n.startswith("opencc/clib/") and "/share/" not in n]


def test_babel_jsonschema_reportlab_and_pdfium_data_are_collected(collected):
    assert "babel/global.dat" in collected
    for info in LOCALES.values():
        parts = info.babel.split("_")
        for n in range(1, len(parts) + 1):
            assert f"babel/locale-data/{'_'.join(parts[:n])}.dat" in collected
    assert "babel/locale-data/root.dat" in collected
    assert "babel/locale-data/fr.dat" not in collected
    schemas = spec_data.package_dir("jsonschema_specifications") / "schemas"
    for path in schemas.rglob("*.json"):
        assert bundle_name(path, schemas.parent.parent) in collected
    assert any(n.startswith("reportlab/fonts/") for n in collected)
    libraries = spec_data.native_libraries()
    assert libraries and all(dest == "pypdfium2_raw" for _, dest in libraries)
    assert any("pdfium" in Path(src).name for src, _ in libraries)


def test_the_trimmed_babel_data_formats_every_language(tmp_path):
    """Only the kept locale files, in a fresh interpreter (Babel caches what it loaded)."""
    data = tmp_path / "locale-data"
    data.mkdir()
    for src, dest in spec_data.babel_datas():
        if dest == "babel/locale-data":
            (data / Path(src).name).write_bytes(Path(src).read_bytes())
    code = ("import sys, datetime, decimal, babel.localedata as ld; ld._dirname = sys.argv[1]; "
            "from core.i18n import LOCALES, format_date, format_money; "
            "print(';'.join(format_money(decimal.Decimal(225000), c, 'wan') + ' ' "
            "+ format_date(datetime.date(2025, 6, 30), c) for c in LOCALES))")
    out = subprocess.run([sys.executable, "-c", code, str(data)], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "22.5 万元 2025年6月30日;22.5 萬元 2025年6月30日;22.5 萬元 2025年6月30日"


def test_unwanted_removes_only_what_the_program_never_reads(collected):
    for name in collected:
        assert not spec_data.unwanted(name), name
    assert spec_data.unwanted("opencc/clib/include/opencc/Dict.hpp")
    assert spec_data.unwanted("opencc/clib/lib64/libopencc.a")
    assert spec_data.unwanted("opencc/clib/bin/opencc")
    assert not spec_data.unwanted("opencc\\clib\\bin\\opencc.dll")
    assert spec_data.unwanted("babel/locale-data/fr.dat")
    assert not spec_data.unwanted("babel\\locale-data\\zh_Hant_TW.dat")
    assert spec_data.unwanted("PySide6/Qt/translations/qtbase_de.qm")
    assert spec_data.unwanted("PySide6\\translations\\qt_zh_CN.qm")          # Windows wheel layout
    for name in i18n.qt_translation_names("zh-Hans") + i18n.qt_translation_names("zh-Hant"):
        assert not spec_data.unwanted(f"PySide6/translations/{name}.qm")
    assert not spec_data.unwanted("resources/measures.db")


def test_the_spec_uses_spec_data_and_builds_a_windowed_one_folder_program():
    text = (PACKAGING / "greenmeasures.spec").read_text(encoding="utf-8")
    for needle in ("spec_data.datas(ROOT)", "spec_data.native_libraries()", "spec_data.HIDDEN_IMPORTS",
                   "spec_data.EXCLUDES", "spec_data.unwanted(", "console=False", "exclude_binaries=True",
                   "COLLECT(", "spec_data.missing_inputs(ROOT)", "write_version_file(", "spec_data.ICON"):
        assert needle in text, needle
    # Nothing tied to one system: no path written as a string with separators, no library names.
    tree = ast.parse(text)
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    paths = [s for s in strings[1:] if " " not in s and ("/" in s or "\\" in s)]
    assert paths == []
    assert not [s for s in strings if re.search(r"\.(so|dll|dylib)\b", s)]


# -- (d) version resource and installer script ------------------------------------------------

def pyproject_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def parse_version_info(text: str) -> dict:
    """Evaluate the version file as PyInstaller does, with stand-ins for its classes."""
    record = {}

    def node(kind):
        def make(*args, **kwargs):
            return {"kind": kind, "args": args, **kwargs}
        return make

    def string_struct(key, value):
        record[key] = value
        return (key, value)

    names = {k: node(k) for k in ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable",
                                  "VarFileInfo", "VarStruct")}
    names["StringStruct"] = string_struct
    info = eval(text, {"__builtins__": {}}, names)  # the file is PyInstaller's eval()-able format
    return {"info": info, "strings": record}


def test_the_generated_version_file_carries_pyprojects_version(tmp_path):
    version = pyproject_version()
    path = spec_data.write_version_file(tmp_path / "version_info.txt", ROOT)
    parsed = parse_version_info(path.read_text(encoding="utf-8"))
    numbers = tuple(int(n) for n in version.split(".")) + (0,) * (4 - len(version.split(".")))
    assert parsed["info"]["ffi"]["filevers"] == numbers == parsed["info"]["ffi"]["prodvers"]
    assert parsed["strings"]["ProductVersion"] == version
    assert parsed["strings"]["FileVersion"] == ".".join(map(str, numbers))
    assert parsed["strings"]["OriginalFilename"] == "GreenMeasures.exe"
    mtime = path.stat().st_mtime_ns
    spec_data.write_version_file(path, ROOT)          # unchanged: not rewritten
    assert path.stat().st_mtime_ns == mtime


@pytest.mark.parametrize("version,numbers", [("0.1.0", (0, 1, 0, 0)), ("1.2", (1, 2, 0, 0)),
                                             ("2.0.1rc1", (2, 0, 1, 0)), ("3.4.5.6.dev1", (3, 4, 5, 6))])
def test_version_numbers(version, numbers):
    assert spec_data.version_numbers(version) == numbers


@pytest.mark.parametrize("version", ["dev", "70000.1"])
def test_version_numbers_refuse_what_windows_cannot_hold(version):
    with pytest.raises(ValueError):
        spec_data.version_numbers(version)


def iss_sections() -> dict[str, list[str]]:
    raw = (PACKAGING / "greenmeasures.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Inno Setup reads Unicode scripts as UTF-8 with a BOM"
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in raw.decode("utf-8-sig").splitlines():
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        match = re.fullmatch(r"\[(\w+)\]", line)
        if match:
            current = match.group(1)
            sections.setdefault(current, [])
        else:
            sections[current].append(line)
    return sections


def test_the_installer_script_installs_the_built_program_with_app_and_kiosk_shortcuts():
    sections = iss_sections()
    defines = dict(re.findall(r'#define (\w+) "([^"]*)"', "\n".join(sections[""])))
    assert defines["AppExeName"] == spec_data.APP_NAME + ".exe"
    setup = dict(line.split("=", 1) for line in sections["Setup"] if "=" in line and not line.startswith("#"))
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    assert setup["DefaultDirName"] == r"{autopf}\GreenMeasures"
    assert setup["AppVersion"] == "{#AppVersion}"
    assert setup["OutputBaseFilename"] == "GreenMeasures-{#AppVersion}-setup"   # what build.py expects
    assert setup["UninstallDisplayIcon"] == r"{app}\{#AppExeName}"
    assert setup["SetupIconFile"].replace("\\", "/") == "../" + "/".join(spec_data.ICON)
    assert (PACKAGING / setup["SetupIconFile"].replace("\\", "/")).is_file()
    icons = sections["Icons"]
    app = [i for i in icons
           if r'; Filename: "{app}\{#AppExeName}"' in i and "{group}" in i and "Parameters" not in i]
    kiosk = [i for i in icons if 'Parameters: "--kiosk"' in i and "{group}" in i]
    assert len(app) == 1 and len(kiosk) == 1
    assert "{#StartMenuName}" in app[0] and defines["StartMenuName"] == "绿策通"
    assert defines["KioskShortcutName"].startswith("绿策通") and "{#KioskShortcutName}" in kiosk[0]
    assert any("{autodesktop}" in i and "Tasks: desktopicon" in i for i in icons)
    assert any(i.startswith('Name: "desktopicon"') for i in sections["Tasks"])
    assert any("{uninstallexe}" in i for i in icons)
    files = sections["Files"]
    assert len(files) == 1 and files[0].startswith('Source: "{#SourceDir}\\*"; DestDir: "{app}"')
    assert "portable.txt" in files[0] and "recursesubdirs" in files[0]


def test_uninstalling_removes_the_program_folder_but_never_the_users_data():
    sections = iss_sections()
    assert sections["UninstallDelete"] == ['Type: dirifempty; Name: "{app}"']
    user_areas = ("{userappdata}", "{localappdata}", "{commonappdata}", "{userdocs}", "{%APPDATA",
                  "{%LOCALAPPDATA")
    for name, lines in sections.items():
        for line in lines:
            assert not any(area in line for area in user_areas), (name, line)
    assert sections["InstallDelete"] == [r'Type: filesandordirs; Name: "{app}\_internal"']


def test_the_names_build_py_relies_on_match_the_program():
    from core.settings import PORTABLE_MARKER

    assert spec_data.PORTABLE_MARKER == PORTABLE_MARKER
    assert build.PASSED == smoke.PASSED


def test_installer_on_another_system_is_refused_before_building(capsys):
    if sys.platform == "win32":
        pytest.skip("Windows makes the installer")
    assert build.main(["--installer"]) == 1
    err = capsys.readouterr().err
    assert "build FAILED: --installer" in err and "Windows" in err and "Traceback" not in err


def test_the_portable_copy_has_the_marker_and_is_zipped(tmp_path, monkeypatch):
    from core.settings import is_portable

    monkeypatch.setattr(build, "DIST", tmp_path)
    monkeypatch.delenv("GREENMEASURES_PORTABLE", raising=False)
    folder = tmp_path / "GreenMeasures"
    (folder / "_internal").mkdir(parents=True)
    (folder / build.exe_name()).write_bytes(b"program")
    (folder / "_internal" / "lib.bin").write_bytes(b"library")
    target, archive = build.make_portable(folder, "9.8.7", skip_smoke=True)
    assert target == tmp_path / "GreenMeasures-portable" / "GreenMeasures"
    assert is_portable(target) and not is_portable(folder)
    assert "便携模式" in (target / "portable.txt").read_text(encoding="utf-8")
    assert archive.name == f"GreenMeasures-9.8.7-portable-{build.platform_tag()}.zip"
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
    assert {f"GreenMeasures/{build.exe_name()}", "GreenMeasures/portable.txt",
            "GreenMeasures/_internal/lib.bin"} <= names


# -- (b) the smoke test passes from source ----------------------------------------------------

@pytest.fixture()
def app_state_restored(qapp, monkeypatch):
    """The smoke test starts the window as main.py does; put back what that sets app-wide."""
    import ui.app

    font, name, display = qapp.font(), qapp.applicationName(), qapp.applicationDisplayName()
    monkeypatch.setattr(i18n, "_listeners", list(i18n._listeners))
    yield qapp
    for translator in list(ui.app._translators):
        qapp.removeTranslator(translator)
    ui.app._translators.clear()
    qapp.setFont(font)
    qapp.setApplicationName(name)
    qapp.setApplicationDisplayName(display)


def test_the_smoke_test_passes_from_source_and_keeps_its_pdfs(app_state_restored, tmp_path, monkeypatch,
                                                              capsys):
    from ui.smoke import run_smoke_test

    log = tmp_path / "smoke.log"
    monkeypatch.setenv(smoke.LOG_VARIABLE, str(log))
    monkeypatch.setenv(smoke.DIR_VARIABLE, str(tmp_path / "pdf"))
    assert run_smoke_test() == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[-1] == smoke.PASSED and "FAIL" not in out and err == ""
    assert log.read_text(encoding="utf-8").splitlines() == lines
    steps = [line for line in lines[1:-1]]
    assert all(line.startswith("[ok] ") for line in steps), steps
    assert [s.split(":")[0] for s in steps] == [
        "[ok] folders", "[ok] measures database", "[ok] measure packs", "[ok] sample profile",
        "[ok] evaluation and checklist", "[ok] checklist PDF zh-Hans", "[ok] checklist PDF zh-Hant",
        "[ok] checklist PDF zh-Hant-TW", "[ok] PDF rendering", "[ok] Traditional Chinese",
        "[ok] gettext catalogs", "[ok] OpenCC", "[ok] Babel formatting", "[ok] Qt window",
        "[ok] Qt translations", "[ok] Qt locale", "[ok] PDF preview", "[ok] printing", "[ok] kiosk"]
    # a pack was imported, not only verified; Qt's catalog translated; the QPrinter wrote a PDF;
    # the kiosk drew its QR code
    assert "2026.11.21.1 imported" in out or ".1 imported (" in out
    assert "“Cancel” → 取消" in out
    printed = tmp_path / "pdf" / "printed-zh-Hans.pdf"
    assert printed.read_bytes().startswith(b"%PDF-") and str(printed) in out
    assert re.search(r"\[ok\] kiosk: .*QR code of \d+ bytes of results at \d+×\d+ px", out)
    assert re.search(r"zh-Hant: \d+ characters t2s would change", out)
    for lang in smoke.PDF_LANGUAGES:
        pdf = tmp_path / "pdf" / f"checklist-{lang}.pdf"
        assert str(pdf) in out
        assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 10_000
    assert (tmp_path / "pdf" / "checklist-zh-Hans.pdf").read_bytes() != \
        (tmp_path / "pdf" / "checklist-zh-Hant.pdf").read_bytes()


def test_the_smoke_test_leaves_the_folder_variables_as_it_found_them(monkeypatch, capsys):
    for name in smoke.FOLDER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    seen = {}

    def window():
        import os
        seen.update({name: os.environ.get(name) for name in smoke.FOLDER_VARIABLES})
        return "not started (test)"
    assert smoke.run_smoke_test(window, None, STUB_QT_CHECKS) == 0
    out = capsys.readouterr().out
    assert all(v and "greenmeasures-smoke-" in v for v in seen.values()), seen
    assert ("temporary for this run: GREENMEASURES_DATA_DIR, GREENMEASURES_CONFIG_DIR, "
            "GREENMEASURES_CACHE_DIR") in out
    import os
    assert not [name for name in smoke.FOLDER_VARIABLES if name in os.environ]
    assert not [v for v in seen.values() if Path(v).exists()]       # the temporary folder is gone


# Qt checks that pass without Qt (the tests of core's steps do not start it)
STUB_QT_CHECKS = {name: (lambda made: "not started (test)") for name in smoke.QT_CHECKS}


# -- (c) a failing smoke test says why, without a traceback -----------------------------------

def run_failing(capsys, *args) -> tuple[str, str]:
    assert smoke.run_smoke_test(*args) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return out, err


def test_a_broken_database_fails_the_smoke_test_with_a_message(tmp_path, monkeypatch, capsys):
    from core.measures import store

    broken = tmp_path / "measures.db"
    broken.write_bytes(b"this is not an SQLite database" * 100)
    monkeypatch.setattr(store, "bundled_database_path", lambda: broken)
    out, err = run_failing(capsys, lambda: "unused")
    assert "[FAIL] measures database: DatabaseError: 措施数据库无法读取" in err and str(broken) in err
    assert err.splitlines()[-1] == "smoke test FAILED at: measures database"
    assert smoke.PASSED not in out


def test_frozen_a_database_compiled_into_the_cache_fails(bundled_db, monkeypatch, capsys):
    """The bundle's prebuilt database is missing: the program would compile one, so the spec
    (or build.py) missed it."""
    import core.resources
    from core.measures import store

    real = core.resources.resource_dir

    def without_database(*parts):
        if parts == ("measures.db",):
            raise FileNotFoundError("bundled resource missing: measures.db")
        return real(*parts)
    monkeypatch.setattr(core.resources, "resource_dir", without_database)
    monkeypatch.setattr(store, "bundled_database_path", lambda: bundled_db.path)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    _, err = run_failing(capsys, lambda: "unused")
    assert "[FAIL] measures database: the bundle has no resources/measures.db" in err


def test_a_missing_catalog_fails_the_smoke_test(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(i18n, "catalog_dir", lambda: tmp_path)
    i18n.reload_catalogs()
    try:
        _, err = run_failing(capsys, lambda: "unused")
    finally:
        monkeypatch.undo()
        i18n.reload_catalogs()
    assert "[FAIL] gettext catalogs:" in err and "messages.mo is missing" in err


def test_without_the_qt_step_the_smoke_test_fails_and_names_the_entry_point(capsys):
    out, err = run_failing(capsys)
    assert "[ok] Babel formatting" in out
    assert "[FAIL] Qt window: not checked" in err and "ui.smoke.run_smoke_test" in err


def test_a_qt_step_that_raises_is_reported_as_one_line(capsys):
    def broken_window():
        raise RuntimeError("could not load the Qt platform plugin")
    _, err = run_failing(capsys, broken_window)
    assert "[FAIL] Qt window: RuntimeError: could not load the Qt platform plugin" in err


def test_a_log_that_cannot_be_written_fails_cleanly(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(smoke.LOG_VARIABLE, str(tmp_path))      # a folder, not a file
    _, err = run_failing(capsys, lambda: "unused")
    assert "smoke test FAILED: cannot write GREENMEASURES_SMOKE_LOG" in err


def test_the_sample_profile_is_a_valid_profile():
    from core.profile import load_profile

    profile = load_profile(resource_dir(*smoke.SAMPLE_PROFILE))
    assert profile["format"] == "greenmeasures.profile/1" and profile["projects"]
    assert json.loads(resource_dir(*smoke.SAMPLE_PROFILE).read_text(encoding="utf-8")) == profile


def test_a_missing_qt_platform_plugin_fails_before_qt_would_abort(monkeypatch):
    from ui import smoke as ui_smoke

    monkeypatch.setenv("QT_QPA_PLATFORM", "nosuchplatform")
    with pytest.raises(smoke.SmokeFailure, match="qnosuchplatform platform plugin is not in"):
        ui_smoke.check_window()


def test_a_message_box_instead_of_the_window_fails_the_qt_step(app_state_restored, monkeypatch):
    """A modal box would wait forever in an unattended build: it is recorded and fails the step."""
    from PySide6.QtWidgets import QMessageBox

    from core.measures import installed
    from core.measures.store import DatabaseError
    from ui import smoke as ui_smoke

    def refuse():
        raise DatabaseError("措施数据库无法读取（测试）")
    monkeypatch.setattr(installed, "open_in_use", refuse)
    critical = QMessageBox.critical
    # The database is opened after the window's first paint: the window is then hidden.
    with pytest.raises(smoke.SmokeFailure,
                       match="main window is not visible; critical box: .*措施数据库无法读取"):
        ui_smoke.check_window()
    assert QMessageBox.critical is critical            # put back


def test_the_metadata_the_about_dialog_reads_is_collected(collected):
    """关于 reads versions and licences with importlib.metadata: the frozen program needs them."""
    folders = [PurePosixPath(n).parent.name for n in collected if n.endswith(".dist-info/METADATA")]
    names = {f.removesuffix(".dist-info").rsplit("-", 1)[0].lower().replace("_", "-") for f in folders}
    for name in (about.DISTRIBUTION, *about.MAIN_LIBRARIES):
        assert name.lower().replace("_", "-") in names, name
    assert not [n for n in collected if n.endswith(".dist-info/METADATA") and spec_data.unwanted(n)]


def test_a_qt_check_the_caller_does_not_pass_fails_its_step(capsys):
    """Each Qt check (Qt translations, PDF preview, printing, kiosk) is required: a caller that
    leaves one out does not pass a bundle missing what it would have exercised."""
    checks = {name: check for name, check in STUB_QT_CHECKS.items() if name != "kiosk"}
    out, err = run_failing(capsys, lambda: "not started (test)", None, checks)
    assert "[ok] printing: not started (test)" in out
    assert "[FAIL] kiosk: not checked" in err and "ui.smoke.run_smoke_test" in err


def test_the_qt_checks_get_what_the_steps_made(capsys):
    seen = {}

    def check(made):
        seen.update(pdfs=set(made.pdfs), plan=made.evaluation.plan.selected,
                    projects=made.profile["projects"], measures=made.db.list_measures())
        return "looked (test)"
    checks = dict(STUB_QT_CHECKS, **{"PDF preview": check})
    assert smoke.run_smoke_test(lambda: "not started (test)", None, checks) == 0
    assert seen["pdfs"] == set(smoke.PDF_LANGUAGES)
    assert seen["plan"] and seen["projects"] and seen["measures"]


def test_a_checklist_left_in_simplified_characters_fails_the_traditional_step(monkeypatch, capsys):
    from core.i18n import converter

    real = smoke.pdf_text
    monkeypatch.setattr(smoke, "pdf_text", lambda path: converter("t2s").convert(real(path)))
    _, err = run_failing(capsys, lambda: "unused", None, STUB_QT_CHECKS)
    assert "[FAIL] Traditional Chinese: the zh-Hant checklist has 0 Traditional characters" in err


def test_ui_smoke_passes_a_check_for_every_qt_step():
    from ui import smoke as ui_smoke

    assert list(ui_smoke.QT_CHECKS) == list(smoke.QT_CHECKS)


# -- (e) what the bundle leaves out -----------------------------------------------------------

def _imported_modules() -> set[str]:
    """Every module the program's own code imports (main.py, core/, ui/), by full name."""
    names = set()
    for path in [ROOT / "main.py", *(ROOT / "core").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_nothing_the_program_imports_is_excluded():
    imported = _imported_modules()
    for excluded in spec_data.EXCLUDES:
        assert not [m for m in imported if m == excluded or m.startswith(excluded + ".")], excluded


def test_the_qt_modules_the_program_imports_are_the_ones_bundled():
    qt = {m for m in _imported_modules() if m.startswith("PySide6.Qt") and m.count(".") == 1}
    assert qt == {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtPrintSupport"}
    assert not qt & set(spec_data.EXCLUDES)


@pytest.mark.parametrize(("name", "wanted"), [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6\\plugins\\platforms\\qwindows.dll", True),              # Windows wheel layout
    ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", True),
    ("PySide6\\plugins\\printsupport\\windowsprintersupport.dll", True),
    ("PySide6/Qt/plugins/imageformats/libqico.so", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6\\plugins\\platforms\\qdirect2d.dll", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", False),  # Linux prints with lp
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", False),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
    ("PySide6/Qt/plugins/generic/libqevdevtouchplugin.so", False),
])
def test_only_the_qt_plugins_the_program_loads_are_bundled(name, wanted):
    assert spec_data.unwanted(name) is not wanted


def test_libraries_nothing_links_to_any_more_are_pruned():
    """A plugin left out takes the libraries only it linked; what a kept binary links, what is
    loaded with ctypes and the links to kept libraries stay."""
    pdfium = next(Path(src).name for src, _folder in spec_data.native_libraries())
    binaries = [
        ("PySide6/QtGui.abi3.so", "/x/QtGui.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/x/libQt6Gui.so.6", "BINARY"),
        ("libfreetype.so.6", "/x/libfreetype.so.6", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/x/libqxcb.so", "BINARY"),
        ("libxcb.so.1", "/x/libxcb.so.1", "BINARY"),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/x/libqgtk3.so", "BINARY"),
        ("libgtk-3.so.0", "/x/libgtk-3.so.0", "BINARY"),
        ("libcairo.so.2", "/x/libcairo.so.2", "BINARY"),
        (f"pypdfium2_raw/{pdfium}", f"/x/{pdfium}", "BINARY"),
        ("libpython3.11.so.1.0", "/x/libpython3.11.so.1.0", "BINARY"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libgtk-3.so.0.link", "libgtk-3.so.0", "SYMLINK"),
    ]
    links = {"/x/QtGui.abi3.so": ["libQt6Gui.so.6"], "/x/libQt6Gui.so.6": ["libfreetype.so.6"],
             "/x/libqxcb.so": ["libQt6Gui.so.6", "libxcb.so.1"], "/x/libqgtk3.so": ["libgtk-3.so.0"],
             "/x/libgtk-3.so.0": ["libcairo.so.2"]}
    kept = [entry[0] for entry in spec_data.prune_binaries(binaries, lambda src: links.get(src, []))]
    assert kept == ["PySide6/QtGui.abi3.so", "PySide6/Qt/lib/libQt6Gui.so.6", "libfreetype.so.6",
                    "PySide6/Qt/plugins/platforms/libqxcb.so", "libxcb.so.1", f"pypdfium2_raw/{pdfium}",
                    "libpython3.11.so.1.0", "libQt6Gui.so.6"]


@pytest.mark.parametrize(("item", "wanted"), [
    ("root.res", True), ("zh.res", True), ("zh_Hant_TW.res", True), ("coll/zh.res", True),
    ("en_GB.res", True), ("res_index.res", True), ("coll/res_index.res", True), ("pool.res", True),
    ("brkitr/cjdict.dict", True), ("brkitr/word.brk", True), ("gb18030.cnv", True),
    ("cnvalias.icu", True), ("zoneinfo64.res", True), ("zone/tzdbNames.res", True),
    ("de.res", False), ("coll/de.res", False), ("curr/fr_CA.res", False), ("zone/yue_Hant.res", False),
    ("coll/de_.res", False), ("coll/de__PHONEBOOK.res", False),
])
def test_icu_keeps_the_data_of_the_program_s_languages(item, wanted):
    assert spec_data.icu_unwanted(item) is not wanted


def _icu_library() -> Path | None:
    try:
        lib = Path(spec_data.package_dir("PySide6")) / "Qt" / "lib"
    except ModuleNotFoundError:
        return None
    return next(iter(sorted(lib.glob("libicudata.so.*"))), None) if lib.is_dir() else None


@pytest.mark.skipif(_icu_library() is None or any(shutil.which(t) is None for t in spec_data.ICU_TOOLS),
                    reason="no ICU library in this Qt (Windows) or its tools are missing")
def test_icu_data_is_trimmed_into_a_library_with_the_same_symbol(tmp_path):
    source = _icu_library()
    binaries = [(f"PySide6/Qt/lib/{source.name}", str(source), "BINARY"),
                (source.name, f"PySide6/Qt/lib/{source.name}", "SYMLINK")]
    replaced, note = spec_data.trim_icu(binaries, tmp_path)
    trimmed = Path(replaced[0][1])
    assert replaced[1] == binaries[1] and trimmed.parent == tmp_path and trimmed.name == source.name
    assert source.stat().st_size * 0.6 > trimmed.stat().st_size > 5_000_000, note
    symbols = subprocess.run(["nm", "-D", str(trimmed)], capture_output=True, text=True).stdout
    assert re.search(r"\bR icudt\d+_dat\b", symbols)
    package = next((tmp_path / "trimmed").glob("icudt*.dat"))
    assert strings_prefix(package) == package.stem                   # ICU finds items by this name
    items = subprocess.run(["icupkg", "-l", str(package)], capture_output=True, text=True)
    names = set(items.stdout.split())
    assert {"coll/zh.res", "zh_Hant_HK.res", "root.res", "cnvalias.icu"} <= names
    assert not {"coll/de.res", "coll/de_.res", "de.res", "unit/fr.res"} & names


def strings_prefix(package: Path) -> str:
    """The package name its items are stored under (``icudt73l`` in ``icudt73l/coll/zh.res``)."""
    match = re.search(rb"([A-Za-z0-9_]+)/coll/zh\.res", package.read_bytes())
    assert match
    return match.group(1).decode()


def test_windows_alone_gets_a_separate_console_twin_and_its_own_strip_rule():
    assert (sys.platform == "win32") is spec_data.SEPARATE_CONSOLE_TWIN
    assert (sys.platform != "win32") is spec_data.STRIP


@pytest.mark.skipif(sys.platform == "win32", reason="the twin is a program of its own on Windows")
def test_the_console_twin_is_a_link_to_the_program(tmp_path):
    (tmp_path / build.exe_name()).write_bytes(b"program")
    twin = build.link_console_twin(tmp_path)
    assert twin.is_symlink() and twin.read_bytes() == b"program"
    assert str(twin.readlink()) == build.exe_name()                # relative: the folder can move
    assert build.link_console_twin(tmp_path) == twin                 # a second build replaces it


# -- (f) what build.py reports and zips -------------------------------------------------------

def _bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "GreenMeasures"
    (folder / "_internal" / "PySide6").mkdir(parents=True)
    (folder / build.exe_name()).write_bytes(b"p" * 3000)
    (folder / "_internal" / "PySide6" / "libQt6Core.so.6").write_bytes(b"q" * 5000)
    (folder / "_internal" / "PySide6" / "QtCore.abi3.so").write_bytes(b"c" * 2000)
    (folder / "_internal" / "libpython3.so").write_bytes(b"y" * 4000)
    (folder / "_internal" / "small.txt").write_bytes(b"s")
    if sys.platform != "win32":
        (folder / "_internal" / "libQt6Core.so.6").symlink_to("PySide6/libQt6Core.so.6")
    return folder


def test_the_size_report_lists_the_largest_items_with_their_folders(tmp_path):
    folder = _bundle(tmp_path)
    assert build.largest_items(folder, 3) == [("_internal/PySide6/", 7000), ("_internal/libpython3.so", 4000),
                                              (build.exe_name(), 3000)]
    lines = build.size_report(folder)
    assert lines[0].startswith(f"{folder} (0 MB); the {build.LARGEST} largest items:")
    assert len(lines) == 1 + 4 and "_internal/PySide6/" in lines[1] and "50.0 %" in lines[1]


@pytest.mark.skipif(sys.platform == "win32", reason="Windows bundles have no links")
def test_the_zip_stores_a_link_as_a_link_not_a_second_copy(tmp_path):
    import stat

    folder = _bundle(tmp_path)
    archive = build.write_zip(tmp_path, folder.name, tmp_path / "out.zip")
    with zipfile.ZipFile(archive) as z:
        link = z.getinfo("GreenMeasures/_internal/libQt6Core.so.6")
        assert stat.S_ISLNK(link.external_attr >> 16)
        assert z.read(link) == b"PySide6/libQt6Core.so.6"
        assert z.read("GreenMeasures/_internal/PySide6/libQt6Core.so.6") == b"q" * 5000
    unpacked = tmp_path / "unpacked"
    subprocess.run(["unzip", "-q", str(archive), "-d", str(unpacked)], check=True) \
        if shutil.which("unzip") else pytest.skip("no unzip to restore the link")
    restored = unpacked / "GreenMeasures" / "_internal" / "libQt6Core.so.6"
    assert restored.is_symlink() and restored.read_bytes() == b"q" * 5000
    assert build.zip_size(folder) == archive.stat().st_size
    assert not list(tmp_path.glob("*.part"))


def test_without_the_icu_tools_the_data_stays_whole_and_the_build_says_why(tmp_path, monkeypatch):
    binaries = [("PySide6/Qt/lib/libicudata.so.73", "/x/libicudata.so.73", "BINARY")]
    monkeypatch.setattr(spec_data.shutil, "which", lambda tool: None if tool == "icupkg" else "/bin/" + tool)
    assert spec_data.trim_icu(binaries, tmp_path) == (binaries, (
        "ICU: data left whole (32 MB): icupkg not found (apt-get install icu-devtools gcc binutils)"))
    monkeypatch.setattr(spec_data.shutil, "which", lambda tool: "/bin/" + tool)
    monkeypatch.setattr(spec_data, "trim_icu_data", lambda *a: (_ for _ in ()).throw(RuntimeError("too old")))
    assert spec_data.trim_icu(binaries, tmp_path) == (binaries, "ICU: data left whole (32 MB): too old")
    assert spec_data.trim_icu([("libpython3.11.so", "/x/libpython3.11.so", "BINARY")], tmp_path)[1] == \
        "ICU: no data library bundled"
