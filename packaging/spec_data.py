"""What the PyInstaller spec bundles, as plain functions (no PyInstaller needed to call them).

``greenmeasures.spec`` imports this module; ``tests/test_packaging.py`` calls the same functions to
check that every file the resource accessor can name (``core.resources``, ``core.i18n``) is
bundled, without running a build. Data files are listed one by one as ``(source file, folder in
the bundle)`` pairs, the form PyInstaller's ``datas`` takes.

The third-party packages that read data files at run time:

- OpenCC: its conversion configs and dictionaries, ``opencc/clib/share/opencc`` (the package also
  ships headers, static libraries and command-line tools, which the program does not need);
- Babel: ``global.dat`` and the locale data of the three languages (``core.i18n.LOCALES``) and
  their parents (the other 1,000 locales are 30 MB the program never reads);
- jsonschema: the JSON Schema metaschemas in ``jsonschema_specifications``;
- reportlab: its standard fonts and licence;
- pypdfium2: PDFium's native library and its ``version.json`` (``pypdfium2_raw``).

PyInstaller's own hooks (pyinstaller-hooks-contrib) collect most of these too; listing them here
makes the bundle not depend on a hook's version, and ``unwanted()`` removes what the hooks collect
beyond that.
"""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "GreenMeasures"                        # the executable (GreenMeasures.exe) and its folder
# The same program with a console, for the commands (check, checklist, measures, pack): a windowed
# .exe has no standard output on Windows, so GreenMeasures.exe pack import … would print nothing.
CLI_NAME = "GreenMeasuresCmd"
DISPLAY_NAME = "绿策通 GreenMeasures"
ICON = ("resources", "icons", "greenmeasures.ico")
PORTABLE_MARKER = "portable.txt"                  # core.settings.PORTABLE_MARKER
# Generated inputs (packaging/build.py makes them) live under build/, not in the source tree: a
# resources/measures.db in the checkout would be used by `python main.py` and the tests instead of
# the cache they expect. The bundle gets it at resources/measures.db, where core.measures.store
# looks for a prebuilt database.
STAGING = ("build", "inputs")
PREBUILT_DATABASE = "measures.db"

# Packages imported by name at run time (importlib.resources.files), which PyInstaller's import
# analysis cannot see; and the entry of the smoke test.
HIDDEN_IMPORTS = ["resources", "i18n", "ui.smoke"]
# Importable here but never used by the program (optional imports of its dependencies, each
# imported only inside a function or a try/except ImportError by what pulls it in):
# - requests (jsonschema's remote $ref, with urllib3, idna, charset_normalizer, certifi): the schemas
#   are local; pkg_resources (babel's plugin lookup, with pyparsing and jinja2): not used;
# - Qt modules the program does not import (ui/ imports QtCore, QtGui, QtWidgets, QtPrintSupport;
#   the PDF preview paints PDFium's pages, it does not use QtPdf): QtNetwork brings its TLS and
#   network-information plugins, QtDBus is only a binding (Qt's own libQt6DBus stays if Qt needs it);
# - Pillow's optional codecs (reportlab imports PIL.Image at its top, so Pillow itself stays, but
#   the checklist holds no images): AVIF, WebP, colour management, Tk (their native libraries are
#   most of pillow.libs).
EXCLUDES = ["tkinter", "_tkinter", "numpy", "pytest", "hypothesis", "IPython", "matplotlib", "PyInstaller",
            "requests", "urllib3", "idna", "charset_normalizer", "certifi",
            "pkg_resources", "jinja2", "pyparsing",
            "readline",                # the interactive prompt's line editing (with libreadline)
            "PySide6.QtNetwork", "PySide6.QtDBus",
            "PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin",
            "PIL._imagingcms", "PIL.ImageCms", "PIL._imagingtk", "PIL.ImageTk", "PIL.ImageQt"]

# Qt plugins the program loads, by plugin folder: the file names (without "lib" and the suffix)
# kept, or None for the whole folder. Every other folder (Wayland, EGLFS, generic input devices,
# OpenGL integrations, GTK and portal themes, TLS, network information, virtual keyboard, …) is
# left out.
QT_PLUGINS: dict[str, tuple[str, ...] | None] = {
    # the native window system of each platform, and offscreen (the smoke test, CI, screenshots)
    "platforms": ("qwindows", "qxcb", "qcocoa", "qoffscreen"),
    # the system's printers where Qt prints (ui/printing.py): Windows (and macOS's native one).
    # Linux prints through the CUPS clients lp/lpstat (core/printing.py), so Qt's CUPS plugin, which
    # links libcups and with it GnuTLS, Kerberos and p11-kit (about 10 MB), is left out.
    "printsupport": ("windowsprintersupport", "cocoaprintersupport"),
    "styles": None,                    # Windows' native look (qmodernwindowsstyle)
    # typing Chinese under X11 (IBus; compose keys); Windows' IME needs no plugin
    "platforminputcontexts": ("composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"),
    "imageformats": ("qico",),         # PNG is built into QtGui; .ico for the window icon on Windows
}
# Whether the console twin (CLI_NAME) is a program of its own. Only Windows needs one: a windowed
# .exe has no standard output there. Elsewhere the program started from a terminal prints, so
# packaging/build.py makes the twin a link to the program instead of a second copy of it (each
# copy carries the whole compiled Python code, 7 MB).
SEPARATE_CONSOLE_TWIN = sys.platform == "win32"
# Whether PyInstaller strips the binaries' symbols: there is no `strip` on Windows, whose DLLs carry
# none (debug symbols live in separate .pdb files that are not collected).
STRIP = sys.platform != "win32"

NATIVE_SUFFIXES = (".so", ".dll", ".dylib", ".pyd")
SKIPPED_SUFFIXES = (".py", ".pyc", ".pyo") + NATIVE_SUFFIXES
OPENCC_DATA = ("clib", "share", "opencc")


# -- version ----------------------------------------------------------------------------------

def project_version(root: Path = ROOT) -> str:
    """The version in pyproject.toml (``[project] version``)."""
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """``0.1.0`` → (0, 1, 0, 0): the four numbers of a Windows version resource (a suffix such as
    ``rc1`` or ``.dev2`` is dropped; only the release numbers count)."""
    match = re.match(r"\d+(?:\.\d+){0,3}", version.strip())
    if not match:
        raise ValueError(f"version {version!r} does not start with a number")
    numbers = [int(n) for n in match.group(0).split(".")]
    if any(n > 0xFFFF for n in numbers):
        raise ValueError(f"version {version!r}: Windows allows at most 65535 in each part")
    return tuple(numbers + [0] * (4 - len(numbers)))  # type: ignore[return-value]


def version_info_text(version: str) -> str:
    """The Windows version resource, in the text form PyInstaller's ``version=`` file takes."""
    numbers = version_numbers(version)
    dotted = ".".join(map(str, numbers))
    strings = [
        ("CompanyName", "GreenMeasures"),
        ("FileDescription", DISPLAY_NAME),
        ("FileVersion", dotted),
        ("InternalName", APP_NAME),
        ("LegalCopyright", "GreenMeasures"),
        ("OriginalFilename", f"{APP_NAME}.exe"),
        ("ProductName", DISPLAY_NAME),
        ("ProductVersion", version),
    ]
    items = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings)
    # 0x0804 = Chinese (PRC), 1200 = Unicode: the language the strings are in.
    return f"""# Generated by packaging/spec_data.py from pyproject.toml's version; do not edit.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '080404b0',
        [
{items}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x0804, 1200])])
  ]
)
"""


def write_version_file(path: Path, root: Path = ROOT) -> Path:
    """Write the version resource for pyproject's version to ``path`` (only when it changed)."""
    text = version_info_text(project_version(root))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


# -- the project's own data -------------------------------------------------------------------

def _files(folder: Path, skip=SKIPPED_SUFFIXES) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(skip))


def _pair(source: Path, base: Path, prefix: PurePosixPath) -> tuple[str, str]:
    folder = PurePosixPath(*source.relative_to(base).parent.parts)
    return str(source), str(prefix / folder) if folder.parts else str(prefix)


def catalog_files(root: Path = ROOT) -> list[Path]:
    """The gettext catalogs core.i18n reads: ``i18n/<catalog>/LC_MESSAGES/messages.{mo,po}``."""
    return sorted((root / "i18n").glob("*/LC_MESSAGES/messages.[mp]o"))


def staging_dir(root: Path = ROOT) -> Path:
    return root.joinpath(*STAGING)


def prebuilt_database(root: Path = ROOT) -> Path:
    """Where packaging/build.py puts the measures database the bundle ships."""
    return staging_dir(root) / PREBUILT_DATABASE


def project_datas(root: Path = ROOT) -> list[tuple[str, str]]:
    """Everything in the ``resources`` package (measures, seeds, schema, fonts, icons, the sample
    profile), the prebuilt database as ``resources/measures.db``, and the gettext catalogs, at the
    same places in the bundle, so ``importlib.resources.files("resources"/"i18n")`` finds them
    when frozen. A ``resources/measures.db`` left in the source tree is not taken: the one built
    for this build is."""
    pairs = [_pair(p, root, PurePosixPath()) for p in _files(root / "resources")
             if p != root / "resources" / PREBUILT_DATABASE]
    pairs.append((str(prebuilt_database(root)), "resources"))
    pairs += [_pair(p, root, PurePosixPath()) for p in catalog_files(root)]
    return pairs


def missing_inputs(root: Path = ROOT) -> list[str]:
    """Generated files the bundle needs that are not there (``packaging/build.py`` makes them)."""
    from core.i18n import LOCALES  # the languages decide which catalogs must be compiled

    needed = [prebuilt_database(root), root.joinpath(*ICON)]
    needed += [root / "i18n" / info.catalog / "LC_MESSAGES" / "messages.mo" for info in LOCALES.values()]
    return [str(p.relative_to(root)) for p in needed if not p.is_file()]


# -- third-party data -------------------------------------------------------------------------

def package_dir(name: str) -> Path:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"package {name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def package_datas(name: str, *subfolder: str) -> list[tuple[str, str]]:
    """A package's data files (not its code), optionally only those below ``subfolder``."""
    base = package_dir(name)
    folder = base.joinpath(*subfolder)
    return [_pair(p, base, PurePosixPath(name)) for p in _files(folder)]


def babel_locales() -> set[str]:
    """Babel locale ids whose data the program reads: the three languages, their parents, root."""
    from core.i18n import LOCALES

    keep = {"root"}
    for info in LOCALES.values():
        parts = info.babel.split("_")
        keep.update("_".join(parts[:n]) for n in range(1, len(parts) + 1))
    return keep


def babel_datas() -> list[tuple[str, str]]:
    keep = babel_locales()
    return [pair for pair in package_datas("babel")
            if PurePosixPath(pair[1]).name != "locale-data" or Path(pair[0]).suffix != ".dat"
            or Path(pair[0]).stem in keep]


def third_party_datas() -> list[tuple[str, str]]:
    return (package_datas("opencc", *OPENCC_DATA) + babel_datas()
            + package_datas("jsonschema_specifications") + package_datas("reportlab")
            + package_datas("pypdfium2_raw"))


def native_libraries() -> list[tuple[str, str]]:
    """Shared libraries loaded with ctypes (not imported, so not found by the import analysis)."""
    base = package_dir("pypdfium2_raw")
    return [_pair(p, base, PurePosixPath("pypdfium2_raw")) for p in sorted(base.iterdir())
            if p.is_file() and p.name.endswith(NATIVE_SUFFIXES)]


def metadata_datas() -> list[tuple[str, str]]:
    """The installed ``METADATA`` of the program and of the libraries 关于 names
    (``core.about.MAIN_LIBRARIES``), in their ``<name>-<version>.dist-info`` folders at the top
    of the bundle, where ``importlib.metadata`` finds them when frozen (what PyInstaller's
    ``copy_metadata`` does): the dialog then shows their versions and licences as installed. A
    program not installed in the build's environment (no ``pip install -e .``) is left out; the
    dialog then reads the version from nowhere and says 未知."""
    from importlib import metadata

    from core.about import DISTRIBUTION, MAIN_LIBRARIES

    pairs = []
    for name in (DISTRIBUTION, *MAIN_LIBRARIES):
        # Every installation of the name on the path: run from the checkout, the first found is
        # setuptools' `<name>.egg-info` beside pyproject.toml (made by `pip install -e .`), which
        # lists no files; the installed `.dist-info` comes after it.
        found = [(dist, f) for dist in metadata.distributions(name=name) for f in dist.files or []
                 if f.name == "METADATA" and f.parent.name.endswith(".dist-info")]
        if not found:
            if name == DISTRIBUTION:
                continue
            raise metadata.PackageNotFoundError(name)
        dist, f = found[0]
        pairs.append((str(Path(str(dist.locate_file(f))).resolve()), f.parent.as_posix()))
    return pairs


def datas(root: Path = ROOT) -> list[tuple[str, str]]:
    """Every data file of the bundle, as PyInstaller's ``datas``."""
    return project_datas(root) + third_party_datas() + metadata_datas()


def unwanted(dest_name: str) -> bool:
    """Files PyInstaller's hooks collect that the program never reads (by their place in the
    bundle, '/' or '\\' separated): OpenCC's headers, static libraries and tools, and the locale
    data and Qt translations of languages the program does not have. A shared library is never
    unwanted: a Windows build of OpenCC may keep the DLL its extension module loads beside them."""
    parts = PurePosixPath(dest_name.replace("\\", "/")).parts
    if parts[:2] == ("opencc", "clib") and len(parts) > 3 and parts[2] in ("include", "lib64", "lib", "bin"):
        return not parts[-1].lower().endswith(NATIVE_SUFFIXES)
    if parts[:2] == ("babel", "locale-data") and len(parts) == 3 and parts[2].endswith(".dat"):
        return parts[2][:-4] not in babel_locales()
    if parts[:1] == ("PySide6",) and "translations" in parts and parts[-1].endswith(".qm"):
        return parts[-1][:-3] not in qt_translations()
    if parts[:1] == ("PySide6",) and "plugins" in parts[:3]:
        return not qt_plugin_wanted(parts[parts.index("plugins") + 1:])
    return False


def qt_plugin_wanted(parts: tuple[str, ...]) -> bool:
    """Whether a file below Qt's plugins folder (``("platforms", "libqxcb.so")``) is one the
    program loads (``QT_PLUGINS``)."""
    if len(parts) < 2 or parts[0] not in QT_PLUGINS:
        return False
    kept = QT_PLUGINS[parts[0]]
    if kept is None:
        return True
    name = parts[-1].split(".")[0]
    return name.removeprefix("lib") in kept


def _dest_name(dest: str) -> str:
    """The file name of a place in the bundle, lower case (Windows' DLL names are not case-sensitive)."""
    return PurePosixPath(dest.replace("\\", "/")).name.lower()


def _linked_names(source: str) -> list[str]:
    """The shared libraries a binary links to (PyInstaller's own dependency reader)."""
    from PyInstaller.depend.bindepend import get_imports

    return [name for name, _path in get_imports(source)]


def prune_binaries(binaries: Iterable[tuple[str, str, str]],
                   linked: Callable[[str], list[str]] = _linked_names) -> list[tuple[str, str, str]]:
    """PyInstaller's ``a.binaries`` without the unwanted Qt plugins and without the shared
    libraries that nothing left links to.

    PyInstaller collects a plugin's libraries along with it (GTK, cairo and pango for the GTK
    theme; Wayland and EGL for their platforms; Pillow's codecs); once ``unwanted()`` has removed
    the plugin they would stay behind unused. The roots are what is loaded by name rather than
    linked: Python's extension modules, Qt's plugins, the Python library the program starts, and
    the libraries loaded with ctypes (``native_libraries()``); a library is kept when a root, or a
    library kept, links to it."""
    entries = [entry for entry in binaries if not unwanted(entry[0])]
    loaded = {Path(source).name.lower() for source, _folder in native_libraries()}

    def is_root(dest: str, typecode: str) -> bool:
        name = _dest_name(dest)
        parts = PurePosixPath(dest.replace("\\", "/")).parts
        return (typecode == "EXTENSION" or "plugins" in parts[:3] and parts[:1] == ("PySide6",)
                or name.startswith(("libpython", "python3")) or name in loaded)

    by_name: dict[str, list[tuple[str, str, str]]] = {}
    for entry in entries:
        if entry[2] != "SYMLINK":      # a link's source is its target in the bundle, not a file
            by_name.setdefault(_dest_name(entry[0]), []).append(entry)
    keep: set[str] = set()
    todo = [entry for entry in entries if entry[2] != "SYMLINK" and is_root(entry[0], entry[2])]
    while todo:
        dest, src, _typecode = todo.pop()
        if dest in keep:
            continue
        keep.add(dest)
        for name in linked(src):
            todo += [e for e in by_name.get(PurePosixPath(name.replace("\\", "/")).name.lower(), [])
                     if e[0] not in keep]
    kept = {_bundle_path(dest) for dest in keep}
    return [entry for entry in entries if entry[0] in keep
            or entry[2] == "SYMLINK" and _bundle_path(entry[1]) in kept]


def _bundle_path(dest: str) -> str:
    return PurePosixPath(dest.replace("\\", "/")).as_posix()


def qt_translations() -> set[str]:
    """Qt's own catalogs the window loads (core.i18n.qt_translation_names): qtbase_zh_CN, … ."""
    from core.i18n import LOCALES, qt_translation_names

    return {name for code in LOCALES for name in qt_translation_names(code)}


# -- ICU's data -------------------------------------------------------------------------------
# Qt for Linux links ICU, whose data library (libicudata, 32 MB) holds the locale data of about
# 800 locales; Qt for Windows uses the system's ICU and bundles none. Like Babel's, only the data
# of the program's languages is kept: root, Chinese (core.i18n.LOCALES) and English (Qt's C
# locale). The converters, break rules, time zones and the rest of ICU's data stay whole.
ICU_KEPT_LANGUAGES = ("root", "en")
ICU_TOOLS = ("icupkg", "genccode", "cc", "nm", "readelf")    # icu-devtools, a C compiler, binutils
_ICU_LOCALE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z0-9]*)*$")     # de, zh_Hant_TW, de__PHONEBOOK
_ICU_NOT_LOCALES = {"res_index"}                  # the index of each tree, named like a locale
_ICU_MISSING = re.compile(r"depends on missing item (\S+)")


def icu_kept_languages() -> set[str]:
    return set(ICU_KEPT_LANGUAGES) | {language.split("_")[0] for language in babel_locales() - {"root"}}


def icu_unwanted(item: str) -> bool:
    """Whether an item of ICU's data package (``coll/de.res``) is the locale data of a language
    the program does not have. (The word-break dictionaries of Thai, Lao, Khmer and Burmese stay:
    the root break rules every language uses refer to them.)"""
    stem, _, suffix = PurePosixPath(item).name.rpartition(".")
    return (suffix == "res" and bool(_ICU_LOCALE.match(stem)) and stem not in _ICU_NOT_LOCALES
            and stem.split("_")[0] not in icu_kept_languages())


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def trim_icu_data(library: Path, workdir: Path) -> Path:
    """A copy of ICU's data library without ``icu_unwanted`` items, built in ``workdir``: the data
    package is cut out of the library (the ``icudtNN_dat`` symbol), trimmed with icupkg (an item
    another kept item depends on stays), and compiled back into a library of the same name that
    defines the same symbol. RuntimeError saying what failed."""
    workdir.mkdir(parents=True, exist_ok=True)
    symbols = _run(["nm", "-D", "-S", str(library)], workdir)
    found = [line.split() for line in symbols.stdout.splitlines() if line.strip().endswith("_dat")]
    if symbols.returncode != 0 or len(found) != 1 or len(found[0]) != 4:
        raise RuntimeError(f"no ICU data symbol in {library}: {symbols.stderr.strip()}")
    address, size, _kind, symbol = found[0]
    sections = _run(["readelf", "-S", "-W", str(library)], workdir).stdout
    # the symbol's address inside .rodata, turned into an offset in the file
    section = next((line.split("]", 1)[1].split() for line in sections.splitlines()
                    if "] .rodata " in line), None)
    if section is None:
        raise RuntimeError(f"no .rodata section in {library}")
    offset = int(address, 16) - int(section[2], 16) + int(section[3], 16)
    with open(library, "rb") as f:
        f.seek(offset)
        data = f.read(int(size, 16))
    name = symbol.removesuffix("_dat")                 # icudt73
    package = workdir / f"{name}l.dat"
    package.write_bytes(data)
    listing = _run(["icupkg", "-l", package.name], workdir)
    if listing.returncode != 0:
        raise RuntimeError(f"icupkg cannot read the data of {library}: {listing.stderr.strip()}")
    drop = {item for item in listing.stdout.split() if icu_unwanted(item)}
    # The package's name is its file's: ICU looks items up as icudt73l/coll/zh.res, so the trimmed
    # package is written under the same name, in a folder of its own.
    trimmed = workdir / "trimmed" / package.name
    trimmed.parent.mkdir(exist_ok=True)
    while True:
        (workdir / "drop.txt").write_text("\n".join(sorted(drop)) + "\n", encoding="ascii")
        trimmed.unlink(missing_ok=True)
        result = _run(["icupkg", "-r", "drop.txt", package.name, str(trimmed)], workdir)
        needed = set(_ICU_MISSING.findall(result.stdout + result.stderr)) & drop
        if result.returncode == 0 and trimmed.is_file():
            break
        if not needed:
            raise RuntimeError(f"icupkg could not trim {package}: {(result.stdout + result.stderr).strip()}")
        drop -= needed                                 # kept items need them: keep them too
    generated = workdir / "generated"
    shutil.rmtree(generated, ignore_errors=True)
    generated.mkdir()
    result = _run(["genccode", "-a", "gcc", "-e", name, "-d", str(generated), str(trimmed)], workdir)
    sources = sorted(generated.glob("*.S"))
    if result.returncode != 0 or len(sources) != 1:
        raise RuntimeError(f"genccode failed: {(result.stdout + result.stderr).strip()}")
    target = workdir / library.name
    result = _run(["cc", "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-o", str(target),
                   str(sources[0])], workdir)
    if result.returncode != 0:
        raise RuntimeError(f"cc could not build {target.name}: {result.stderr.strip()}")
    return target


def trim_icu(binaries: list[tuple[str, str, str]], workdir: Path) -> tuple[list[tuple[str, str, str]], str]:
    """``binaries`` with ICU's data library replaced by its trimmed copy (``trim_icu_data``), and
    one line saying what was done. Unchanged where there is no ICU library (Windows), the tools
    are missing (the line then says which to install) or they fail (the line says how)."""
    entries = [entry for entry in binaries if _dest_name(entry[0]).startswith("libicudata")
               and entry[2] != "SYMLINK"]
    if not entries:
        return binaries, "ICU: no data library bundled"
    missing = [tool for tool in ICU_TOOLS if shutil.which(tool) is None]
    if missing:
        return binaries, (f"ICU: data left whole (32 MB): {', '.join(missing)} not found "
                          "(apt-get install icu-devtools gcc binutils)")
    source = Path(entries[0][1])
    try:
        trimmed = trim_icu_data(source, workdir)
    except (RuntimeError, OSError) as exc:
        # e.g. icupkg older than the ICU Qt ships and unable to read its data: a bigger bundle,
        # not a failed build (the smoke test's Qt locale step checks the data either way)
        return binaries, f"ICU: data left whole (32 MB): {exc}"
    replaced = [(dest, str(trimmed), kind) if (dest, src, kind) in entries else (dest, src, kind)
                for dest, src, kind in binaries]
    return replaced, (f"ICU: data of {', '.join(sorted(icu_kept_languages()))} kept, "
                      f"{source.stat().st_size / 1e6:.0f} → {trimmed.stat().st_size / 1e6:.0f} MB")
