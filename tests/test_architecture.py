"""Layering rules that keep the engine usable by the window, the kiosk and the command line.

- core/ imports neither Qt (PySide6, shiboken6) nor ui/, at the top of a module or inside a function.
- The project's modules import each other without cycles (function-level imports count too).
- The kiosk (ui/kiosk/) reaches neither the desktop window nor its dialogs' modules: what both
  need (the session, the pack use cases) lives in ui/session.py and core/measures/pack_actions.py.
- The kiosk's and the profile form's modules stay small (MAX_PAGE_LINES each).
- Qt enum members are written in full (`Qt.ItemDataRole.UserRole`, not `Qt.UserRole`): the short
  form works only through PySide6's compatibility ("forgiveness") mode.

All of these read the source with `ast`; nothing here imports the project's modules.
"""
from __future__ import annotations

import ast
import enum
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Folders whose scripts import their neighbours by bare name (the script's folder is on sys.path).
SCRIPT_FOLDERS = ("packaging", "bench")
QT_CHECKED = ("ui", "tests", "packaging", "bench", "main.py")


def project_files(*parts: str) -> list[Path]:
    """The .py files below ROOT/part (or ROOT/part itself), every part when none is named."""
    if not parts:
        parts = ("core", "ui", "i18n", "resources", "tests", "packaging", "bench", "main.py")
    files: list[Path] = []
    for part in parts:
        path = ROOT / part
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def module_name(path: Path) -> str:
    dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return dotted.removesuffix(".__init__")


# -- imports -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Import:
    line: int
    module: str                 # absolute: "core.cli", "PySide6.QtCore"
    names: tuple[str, ...]      # `from module import a, b` → ("a", "b"); () for `import module`
    runtime: bool               # False under `if TYPE_CHECKING:` (never executed)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"
            or isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[:len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(path: Path) -> list[Import]:
    """Every import in the file, wherever it stands: top level, in functions, in `if` blocks;
    also `importlib.import_module("…")` and `__import__("…")` with a literal name."""
    module, is_package = module_name(path), path.name == "__init__.py"
    found: list[Import] = []

    def visit(node: ast.AST, runtime: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(node.lineno, a.name, (), runtime) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append(Import(node.lineno, _absolute(node, module, is_package),
                                tuple(a.name for a in node.names), runtime))
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and (isinstance(node.func, ast.Name) and node.func.id == "__import__"
                   or isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")):
            found.append(Import(node.lineno, node.args[0].value, (), runtime))
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, False)
            for child in node.orelse:
                visit(child, runtime)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, runtime)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), True)
    return found


def test_core_imports_no_qt_and_no_ui():
    offenders = [f"{path.relative_to(ROOT)}:{imp.line}: {imp.module}"
                 for path in project_files("core") for imp in imports(path)
                 if imp.module.split(".")[0] in ("PySide6", "shiboken6", "ui")]
    assert offenders == []


# Modules of the desktop window the kiosk must not import (its own pages, or shared modules, instead).
DESKTOP_ONLY = ("ui.main_window", "ui.measures_update", "ui.interview_page", "ui.client_book")
MAX_PAGE_LINES = 500
PAGE_PACKAGES = ("ui/kiosk", "ui/profile_form")


def _reaches(module: str, names: tuple[str, ...]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in names)


def desktop_imports(files: list[Path]) -> list[tuple[Path, Import]]:
    """The imports of DESKTOP_ONLY modules in these files (`from ui import main_window` too)."""
    return [(path, imp) for path in files for imp in imports(path)
            if _reaches(imp.module, DESKTOP_ONLY)
            or any(_reaches(f"{imp.module}.{name}", DESKTOP_ONLY) for name in imp.names)]


def test_the_kiosk_does_not_import_the_desktop_windows_modules():
    offenders = [f"{path.relative_to(ROOT)}:{imp.line}: {imp.module}"
                 for path, imp in desktop_imports(project_files("ui/kiosk"))]
    assert offenders == []


def test_the_desktop_dialog_and_the_kiosk_take_pack_logic_from_core():
    """Checking, importing and rolling back a pack are core's use cases: no ui module imports
    them from another ui module (the kiosk once took them from the desktop's dialog)."""
    pack_names = {"check_pack_file", "find_packs", "refusing", "compare_switch", "import_pack_data",
                  "roll_back", "Checked", "Switched"}
    offenders = [f"{path.relative_to(ROOT)}:{imp.line}: from {imp.module} import {name}"
                 for path in project_files("ui") for imp in imports(path)
                 for name in imp.names if name in pack_names and imp.module != "core.measures.pack_actions"]
    assert offenders == []


def test_the_kiosk_and_profile_form_modules_stay_small():
    assert all((ROOT / package / "__init__.py").is_file() for package in PAGE_PACKAGES)
    long = {str(path.relative_to(ROOT)): n for path in project_files(*PAGE_PACKAGES)
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_PAGE_LINES}
    assert long == {}


def test_a_kiosk_import_of_the_desktop_dialog_is_caught(tmp_path, monkeypatch):
    """The contract above would see the import the kiosk used to have."""
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    (tmp_path / "ui" / "kiosk").mkdir(parents=True)
    (tmp_path / "ui" / "kiosk" / "data.py").write_text(
        "def scan():\n    from ui.measures_update import find_packs\n", encoding="utf-8")
    (tmp_path / "ui" / "kiosk" / "window.py").write_text("from ui import main_window\n", encoding="utf-8")
    found = desktop_imports(project_files("ui/kiosk"))
    assert [imp.module for _path, imp in found] == ["ui.measures_update", "ui"]


def import_graph(files: list[Path]) -> dict[str, set[str]]:
    """module → the project modules it imports when it runs (TYPE_CHECKING imports left out)."""
    modules = {module_name(path): path for path in files}

    def resolve(name: str, importer: str) -> str | None:
        if name in modules:
            return name
        folder = importer.split(".")[0]
        if folder in SCRIPT_FOLDERS and f"{folder}.{name}" in modules:
            return f"{folder}.{name}"
        return None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for imp in imports(path):
            if not imp.runtime:
                continue
            targets = [resolve(f"{imp.module}.{n}", name) for n in imp.names]
            # `from package import name`: the submodule when there is one, else the package itself
            targets = [t for t in targets if t] or [resolve(imp.module, name)]
            graph[name].update(t for t in targets if t and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle through each group of mutually importing modules (strongly connected
    component), e.g. ["core.cli", "core.pack_cli", "core.cli"]."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:       # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)

    found = []
    for component in components:
        if len(component) < 2:
            continue
        start, members = component[0], set(component)
        paths = {start: [start]}
        queue = [start]
        while queue:                        # breadth first, back to start
            node = queue.pop(0)
            nexts = sorted(graph[node] & members)
            if start in nexts:
                found.append(paths[node] + [start])
                break
            for nxt in nexts:
                if nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    queue.append(nxt)
    return found


def test_no_import_cycles():
    found = [" → ".join(cycle) for cycle in cycles(import_graph(project_files()))]
    assert found == []


def test_cycles_are_found_and_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"f"}, "f": {"e"}}
    assert cycles(graph) == [["a", "b", "c", "a"], ["e", "f", "e"]]


def test_function_level_and_type_checking_imports_are_told_apart(tmp_path, monkeypatch):
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    (tmp_path / "pkg").mkdir()
    source = tmp_path / "pkg" / "mod.py"
    source.write_text("from typing import TYPE_CHECKING\n"
                      "if TYPE_CHECKING:\n    from PySide6.QtCore import Qt\n"
                      "def f():\n    from . import other\n    import importlib\n"
                      "    importlib.import_module('ui.app')\n", encoding="utf-8")
    found = {(imp.module, imp.names, imp.runtime) for imp in imports(source)}
    assert found == {("typing", ("TYPE_CHECKING",), True), ("PySide6.QtCore", ("Qt",), False),
                     ("pkg", ("other",), True), ("importlib", (), True), ("ui.app", (), True)}


# -- Qt enums in full ----------------------------------------------------------------------------

_MISSING = object()


def _qt_names(tree: ast.AST) -> dict[str, object]:
    """The names a module binds to PySide6 modules and classes (wherever it imports them)."""
    names: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module \
                and node.module.split(".")[0] == "PySide6":
            try:
                module = importlib.import_module(node.module)
            except ImportError:         # a Qt module this installation lacks: nothing to resolve
                continue
            for alias in node.names:
                value = getattr(module, alias.name, _MISSING)
                if value is _MISSING:       # `from PySide6 import QtCore` before QtCore is loaded
                    value = importlib.import_module(f"{node.module}.{alias.name}")
                names[alias.asname or alias.name] = value
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "PySide6":
                    try:
                        module = importlib.import_module(alias.name)
                    except ImportError:
                        continue
                    if alias.asname:
                        names[alias.asname] = module
                    else:
                        names["PySide6"] = importlib.import_module("PySide6")
    return names


def _resolve(node: ast.expr, names: dict[str, object]) -> object:
    """The PySide6 object an expression such as `QtCore.Qt` or `QEvent.Type` names, through
    declared attributes only; _MISSING for anything else."""
    if isinstance(node, ast.Name):
        return names.get(node.id, _MISSING)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, names)
        if owner is not _MISSING and node.attr in dir(owner):
            return getattr(owner, node.attr, _MISSING)
    return _MISSING


@dataclass(frozen=True)
class ShortEnum:
    node: ast.Attribute     # `Qt.UserRole`
    enum_name: str          # "ItemDataRole": what goes between owner and member

    @property
    def full(self) -> str:
        return f"{ast.unparse(self.node.value)}.{self.enum_name}.{self.node.attr}"


def _nested_enums(owner: type) -> dict[str, list[type]]:
    """Member name → the enum types declared in `owner` (or inherited) that have a member so named."""
    found: dict[str, list[type]] = {}
    for name in dir(owner):
        value = getattr(owner, name, None)
        if isinstance(value, enum.EnumMeta):
            for member in value.__members__:
                found.setdefault(member, []).append(value)
    return found


def short_qt_enums(source: str) -> Iterator[ShortEnum]:
    """Each `Owner.Member` where Owner is a PySide6 class and Member a member of one of Owner's
    enums that is not itself among Owner's declared names: it resolves only through PySide6's
    forgiveness mode. Found from the enum types themselves, so also with that mode off."""
    tree = ast.parse(source)
    names = _qt_names(tree)
    if not names:
        return
    attributes = sorted((node for node in ast.walk(tree) if isinstance(node, ast.Attribute)),
                        key=lambda node: (node.lineno, node.col_offset))
    for node in attributes:
        owner = _resolve(node.value, names)
        if owner is _MISSING or not isinstance(owner, type) or isinstance(owner, enum.EnumMeta) \
                or node.attr in dir(owner):
            continue
        candidates = _nested_enums(owner).get(node.attr)
        if not candidates:
            continue
        member = getattr(owner, node.attr, None)    # where forgiveness is on, the one it picks
        enum_type = type(member) if isinstance(member, enum.Enum) else candidates[0]
        name = enum_type.__name__ if getattr(owner, enum_type.__name__, None) is enum_type \
            else enum_type.__qualname__
        yield ShortEnum(node, name)


def test_qt_enums_are_written_in_full():
    offenders = [f"{path.relative_to(ROOT)}:{short.node.lineno}: {ast.unparse(short.node)} → {short.full}"
                 for path in project_files(*QT_CHECKED)
                 for short in short_qt_enums(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_short_qt_enums_are_recognised():
    source = ("from PySide6.QtCore import Qt\nfrom PySide6 import QtWidgets\n"
              "from PySide6.QtWidgets import QTreeView as Tree\n"
              "a = Qt.UserRole, Qt.ItemDataRole.UserRole, Qt.AlignLeft | Qt.AlignTop\n"
              "b = QtWidgets.QSizePolicy.Expanding, QtWidgets.QSizePolicy.Policy.Expanding\n"
              "c = Tree.NoEditTriggers, Tree.setModel, Qt.AlignmentFlag.AlignLeading\n")
    assert [s.full for s in short_qt_enums(source)] == [
        "Qt.ItemDataRole.UserRole", "Qt.AlignmentFlag.AlignLeft", "Qt.AlignmentFlag.AlignTop",
        "QtWidgets.QSizePolicy.Policy.Expanding", "Tree.EditTrigger.NoEditTriggers"]


def test_bundled_seeds_match_the_shared_originals():
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        return  # outside the workspace the bundled copies are the originals
    bundled = ROOT / "resources" / "seeds"
    for original in shared.glob("*.txt"):
        assert (bundled / original.name).read_bytes() == original.read_bytes(), original.name
