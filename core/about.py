"""What the 关于 dialog and the 使用说明 say about the program itself (no Qt here).

- ``app_version()``: the installed package's version, else ``pyproject.toml`` beside the program;
- ``library_licences()``: the main libraries' versions and licences, read from their installed
  metadata (``importlib.metadata``: ``License-Expression``, else the licence classifier, else the
  ``License`` field); a frozen build without the metadata falls back to ``STATED_LICENCES``;
- ``bundled_fonts()``: the fonts under ``resources/fonts``, with version and licence as their
  ``README.md`` states them;
- ``guide_text(code)``: the offline user guide (``resources/help/guide.md``) in the language's
  script, with the data in use filled in.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from email.message import Message
from importlib import metadata

from core.i18n import convert_text
from core.resources import resource_dir

DISTRIBUTION = "greenmeasures"
GUIDE = ("help", "guide.md")
DATA_PLACEHOLDER = "{{data}}"

# The libraries the program is built on, by distribution name, in the order the dialog lists them.
MAIN_LIBRARIES = ("PySide6-Essentials", "shiboken6", "reportlab", "Babel", "OpenCC", "sqlite-utils",
                  "PyYAML", "jsonschema", "pypdfium2", "cryptography")
# What each library's own metadata says (checked by tests/test_help.py against the installed
# packages); used only where the metadata is not there, as in a frozen build.
STATED_LICENCES = {
    "PySide6-Essentials": "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
    "shiboken6": "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
    "reportlab": "BSD License",
    "Babel": "BSD-3-Clause",
    "OpenCC": "Apache License 2.0",
    "sqlite-utils": "Apache-2.0",
    "PyYAML": "MIT",
    "jsonschema": "MIT",
    "pypdfium2": "BSD-3-Clause, Apache-2.0, dependency licenses",
    "cryptography": "Apache-2.0 OR BSD-3-Clause",
}


@dataclass(frozen=True)
class Component:
    name: str
    version: str          # "" when unknown
    licence: str


def app_version() -> str:
    """The program's version: the installed package's, else pyproject.toml's, else ""."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    from core.settings import app_dir
    try:
        with open(app_dir() / "pyproject.toml", "rb") as f:
            return str(tomllib.load(f)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return ""


def licence_of(meta: Message) -> str:
    """A distribution's licence from its metadata: the SPDX expression; else the free-text field
    when it is a short name ("Apache License 2.0"); else the licence classifier ("BSD License",
    where the field holds a whole notice); else the field's first line."""
    expression = meta.get("License-Expression")
    if expression:
        return expression.strip()
    lines = (meta.get("License") or "").strip().splitlines()
    text = lines[0].strip() if lines else ""
    if text and len(lines) == 1 and len(text) <= 60 and "copyright" not in text.lower():
        return text
    classifiers = [c.rsplit("::", 1)[-1].strip() for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]
    return "; ".join(classifiers) if classifiers else text


def library_licences() -> list[Component]:
    out = []
    for name in MAIN_LIBRARIES:
        try:
            meta = metadata.metadata(name)
        except metadata.PackageNotFoundError:
            out.append(Component(name, "", STATED_LICENCES[name]))
            continue
        # PackageMetadata is an email.message.Message (the typeshed protocol omits get/get_all)
        message: Message = meta  # type: ignore[assignment]
        out.append(Component(name, message.get("Version") or "",
                             licence_of(message) or STATED_LICENCES[name]))
    return out


_ROW = re.compile(r"^\|\s*(version|licence)\s*\|\s*(.+?)\s*\|\s*$", re.MULTILINE)


def bundled_fonts() -> list[Component]:
    """Each bundled font as its README.md describes it (title, version and licence rows)."""
    text = resource_dir("fonts", "README.md").read_text(encoding="utf-8")
    title = re.search(r"^#\s*Bundled font:\s*(.+)$", text, re.MULTILINE)
    rows = {key: value for key, value in _ROW.findall(text)}
    version = rows.get("version", "").split(",")[0].strip()
    licence = re.search(r"\*\*(.+?)\*\*", rows.get("licence", ""))
    return [Component(title.group(1).strip() if title else "", version,
                      licence.group(1) if licence else rows.get("licence", ""))]


def guide_text(data_in_use: str, code: str | None = None) -> str:
    """The user guide (Markdown) in the language's script; ``data_in_use`` (already in that
    language: Source.describe with its gettext) replaces the placeholder after the conversion,
    so it is not converted twice."""
    source = resource_dir(*GUIDE).read_text(encoding="utf-8")
    return convert_text(source, code).replace(DATA_PLACEHOLDER, data_in_use)
