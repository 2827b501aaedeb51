"""Bring the message catalogs up to date with the source: ``python i18n/update.py``.

1. extract every ``_("…")``, ``N_("…")``, ``gettext``/``ngettext`` call from the files named in
   ``i18n/babel.cfg`` into ``i18n/messages.pot``;
2. update ``i18n/<catalog>/LC_MESSAGES/messages.po`` for every language in ``core.i18n.LOCALES``;
3. fill the Traditional catalogs from the Simplified msgid with OpenCC (s2hkp / s2twp, through
   ``core.i18n.converter``): an empty msgstr is filled and flagged ``opencc``; a flagged entry is
   regenerated when its msgid changed; a msgstr someone edited by hand is kept (its ``opencc`` flag
   is dropped, so it stays theirs). ``--regenerate`` rewrites every flagged entry (after the OpenCC
   configuration or its kept words changed); entries without the flag are never touched;
4. compile each ``.po`` to ``messages.mo`` beside it.

Files are rewritten only when their content changes (dates and the Babel version in the header
do not count). ``--check`` writes nothing and exits 1 when anything is out of date (for CI).
"""
from __future__ import annotations

import argparse
import copy
import gettext
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

from core.i18n import DOMAIN, LOCALES, LocaleInfo, compile_po, converter  # noqa: E402

try:
    from babel.messages.frontend import parse_mapping_cfg as _parse_mapping
except ImportError:  # Babel < 2.15
    from babel.messages.frontend import parse_mapping as _parse_mapping

KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
COMMENT_TAGS = ("TRANSLATORS:",)
GENERATED = "opencc"        # the flag on entries this script wrote (and may rewrite)
POT = HERE / f"{DOMAIN}.pot"
HEADER = """\
# Messages of 绿策通 GreenMeasures.
#
# Written by i18n/update.py (docs/i18n.md). In the Traditional catalogs, entries flagged
# "opencc" are OpenCC conversions of the Simplified msgid and are regenerated when it changes;
# edit any msgstr by hand and the script keeps your text from then on.
#"""
# Header fields that change without the messages changing; ignored when comparing files.
_VOLATILE = ('"POT-Creation-Date:', '"PO-Revision-Date:', '"Generated-By:')


def po_path(info: LocaleInfo) -> Path:
    return HERE / info.catalog / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(info: LocaleInfo) -> Path:
    return po_path(info).with_suffix(".mo")


# -- extraction ---------------------------------------------------------------------------------

def extract(root: Path = ROOT) -> Catalog:
    """The template catalog of the source as it is now."""
    with open(HERE / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = _parse_mapping(cfg)
    template = Catalog(project="GreenMeasures", copyright_holder="GreenMeasures",
                       msgid_bugs_address="", header_comment=HEADER, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            root, method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
            strip_comment_tags=True):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def message_keys(catalog: Catalog) -> set:
    """(msgid, context) of every live message; a plural's msgid is (singular, plural)."""
    return {(m.id if isinstance(m.id, str) else tuple(m.id), m.context) for m in catalog if m.id}


# -- OpenCC fill --------------------------------------------------------------------------------

def converted(msgid, config: str, nplurals: int):
    """What OpenCC makes of a Simplified msgid: a string, or a tuple for a plural entry."""
    if isinstance(msgid, str):
        return converter(config).convert(msgid)
    # Chinese has one plural form; every form is the converted general (plural) text.
    return tuple(converter(config).convert(msgid[-1]) for _ in range(nplurals))


def _filled(string) -> bool:
    return all(string) if isinstance(string, (list, tuple)) else bool(string)


def fill_traditional(catalog: Catalog, config: str, regenerate: bool = False) -> dict[str, int]:
    """Fill or refresh the OpenCC-generated entries of a Traditional catalog, keeping human edits.

    ``regenerate``: every entry flagged ``opencc`` is generated text, whatever it says now (the
    conversion itself changed), so it is rewritten."""
    counts = {"generated": 0, "regenerated": 0, "human": 0, "needs review": 0}
    for message in catalog:
        if not message.id:
            continue
        expected = converted(message.id, config, catalog.num_plurals)
        current = tuple(message.string) if isinstance(message.string, (list, tuple)) else message.string
        if not _filled(current):
            message.string = expected
            message.flags.add(GENERATED)
            message.flags.discard("fuzzy")
            counts["generated"] += 1
        elif GENERATED in message.flags:
            previous = (converted(message.previous_id if len(message.previous_id) > 1
                                  else message.previous_id[0], config, catalog.num_plurals)
                        if message.previous_id else None)
            if current == expected or regenerate or (message.fuzzy and current == previous):
                if current != expected:
                    counts["regenerated"] += 1
                message.string = expected
                message.flags.discard("fuzzy")
                message.previous_id = []
            else:  # someone edited the generated text: it is theirs now
                message.flags.discard(GENERATED)
                counts["human"] += 1
        else:
            counts["human"] += 1
        if message.fuzzy:
            counts["needs review"] += 1
    return counts


# -- catalogs -----------------------------------------------------------------------------------

def _render(catalog: Catalog, **kwargs) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, include_lineno=False, **kwargs)
    return out.getvalue()


def _significant(data: bytes) -> list[bytes]:
    return [line for line in data.splitlines() if not line.startswith(tuple(v.encode() for v in _VOLATILE))]


def updated_catalog(info: LocaleInfo, template: Catalog,
                    regenerate: bool = False) -> tuple[Catalog, dict[str, int]]:
    path = po_path(info)
    if path.is_file():
        with open(path, "rb") as f:
            catalog = read_po(f, locale=info.catalog)
    else:
        catalog = Catalog(locale=info.catalog, project="GreenMeasures", copyright_holder="GreenMeasures",
                          msgid_bugs_address="", header_comment=HEADER, charset="utf-8")
        catalog.fuzzy = False
    # update() adopts the template's Message objects for new entries: give each language its own.
    catalog.update(copy.deepcopy(template), update_header_comment=True)
    counts = fill_traditional(catalog, info.opencc, regenerate) if info.opencc else {}
    # Generated text that no longer has a msgid is worth nothing; human text is kept as #~.
    for key, message in list(catalog.obsolete.items()):
        if GENERATED in message.flags or not _filled(message.string):
            del catalog.obsolete[key]
    return catalog, counts


def planned_files(regenerate: bool = False) -> tuple[dict[Path, bytes], dict[str, dict[str, int]]]:
    """Every file the script would write, with its new content; and the fill counts per language."""
    template = extract()
    files = {POT: _render(template, omit_header=False)}
    stats = {}
    for info in LOCALES.values():
        catalog, counts = updated_catalog(info, template, regenerate)
        po = _render(catalog)
        files[po_path(info)] = po
        files[mo_path(info)] = compile_po(po)
        stats[info.code] = counts
    return files, stats


def _differs(path: Path, data: bytes) -> bool:
    if not path.is_file():
        return True
    old = path.read_bytes()
    if path.suffix == ".mo":
        return _mo_catalog(old) != _mo_catalog(data)
    return _significant(old) != _significant(data)


def _mo_catalog(data: bytes) -> dict:
    catalog = dict(gettext.GNUTranslations(io.BytesIO(data))._catalog)
    catalog.pop("", None)  # the header holds dates
    return catalog


def check() -> list[str]:
    """Problems that ``python i18n/update.py`` would fix, each as one line; empty when up to date.

    Compares meanings, not bytes: new or removed msgids, untranslated Traditional entries, compiled
    catalogs that differ from their .po — so another Babel version's formatting does not count.
    """
    template = extract()
    source = message_keys(template)
    problems = []

    def compare(name: str, catalog: Catalog) -> None:
        keys = message_keys(catalog)
        problems.extend(f"{name}: new message not in the catalog: {k[0]!r}"
                        for k in sorted(source - keys, key=str))
        problems.extend(f"{name}: message no longer in the source: {k[0]!r}"
                        for k in sorted(keys - source, key=str))

    if not POT.is_file():
        problems.append(f"{POT.relative_to(ROOT)} is missing")
    else:
        with open(POT, "rb") as f:
            compare(str(POT.relative_to(ROOT)), read_po(f))
    for info in LOCALES.values():
        po, mo = po_path(info), mo_path(info)
        name = str(po.relative_to(ROOT))
        if not po.is_file():
            problems.append(f"{name} is missing")
            continue
        with open(po, "rb") as f:
            catalog = read_po(f, locale=info.catalog)
        compare(name, catalog)
        if info.opencc:
            problems.extend(f"{name}: untranslated: {m.id!r}" for m in catalog
                            if m.id and not _filled(m.string))
        if not mo.is_file() or _mo_catalog(mo.read_bytes()) != _mo_catalog(compile_po(po.read_bytes())):
            problems.append(f"{mo.relative_to(ROOT)} is missing or older than its .po")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 and list the problems when the catalogs are out of date")
    parser.add_argument("--regenerate", action="store_true",
                        help="rewrite every OpenCC-generated entry (after the conversion changed)")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for line in problems:
            print(line)
        print("out of date: run python i18n/update.py" if problems else "catalogs up to date")
        return 1 if problems else 0
    files, stats = planned_files(args.regenerate)
    for path, data in files.items():
        if _differs(path, data):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)}")
    for code, counts in stats.items():
        if counts:
            print(f"{code}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
