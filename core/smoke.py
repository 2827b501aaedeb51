"""The self-test a build runs on the program it produced: ``GreenMeasures --smoke-test``.

``packaging/build.py`` starts the frozen program with ``--smoke-test`` and fails the build unless it
exits 0. Each step exercises something the bundle must have collected, so a spec that misses a
data file fails here and not on a user's PC:

1. folders: portable mode or not; data, config and cache are pointed at a temporary folder for
   the run (unless the GREENMEASURES_* variables already name folders), so nothing of the user's
   is read or written;
2. the measures database: the bundled one opens; when frozen it must be the prebuilt
   ``resources/measures.db`` inside the bundle, not one compiled into the cache (that would mean
   the build did not bundle it, or bundled a stale one);
3. the sample profile ``resources/samples/sample-profile.json`` loads and validates (JSON Schema);
4. it is evaluated as of 2025-06-30 and its checklist built: at least one measure in the plan;
5. the checklist PDF is written in 简体 and 繁體 (reportlab, the bundled font, OpenCC's tables) and
   its first page rendered with PDFium (pypdfium2's native library);
6. the gettext catalogs: each ``messages.mo`` loads and the Traditional ones translate a known
   message (a missing or empty catalog fails, instead of silently falling back to OpenCC);
7. OpenCC: every conversion the application uses loads its tables and converts;
8. Babel: money and dates in each language (its locale data);
9. Traditional Chinese: the text of the Traditional checklists (Hong Kong and Taiwan) holds
   Traditional characters and the Simplified one does not (OpenCC's tables reached the PDF);
10. Qt: the window check the caller passes (``ui.smoke`` passes one that starts Qt offscreen and
   opens and closes the main window); without it this step fails, because ``core`` may not import
   Qt (tests/test_architecture.py) and a smoke test that skipped Qt would pass a bundle whose Qt
   plugins are missing;
11. the Qt checks (``QT_CHECKS``) the caller passes by name, each proving a part of the bundle only
   Qt code uses: Qt's Chinese translations translate, Qt's Chinese locale sorts in pinyin (ICU's
   collation data, which the build trims on Linux), the PDF preview renders the checklist,
   printing paints it on a QPrinter writing a PDF, the kiosk window opens (its PIN hashed with
   scrypt) with its QR code (segno). A check the caller does not pass fails its step, as the
   window check does: the build's trimming of Qt's plugins and libraries must not pass unchecked.

Step 3 also imports a pack: measure packs are verified and imported (into the temporary data
folder) and the imported database opens.

One line per step goes to stdout, then ``smoke test passed``; a failing step prints what failed
and why (never a traceback) and the result is 1. A Windows program built without a console has
no stdout: set ``GREENMEASURES_SMOKE_LOG`` to a file path and the same lines are written there
(UTF-8) as they happen. ``GREENMEASURES_SMOKE_DIR`` names a folder to keep the PDFs in; by default
they go to the temporary folder, which is removed at the end.

No Qt here.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gettext
import io
import os
import platform
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

if TYPE_CHECKING:
    from core.checklist.model import Checklist
    from core.engine.evaluate import Evaluation
    from core.measures.store import MeasuresDB

LOG_VARIABLE = "GREENMEASURES_SMOKE_LOG"
DIR_VARIABLE = "GREENMEASURES_SMOKE_DIR"
FOLDER_VARIABLES = ("GREENMEASURES_DATA_DIR", "GREENMEASURES_CONFIG_DIR", "GREENMEASURES_CACHE_DIR")

SAMPLE_PROFILE = ("samples", "sample-profile.json")
SAMPLE_AS_OF = dt.date(2025, 6, 30)          # every bundled funding document in force
PDF_LANGUAGES = ("zh-Hans", "zh-Hant", "zh-Hant-TW")
# Characters OpenCC changes between a Traditional checklist and its Simplified form, at least:
# the checklist is hundreds of characters of Chinese; a handful would be a stray title.
MIN_TRADITIONAL = 50
# A message every Traditional catalog translates, and its translation.
KNOWN_MESSAGE = ("金额未列明", "金額未列明")
# OpenCC conversions the application uses (core.i18n.LOCALES), with a text and what it becomes.
OPENCC_SAMPLES = {
    "s2hkp": ("发展节能环保产业信息", "發展節能環保產業信息"),
    "s2twp": ("发展节能环保产业信息", "發展節能環保產業資訊"),      # Taiwan's phrases
    "s2hk": ("发展节能环保产业", "發展節能環保產業"),     # the phrase configs' KEEP_WORDS
    "s2tw": ("发展节能环保产业", "發展節能環保產業"),
    "t2s": ("發展節能環保產業", "发展节能环保产业"),
    "t2hk": ("發展節能環保產業", "發展節能環保產業"),
    "t2tw": ("發展節能環保產業", "發展節能環保產業"),
}
EXPECTED_DATE = "2025年6月30日"               # Babel's long date in all three languages

PASSED = "smoke test passed"

WindowCheck = Callable[[], str]
# The checks with Qt that ui.smoke passes by name, run after the window check, in this order.
QT_CHECKS = ("Qt translations", "Qt locale", "PDF preview", "printing", "kiosk")


@dataclasses.dataclass(frozen=True)
class Made:
    """What the steps without Qt made, handed to each Qt check."""
    db: MeasuresDB
    profile: dict
    evaluation: Evaluation
    pdfs: dict[str, Path]               # language → the checklist PDF written
    folder: Path                        # where the smoke test keeps its files


QtCheck = Callable[[Made], str]
T = TypeVar("T")


class SmokeFailure(Exception):
    """A step found something wrong; the message says what, for the person running the build."""


class _Report:
    """Lines to stdout (when there is one) and to the log file (when asked for), as they happen."""

    def __init__(self, log_path: str | None):
        self.lines: list[str] = []
        self._log: TextIO | None = None
        if log_path:
            path = Path(log_path)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115  until close()

    def line(self, text: str, *, error: bool = False) -> None:
        self.lines.append(text)
        stream = sys.stderr if error else sys.stdout
        if stream is not None:        # None in a Windows program built without a console
            try:
                print(text, file=stream, flush=True)
            except UnicodeEncodeError:  # a console code page without these characters
                encoding = getattr(stream, "encoding", None) or "ascii"
                print(text.encode(encoding, "replace").decode(encoding), file=stream, flush=True)
        if self._log is not None:
            self._log.write(text + "\n")
            self._log.flush()

    def close(self) -> None:
        if self._log is not None:
            self._log.close()


def _describe(exc: BaseException) -> str:
    """The error as one readable message (no traceback)."""
    if isinstance(exc, SmokeFailure):
        return str(exc)
    text = str(exc).strip() or "(no message)"
    return f"{type(exc).__name__}: {text}"


@contextlib.contextmanager
def _temporary_folders(base: Path) -> Iterator[list[str]]:
    """Point data, config and cache at ``base`` for the run (those not already set); put back after."""
    saved = {name: os.environ.get(name) for name in FOLDER_VARIABLES}
    redirected = []
    for name in FOLDER_VARIABLES:
        if not saved[name]:
            os.environ[name] = str(base / name.rsplit("_", 2)[-2].lower())
            redirected.append(name)
    try:
        yield redirected
    finally:
        for name in redirected:
            value = saved[name]
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _kilobytes(path: Path) -> str:
    return f"{path.stat().st_size / 1024:.0f} kB"


class _SmokeTest:
    def __init__(self, report: _Report, folder: Path, window_check: WindowCheck | None,
                 qt_checks: Mapping[str, QtCheck] | None = None):
        self.report = report
        self.folder = folder
        self.window_check = window_check
        self.qt_checks = dict(qt_checks or {})
        self.frozen = bool(getattr(sys, "frozen", False))
        # made by the steps, in order; run() stops at the first step that fails
        self.db: MeasuresDB | None = None
        self.profile: dict | None = None
        self.evaluation: Evaluation | None = None
        self.checklist: Checklist | None = None
        self.pdfs: dict[str, Path] = {}

    @staticmethod
    def _made_by(step: str, value: T | None) -> T:
        """What an earlier step made (a SmokeFailure naming it if that step has not run)."""
        if value is None:
            raise SmokeFailure(f"needs the step {step!r} first")
        return value

    def step(self, name: str, action: Callable[[], str]) -> None:
        try:
            detail = action()
        except Exception as exc:  # any failure is a finding, reported as one line
            self.report.line(f"[FAIL] {name}: {_describe(exc)}", error=True)
            raise SmokeFailure(name) from None
        self.report.line(f"[ok] {name}: {detail}")

    # -- the steps ----------------------------------------------------------------------------
    def folders(self, redirected: list[str]) -> str:
        from core.settings import app_dir, is_portable

        portable = "on (data beside the program)" if is_portable() else "off"
        moved = ", ".join(redirected) if redirected else "none (all set by the caller)"
        return f"program folder {app_dir()}; portable mode {portable}; temporary for this run: {moved}"

    def database(self) -> str:
        from core.measures import store
        from core.resources import resource_dir

        path = store.bundled_database_path()
        try:
            prebuilt = resource_dir("measures.db")
        except FileNotFoundError:
            prebuilt = None
        is_prebuilt = prebuilt is not None and path.resolve() == prebuilt.resolve()
        if self.frozen and not is_prebuilt:
            why = ("the bundle has no resources/measures.db" if prebuilt is None else
                   "the bundled resources/measures.db does not match the bundled measures sources")
            raise SmokeFailure(f"{why}; the program compiled {path} instead. "
                               "Rebuild with packaging/build.py, which prepares the database.")
        self.db = db = store.MeasuresDB(path)
        measures, documents = db.list_measures(), db.documents()
        if not measures or not documents:
            raise SmokeFailure(f"{path} holds no measures")
        kind = "prebuilt, bundled" if is_prebuilt else "compiled into the cache"
        return (f"{path} ({kind}; version {db.version}, {len(measures)} measures in "
                f"{len(documents)} documents)")

    def packs(self) -> str:
        """Measure packs work frozen: the shipped key loads, and a pack of the bundled data signed
        with a throw-away key passes every import check (Ed25519's native code, the validator and
        the seeds it reads are all in the bundle); given a newer version, it is imported into the
        temporary data folder and its database opens."""
        import json
        import shutil

        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from core.measures import store
        from core.measures.catalog import RELEASE_FILE
        from core.measures.installed import PACK, import_pack, installed
        from core.measures.pack import build_pack, key_id, trusted_keys, verify_pack_bytes
        from core.resources import measures_dir

        shipped = trusted_keys()
        if not shipped:
            raise SmokeFailure("no publisher key in resources/keys: no measure pack could be imported")
        private = Ed25519PrivateKey.generate()
        keys = {key_id(private.public_key()): private.public_key()}
        data = build_pack(private)
        pack = verify_pack_bytes(data, keys)
        # An import needs a version newer than the data in use: the same sources, one release on.
        sources = self.folder / "pack-sources"
        shutil.rmtree(sources, ignore_errors=True)
        shutil.copytree(measures_dir(), sources, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        release = json.loads((sources / RELEASE_FILE).read_text(encoding="utf-8"))
        release["version"] += ".1"
        (sources / RELEASE_FILE).write_text(json.dumps(release, ensure_ascii=False), encoding="utf-8")
        try:
            switch = import_pack(build_pack(private, sources), keys)
        finally:
            shutil.rmtree(sources, ignore_errors=True)
        in_use = installed().in_use
        if in_use.kind != PACK or in_use.release.version != release["version"]:
            raise SmokeFailure(f"the imported pack {release['version']} is not in use ({in_use.kind} "
                               f"{in_use.release.version} is)")
        imported = store.MeasuresDB(in_use.path)
        try:
            count = len(imported.list_measures())
        finally:
            imported.close()
        if count != pack.manifest.measure_count:
            raise SmokeFailure(f"the imported pack's database holds {count} measures, "
                               f"its manifest {pack.manifest.measure_count}")
        return (f"{len(shipped)} publisher key(s) ({', '.join(shipped)}); a pack of the bundled data "
                f"({len(data) // 1024} KB, {pack.manifest.measure_count} measures) built and verified; "
                f"version {release['version']} imported ({switch.before.release.version} → "
                f"{switch.after.release.version}) and its database opens")

    def sample_profile(self) -> str:
        from core.profile import load_profile
        from core.resources import resource_dir

        path = resource_dir(*SAMPLE_PROFILE)
        self.profile = profile = load_profile(path)
        return f"{path.name} is valid ({len(profile.get('projects', []))} project)"

    def evaluate(self) -> str:
        from core.checklist.model import build_checklist
        from core.cli import engine_for
        from core.i18n import format_money

        db = self._made_by("measures database", self.db)
        profile = self._made_by("sample profile", self.profile)
        self.evaluation = evaluation = engine_for(db).evaluate(profile, SAMPLE_AS_OF)
        statuses = Counter(r.status for r in evaluation.results)
        plan = evaluation.plan.selected
        if not plan:
            raise SmokeFailure(f"the sample profile qualifies for nothing as of {SAMPLE_AS_OF} "
                               f"({dict(statuses)}); the data or the engine is broken")
        self.checklist = checklist = build_checklist(evaluation, profile)
        counts = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
        return (f"as of {SAMPLE_AS_OF}: {counts}; {len(plan)} in the plan (up to "
                f"{format_money(evaluation.plan.total_max, 'zh-Hans', 'wan')}), checklist of "
                f"{len(checklist.entries)} measures and {len(checklist.documents)} documents")

    def pdf(self, lang: str) -> str:
        from core.checklist.pdf import write_checklist

        target = self.folder / f"checklist-{lang}.pdf"
        pages = write_checklist(self._made_by("evaluation and checklist", self.checklist), target, lang)
        if not target.read_bytes()[:5] == b"%PDF-" or pages < 1:
            raise SmokeFailure(f"{target} is not a PDF")
        self.pdfs[lang] = target
        return f"{target} ({pages} pages, {_kilobytes(target)})"

    def render(self) -> str:
        import pypdfium2 as pdfium

        path = self._made_by("checklist PDF", self.pdfs.get(PDF_LANGUAGES[0]))
        pdf = pdfium.PdfDocument(str(path))
        try:
            page = pdf[0]
            bitmap = page.render(scale=1)
            width, height = bitmap.width, bitmap.height
            bitmap.close()
            page.close()
        finally:
            pdf.close()
        if width < 100 or height < 100:
            raise SmokeFailure(f"PDFium rendered page 1 of {path.name} at only {width}×{height} px")
        return f"page 1 of {path.name} at {width}×{height} px (PDFium {pdfium.PDFIUM_INFO})"

    def traditional(self) -> str:
        """The Traditional checklists are in Traditional characters and the Simplified one is not:
        the characters OpenCC's conversion back to Simplified (t2s) changes in each PDF's text."""
        from core.i18n import LOCALES, converter

        back = converter("t2s")
        changed = {}
        for lang in PDF_LANGUAGES:
            text = pdf_text(self._made_by(f"checklist PDF {lang}", self.pdfs.get(lang)))
            changed[lang] = sum(a != b for a, b in zip(text, back.convert(text), strict=False))
            traditional = LOCALES[lang].opencc is not None
            if traditional and changed[lang] < MIN_TRADITIONAL:
                raise SmokeFailure(f"the {lang} checklist has {changed[lang]} Traditional characters "
                                   f"(expected at least {MIN_TRADITIONAL}): it was not converted")
            if not traditional and changed[lang] >= MIN_TRADITIONAL:
                raise SmokeFailure(f"the {lang} checklist has {changed[lang]} Traditional characters")
        return "; ".join(f"{lang}: {n} characters t2s would change" for lang, n in changed.items())

    def catalogs(self) -> str:
        from core.i18n import LOCALES, catalog_dir, compile_po, translations

        done = []
        for info in LOCALES.values():
            folder = catalog_dir() / info.catalog / "LC_MESSAGES"
            mo, po = folder / "messages.mo", folder / "messages.po"
            if mo.is_file():
                data = mo.read_bytes()
            elif self.frozen or not po.is_file():
                raise SmokeFailure(f"{mo} is missing (compile the catalogs: python i18n/update.py)")
            else:
                data = compile_po(po.read_bytes())
            catalog = gettext.GNUTranslations(io.BytesIO(data))   # no fallback: the file itself
            if not isinstance(translations(info.code), gettext.GNUTranslations):
                raise SmokeFailure(f"core.i18n could not load the {info.catalog} catalog")
            if info.opencc:
                source, expected = KNOWN_MESSAGE
                got = catalog.gettext(source)
                if got != expected:
                    raise SmokeFailure(f"the {info.catalog} catalog gives {got!r} for {source!r}, "
                                       f"expected {expected!r}: it is empty or out of date")
                if translations(info.code).gettext(source) != expected:
                    raise SmokeFailure(f"core.i18n does not translate {source!r} for {info.code}")
            done.append(f"{info.catalog}{'' if mo.is_file() else ' (.po)'}")
        return f"{', '.join(done)} load; {KNOWN_MESSAGE[0]} → {KNOWN_MESSAGE[1]}"

    def opencc(self) -> str:
        from core.i18n import converter

        for config, (text, expected) in OPENCC_SAMPLES.items():
            got = converter(config).convert(text)
            if got != expected:
                raise SmokeFailure(f"OpenCC {config} turned {text} into {got}, expected {expected}")
        source, converted = OPENCC_SAMPLES["s2twp"]
        return f"{', '.join(OPENCC_SAMPLES)} convert ({source} → {converted})"

    def formatting(self) -> str:
        from core.i18n import LOCALES, format_date, format_money

        shown = []
        for code in LOCALES:
            date = format_date(SAMPLE_AS_OF, code)
            if date != EXPECTED_DATE:
                raise SmokeFailure(f"Babel formats {SAMPLE_AS_OF} as {date!r} in {code}, "
                                   f"expected {EXPECTED_DATE!r}")
            shown.append(f"{code} {format_money(Decimal(225000), code, 'wan')}")
        return f"{'; '.join(shown)}; {EXPECTED_DATE}"

    def window(self) -> str:
        if self.window_check is None:
            raise SmokeFailure("not checked: core has no Qt; start the smoke test through "
                               "ui.smoke.run_smoke_test (what main.py --smoke-test should call)")
        return self.window_check()

    def qt_check(self, name: str) -> str:
        check = self.qt_checks.get(name)
        if check is None:
            raise SmokeFailure("not checked: core has no Qt; start the smoke test through "
                               "ui.smoke.run_smoke_test, which passes this check")
        made = Made(self._made_by("measures database", self.db),
                    self._made_by("sample profile", self.profile),
                    self._made_by("evaluation and checklist", self.evaluation),
                    dict(self.pdfs), self.folder)
        return check(made)

    def run(self, redirected: list[str]) -> None:
        self.step("folders", lambda: self.folders(redirected))
        self.step("measures database", self.database)
        self.step("measure packs", self.packs)
        self.step("sample profile", self.sample_profile)
        self.step("evaluation and checklist", self.evaluate)
        for lang in PDF_LANGUAGES:
            self.step(f"checklist PDF {lang}", functools.partial(self.pdf, lang))
        self.step("PDF rendering", self.render)
        self.step("Traditional Chinese", self.traditional)
        self.step("gettext catalogs", self.catalogs)
        self.step("OpenCC", self.opencc)
        self.step("Babel formatting", self.formatting)
        self.step("Qt window", self.window)
        for name in QT_CHECKS:
            self.step(name, functools.partial(self.qt_check, name))

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def pdf_text(path: Path) -> str:
    """The text of every page of a PDF (PDFium's text extraction)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        texts = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(texts)
    finally:
        pdf.close()


def run_smoke_test(window_check: WindowCheck | None = None,
                   out_dir: str | os.PathLike | None = None,
                   qt_checks: Mapping[str, QtCheck] | None = None) -> int:
    """Run every step; 0 when all passed, 1 at the first failure (reported, no traceback).

    ``window_check`` starts Qt and returns one line about it, or raises (``ui.smoke`` has one);
    ``qt_checks`` has a check for each name of ``QT_CHECKS``, run after it with what the steps made.
    The PDFs go to ``out_dir``, else to ``$GREENMEASURES_SMOKE_DIR``, else to a temporary folder.
    """
    try:
        report = _Report(os.environ.get(LOG_VARIABLE))
    except OSError as exc:
        if sys.stderr is not None:
            print(f"smoke test FAILED: cannot write {LOG_VARIABLE}={os.environ.get(LOG_VARIABLE)}: "
                  f"{exc.strerror or exc}", file=sys.stderr)
        return 1
    running = "frozen" if getattr(sys, "frozen", False) else "from source"
    report.line(f"绿策通 GreenMeasures smoke test ({running}; "
                f"Python {platform.python_version()} on {sys.platform})")
    try:
        with tempfile.TemporaryDirectory(prefix="greenmeasures-smoke-", ignore_cleanup_errors=True) as tmp, \
                _temporary_folders(Path(tmp)) as redirected:
            keep = out_dir or os.environ.get(DIR_VARIABLE)
            folder = Path(keep) if keep else Path(tmp) / "pdf"
            folder.mkdir(parents=True, exist_ok=True)
            smoke = _SmokeTest(report, folder, window_check, qt_checks)
            try:
                smoke.run(redirected)
            finally:
                smoke.close()
        report.line(PASSED)
        return 0
    except SmokeFailure as exc:
        report.line(f"smoke test FAILED at: {exc}", error=True)
        return 1
    except Exception as exc:  # outside any step (the temporary folder, the log): still no traceback
        report.line(f"smoke test FAILED: {_describe(exc)}", error=True)
        return 1
    finally:
        report.close()
