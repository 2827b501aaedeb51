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
9. Qt: the window check the caller passes (``ui.smoke`` passes one that starts Qt offscreen and
   opens and closes the main window); without it this step fails, because ``core`` may not import
   Qt (tests/test_architecture.py) and a smoke test that skipped Qt would pass a bundle whose Qt
   plugins are missing.

One line per step goes to stdout, then ``smoke test passed``; a failing step prints what failed
and why (never a traceback) and the result is 1. A Windows program built without a console has
no stdout: set ``GREENMEASURES_SMOKE_LOG`` to a file path and the same lines are written there
(UTF-8) as they happen. ``GREENMEASURES_SMOKE_DIR`` names a folder to keep the PDFs in; by default
they go to the temporary folder, which is removed at the end.

No Qt here.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gettext
import io
import os
import platform
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
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
PDF_LANGUAGES = ("zh-Hans", "zh-Hant")
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
    def __init__(self, report: _Report, folder: Path, window_check: WindowCheck | None):
        self.report = report
        self.folder = folder
        self.window_check = window_check
        self.frozen = bool(getattr(sys, "frozen", False))
        # made by the steps, in order; run() stops at the first step that fails
        self.db: MeasuresDB | None = None
        self.profile: dict | None = None
        self.evaluation: Evaluation | None = None
        self.checklist: Checklist | None = None
        self.pdfs: list[Path] = []

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
        the seeds it reads are all in the bundle)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from core.measures.pack import build_pack, key_id, trusted_keys, verify_pack_bytes

        shipped = trusted_keys()
        if not shipped:
            raise SmokeFailure("no publisher key in resources/keys: no measure pack could be imported")
        private = Ed25519PrivateKey.generate()
        data = build_pack(private)
        pack = verify_pack_bytes(data, {key_id(private.public_key()): private.public_key()})
        return (f"{len(shipped)} publisher key(s) ({', '.join(shipped)}); a pack of the bundled data "
                f"({len(data) // 1024} KB, {pack.manifest.measure_count} measures) built and verified")

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
        self.pdfs.append(target)
        return f"{target} ({pages} pages, {_kilobytes(target)})"

    def render(self) -> str:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(self.pdfs[0]))
        try:
            page = pdf[0]
            bitmap = page.render(scale=1)
            width, height = bitmap.width, bitmap.height
            bitmap.close()
            page.close()
        finally:
            pdf.close()
        if width < 100 or height < 100:
            raise SmokeFailure(f"PDFium rendered page 1 of {self.pdfs[0].name} at only {width}×{height} px")
        return f"page 1 of {self.pdfs[0].name} at {width}×{height} px (PDFium {pdfium.PDFIUM_INFO})"

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

    def run(self, redirected: list[str]) -> None:
        self.step("folders", lambda: self.folders(redirected))
        self.step("measures database", self.database)
        self.step("measure packs", self.packs)
        self.step("sample profile", self.sample_profile)
        self.step("evaluation and checklist", self.evaluate)
        for lang in PDF_LANGUAGES:
            self.step(f"checklist PDF {lang}", functools.partial(self.pdf, lang))
        self.step("PDF rendering", self.render)
        self.step("gettext catalogs", self.catalogs)
        self.step("OpenCC", self.opencc)
        self.step("Babel formatting", self.formatting)
        self.step("Qt window", self.window)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def run_smoke_test(window_check: WindowCheck | None = None,
                   out_dir: str | os.PathLike | None = None) -> int:
    """Run every step; 0 when all passed, 1 at the first failure (reported, no traceback).

    ``window_check`` starts Qt and returns one line about it, or raises (``ui.smoke`` has one).
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
            smoke = _SmokeTest(report, folder, window_check)
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
