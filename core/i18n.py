"""Languages: gettext (``_`` / ``N_`` / ``ngettext``), OpenCC script conversion, Babel formatting.

No Qt here: the window, the PDF checklists and the command line share it (docs/i18n.md).

**Messages.** The application's own strings are written in Simplified Chinese in the source and
marked for Babel's extractor (Picard's pattern)::

    from core.i18n import _, N_, ngettext

    TITLES = {"eligible": N_("可申请")}      # marked only; translate where it is shown
    label.setText(_(TITLES[status]))          # looked up in the *current* catalog, every call

``_`` looks up the active catalog on every call, so modules that imported it before
:func:`set_language` see the switch; widgets re-read their texts in a callback registered with
:func:`on_language_changed`. Code that renders for a language other than the UI's (a Traditional
PDF printed from a Simplified window, possibly in a worker thread) never switches the global
language: it uses ``translations(code).gettext`` and passes ``code`` to the formatters.

**Catalogs.** ``i18n/<catalog>/LC_MESSAGES/messages.po``: ``zh_Hans`` (msgstr empty = as in the
source), ``zh_Hant_HK`` and ``zh_Hant_TW``, whose entries ``python i18n/update.py`` fills from the
Simplified msgid with OpenCC's phrase-level s2hkp / s2twp (flag ``opencc``; see :func:`converter`
for the words kept at character level) and which translators may edit by hand.
The compiled ``messages.mo`` beside each is used when present; when it is missing (a checkout
before anyone ran the script) the ``.po`` is compiled in memory with ``babel.messages``. A message
missing from a Traditional catalog is converted with OpenCC on the fly, so the Traditional UI never
shows Simplified text. Never pass user-typed text to ``_``.

**Formatting** always names its Babel locale (``LOCALES[code].babel``); the process locale is
never consulted.
"""
from __future__ import annotations

import datetime as dt
import gettext as _gettext
import io
import logging
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from core.resources import resource_dir

if TYPE_CHECKING:
    from decimal import Decimal

    import opencc

# OpenCC and Babel are imported where first used (converter(), the format_* functions): together
# they take about 20 ms to import, and the window's first paint needs neither. So are decimal
# (with core.decimals) and the KEEP_WORDS pattern: the first paint formats no money and converts
# no text (docs/benchmarks.md, start-up).

log = logging.getLogger(__name__)

DOMAIN = "messages"
DEFAULT_LANGUAGE = "zh-Hans"


@dataclass(frozen=True)
class LocaleInfo:
    code: str                      # our language code, as stored in settings
    babel: str                     # Babel locale id for dates and numbers
    catalog: str                   # gettext catalog folder under i18n/
    opencc: str | None             # OpenCC config: Simplified source text -> this script
    opencc_from_hant: str | None   # OpenCC config: Traditional source text -> this script
    name: str                      # display name, always in its own script (language pickers)
    qt_locale: str                 # for QLocale(...) / QLocale.setDefault in the UI
    qt_catalogs: tuple[str, ...]   # Qt's own .qm base names, in the order to try


LOCALES: dict[str, LocaleInfo] = {
    "zh-Hans": LocaleInfo("zh-Hans", "zh_Hans_CN", "zh_Hans", None, "t2s",
                          "简体中文", "zh_CN", ("qtbase_zh_CN",)),
    # Qt ships no zh_HK catalog (docs/i18n.md); its Taiwan one is the closest Traditional text.
    # Phrase-level conversion (s2hkp / s2twp: 信息 → 資訊, 打印 → 列印 in Taiwan), see converter().
    "zh-Hant": LocaleInfo("zh-Hant", "zh_Hant_HK", "zh_Hant_HK", "s2hkp", "t2hk",
                          "繁體中文（香港）", "zh_HK", ("qtbase_zh_HK", "qtbase_zh_TW")),
    "zh-Hant-TW": LocaleInfo("zh-Hant-TW", "zh_Hant_TW", "zh_Hant_TW", "s2twp", "t2tw",
                             "繁體中文（台灣）", "zh_TW", ("qtbase_zh_TW",)),
}

# Other spellings of the three languages (settings files, BCP 47 tags, POSIX and Babel ids),
# compared lower-case with '_' read as '-'.
_ALIASES = {
    "zh": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-hans-cn": "zh-Hans",
    "zh-hans-sg": "zh-Hans",
    "zh-hk": "zh-Hant", "zh-mo": "zh-Hant", "zh-hant-hk": "zh-Hant", "zh-hant-mo": "zh-Hant",
    "zh-tw": "zh-Hant-TW",
}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translate it where it is shown)."""
    return message


# The application's own strings used by the helpers below (extracted into the catalogs).
# TRANSLATORS: an amount of money in yuan; {amount} is already formatted, e.g. 225,000
MSG_YUAN = N_("{amount} 元")
# TRANSLATORS: an amount of money in units of 10,000 yuan; {amount} is formatted, e.g. 22.5
MSG_WAN = N_("{amount} 万元")
MSG_AMOUNT_UNSTATED = N_("金额未列明")
# TRANSLATORS: {high} is a formatted amount with its unit, e.g. 22.5 万元
MSG_AMOUNT_UP_TO = N_("最高 {high}")
# TRANSLATORS: {low} is a formatted amount with its unit; the policy names no ceiling
MSG_AMOUNT_AT_LEAST = N_("不少于 {low}，上限未列明")
# TRANSLATORS: {low} and {high} are formatted amounts with their units
MSG_AMOUNT_RANGE = N_("{low} ～ {high}")
# TRANSLATORS: label of the language picker in the settings and the menu
MSG_LANGUAGE = N_("界面语言")


# -- languages ----------------------------------------------------------------------------------

def normalize_language(code: str) -> str:
    """Our code (``zh-Hans``, ``zh-Hant``, ``zh-Hant-TW``) for any accepted spelling, else ValueError."""
    if code in LOCALES:
        return code
    key = str(code).strip().replace("_", "-").lower()
    for known in LOCALES:
        if known.lower() == key:
            return known
    if key in _ALIASES:
        return _ALIASES[key]
    raise ValueError(f"unknown language {code!r}; expected one of {', '.join(LOCALES)}")


def available_languages() -> list[LocaleInfo]:
    """The languages in the order a picker lists them."""
    return list(LOCALES.values())


def _info(code: str | None) -> LocaleInfo:
    return LOCALES[_current if code is None else normalize_language(code)]


# -- catalogs -----------------------------------------------------------------------------------

def catalog_dir() -> Path:
    """The ``i18n`` folder holding ``<catalog>/LC_MESSAGES/messages.{po,mo}``."""
    return Path(str(files("i18n")))


def compile_po(po_bytes: bytes) -> bytes:
    """A ``.po`` file's bytes compiled to ``.mo`` bytes (fuzzy and empty entries left out).

    Entries without a translation are dropped rather than compiled as their msgid (Babel does
    that for plurals), so a Traditional catalog falls through to the OpenCC fallback for them.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po_bytes))
    for message in list(catalog)[1:]:
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if not all(strings):
            catalog.delete(message.id, message.context)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


class _ConvertingFallback(_gettext.NullTranslations):
    """The end of a catalog's fallback chain: the Simplified msgid converted with OpenCC."""

    def __init__(self, config: str | None):
        super().__init__()
        self._config = config

    def gettext(self, message: str) -> str:
        return _convert_ui(message, self._config) if self._config else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self.ngettext(msgid1, msgid2, n)


@lru_cache(maxsize=4096)
def _convert_ui(message: str, config: str) -> str:
    return converter(config).convert(message)


def _load(info: LocaleInfo) -> _gettext.NullTranslations:
    fallback = _ConvertingFallback(info.opencc)
    try:
        folder = catalog_dir() / info.catalog / "LC_MESSAGES"
        mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
        if mo.is_file():
            data = mo.read_bytes()
        elif po.is_file():
            data = compile_po(po.read_bytes())
        else:
            log.warning("no catalog for %s in %s; using OpenCC only", info.code, folder)
            return fallback
        translations = _gettext.GNUTranslations(io.BytesIO(data))
    except (ModuleNotFoundError, OSError, ValueError) as exc:  # missing package, bad file
        log.warning("cannot load the %s catalog (%s); using OpenCC only", info.code, exc)
        return fallback
    translations.add_fallback(fallback)
    return translations


_loaded: dict[str, _gettext.NullTranslations] = {}


def translations(code: str | None = None) -> _gettext.NullTranslations:
    """The gettext translations of a language (the current one by default), loaded once."""
    info = _info(code)
    found = _loaded.get(info.code)
    if found is None:
        found = _loaded[info.code] = _load(info)
    return found


def reload_catalogs() -> None:
    """Forget the loaded catalogs (after ``i18n/update.py`` rewrote them, and in tests)."""
    _loaded.clear()
    _convert_ui.cache_clear()


# -- the current language -----------------------------------------------------------------------

_current = DEFAULT_LANGUAGE
_listeners: list[Callable[[], Callable[[str], object] | None]] = []  # weak or strong refs


def _(message: str) -> str:
    """The message in the current language."""
    return (_loaded.get(_current) or translations(_current)).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for ``n`` in the current language (Chinese has one form)."""
    return translations(_current).ngettext(singular, plural, n)


def current_language() -> str:
    return _current


def set_language(code: str) -> str:
    """Make ``code`` the current language and tell the listeners if it changed; returns our code.

    Call it from the UI thread: listeners usually touch widgets.
    """
    global _current
    new = normalize_language(code)
    translations(new)  # load (and report problems) before switching
    if new == _current:
        return new
    _current = new
    errors = []
    for ref in list(_listeners):
        callback = ref()
        if callback is None:
            _listeners.remove(ref)
            continue
        try:
            callback(new)
        except Exception as exc:  # one broken widget must not stop the others re-translating
            log.exception("language listener %r failed", callback)
            errors.append(exc)
    if errors:
        raise errors[0]
    return new


def on_language_changed(callback: Callable[[str], object]) -> Callable[[str], object]:
    """Call ``callback(code)`` after each language switch; returns it (usable as a decorator).

    Bound methods are held weakly, so a registered widget can still be garbage-collected; plain
    functions are held strongly. A Qt object deleted on the C++ side must unregister itself
    (:func:`remove_language_listener`, e.g. from its ``destroyed`` signal).
    """
    ref: Callable[[], Callable[[str], object] | None]
    if hasattr(callback, "__self__") and hasattr(callback, "__func__"):
        ref = weakref.WeakMethod(callback)
    else:
        ref = (lambda cb: lambda: cb)(callback)
    _listeners.append(ref)
    return callback


def remove_language_listener(callback: Callable[[str], object]) -> None:
    for ref in list(_listeners):
        if ref() == callback:
            _listeners.remove(ref)


# -- OpenCC ---------------------------------------------------------------------------------------

class Converter(Protocol):
    def convert(self, text: str) -> str: ...


# The phrase-level configs and the character-level config each falls back to for KEEP_WORDS.
PHRASE_CONFIGS = {"s2twp": "s2tw", "s2hkp": "s2hk"}
# Words the regional phrase tables read as computing vocabulary, which is wrong in policy and form
# text: 统一社会信用代码 is not 程式碼, 循环经济 not 迴圈, 审核单位 not 稽核, 项目类型 not 型別,
# 支持对象 not 物件, 政策文件 not 檔案, 申报程序 not 程式, 发布 not 釋出, 资金支持 not 支援,
# 优化 not 最佳化; and the names of government bodies stay as they are written (工业和信息化局,
# 科技和工业信息化局: not 資訊化). These words (the text around them is split there) keep the
# character-level reading.
KEEP_WORDS = ("代码", "循环", "审核", "类型", "对象", "文件", "程序", "支持", "发布", "优化",
              "工业和信息化", "工业信息化")


@cache
def _keep_pattern() -> re.Pattern[str]:
    return re.compile("(" + "|".join(sorted(KEEP_WORDS, key=len, reverse=True)) + ")")


class _PhraseConverter:
    """OpenCC's phrase-level conversion, with KEEP_WORDS converted character by character."""

    def __init__(self, config: str):
        self.phrases, self.characters = converter_raw(config), converter_raw(PHRASE_CONFIGS[config])

    def convert(self, text: str) -> str:
        parts = _keep_pattern().split(text)     # odd indexes are the kept words
        return "".join(self.characters.convert(part) if i % 2 else self.phrases.convert(part)
                       for i, part in enumerate(parts) if part)


@cache
def converter_raw(config: str) -> opencc.OpenCC:
    """OpenCC's own converter for a config, without the KEEP_WORDS exceptions."""
    import opencc

    return opencc.OpenCC(config)


@cache
def converter(config: str) -> Converter:
    """A cached converter (``s2hkp``, ``s2twp``, ``t2s``, ``t2hk``, ``t2tw``, …): OpenCC's, with the
    words of KEEP_WORDS kept at character level by the phrase-level configs (PHRASE_CONFIGS)."""
    if config in PHRASE_CONFIGS:
        return _PhraseConverter(config)
    return converter_raw(config)


def convert_text(text: str, code: str | None = None) -> str:
    """The application's own Simplified text that is not in a catalog (the bundled user guide) in
    a language's script, as the catalogs convert it."""
    config = _info(code).opencc
    return converter(config).convert(text) if config and text else text


@lru_cache(maxsize=8192)
def _hant_only(char: str) -> bool:
    """Written only in Traditional (t2s changes it)."""
    return converter("t2s").convert(char) != char


@lru_cache(maxsize=8192)
def _hans_only(char: str) -> bool:
    """Written only in Simplified (s2t changes it)."""
    return converter("s2t").convert(char) != char


def _script_counts(text: str) -> tuple[int, int]:
    hant = hans = 0
    for char in text:
        if char < "\u3400":  # ASCII, punctuation, kana: no script information
            continue
        hant += _hant_only(char)
        hans += _hans_only(char)
    return hant, hans


def _any_hant_only(text: str) -> bool:
    # Needs only the t2s tables: a Simplified UI does not load s2t (about 20 ms) to show its texts.
    return any(_hant_only(char) for char in text if char >= "\u3400")


# Characters OpenCC's Simplified→Traditional tables change on their own although Traditional texts
# use them too (若干 stays 若干): their presence is no sign of Simplified text.
ALSO_TRADITIONAL = frozenset("干")


def unconverted_characters(text: str, code: str) -> set[str]:
    """Characters of `text` that OpenCC would still change for `code` (``zh-Hant``, ``zh-Hant-TW``):
    Simplified left in Traditional text. Judged one character at a time, because converting whole
    Traditional text is not idempotent (s2hk turns 推薦組合 into 推薦組閤)."""
    config = _info(code).opencc
    if config is None:
        return set()
    convert = converter(config).convert
    return {c for c in set(text) if c >= "\u3400" and convert(c) != c} - ALSO_TRADITIONAL


def detect_script(text: str) -> str:
    """``zh-Hant`` when the text has more Traditional-only than Simplified-only characters."""
    hant, hans = _script_counts(text)
    return "zh-Hant" if hant > hans else "zh-Hans"


def convert_policy_text(text: str, code: str | None = None, source_script: str | None = None) -> str:
    """Policy text (titles, clauses, evidence names from the measures data) in the target script.

    ``source_script`` is the document's ``script`` (``zh-Hans`` or ``zh-Hant``); when it is not
    given it is judged from the text. Conversion happens only when needed:

    - to ``zh-Hans``: Simplified text is returned as it is; ``t2s`` runs only on Traditional text
      (``source_script="zh-Hant"``, or, when not given, text with any Traditional-only character);
    - to ``zh-Hant`` / ``zh-Hant-TW``: Simplified text through ``s2hkp`` / ``s2twp``; Traditional text
      is only normalised to the Hong Kong / Taiwan variants (``t2hk`` / ``t2tw``), never run
      through an s2* table meant for Simplified input.

    Only the application's and the policies' own text goes through here. Company, project and
    product names and anything else the user typed are never converted: they stay as typed.
    """
    if not text:
        return text
    info = _info(code)
    if source_script is not None:
        source = normalize_language(source_script)
        source = "zh-Hans" if source == "zh-Hans" else "zh-Hant"
    elif info.opencc is None:
        source = "zh-Hant" if _any_hant_only(text) else "zh-Hans"
    else:
        source = detect_script(text)
    config = info.opencc if source == "zh-Hans" else info.opencc_from_hant
    return converter(config).convert(text) if config else text


# -- formatting (always an explicit Babel locale) -----------------------------------------------

MoneyUnit = Literal["yuan", "wan", "auto"]
WAN_YUAN = 10000             # yuan in one 万元 (an int: Decimal arithmetic with it stays exact)


def babel_locale(code: str | None = None) -> str:
    return _info(code).babel


def _money_decimal(yuan) -> Decimal:
    from decimal import Decimal

    if isinstance(yuan, bool) or not isinstance(yuan, (int, Decimal)):
        raise TypeError(f"money must be an int or Decimal of yuan, not {type(yuan).__name__}")
    amount = Decimal(yuan)
    if not amount.is_finite():
        raise ValueError(f"money must be a finite amount, got {yuan!r}")
    return amount


def format_money(yuan: Decimal | int, code: str | None = None, unit: MoneyUnit = "yuan") -> str:
    """Yuan for display: ``225,000 元`` (unit="yuan") or ``22.5 万元`` (unit="wan").

    The convention (docs/i18n.md): the number with the locale's grouping, a space and the unit
    word as the policies write it (元 / 万元, 萬元 in Traditional); no currency sign, since every
    amount is in RMB and ``¥`` reads as yen or ``CN¥`` in Hong Kong and Taiwan. Yuan show fen only
    when there are any (``1,234.50 元``); 万元 show up to six decimals, so nothing is rounded away
    (``22.5001 万元``). ``unit="auto"`` picks 万元 from 10,000 yuan up, like the engine's reasons.
    Floats are refused: money is exact.
    """
    from babel import numbers as _babel_numbers

    from core.decimals import money_context

    amount = _money_decimal(yuan)
    info = _info(code)
    gettext = translations(info.code).gettext
    if unit == "auto":
        unit = "wan" if abs(amount) >= WAN_YUAN else "yuan"
    with money_context(amount):     # Babel rounds in the current context: wide enough for any amount
        if unit == "yuan":
            pattern = "#,##0" if amount == amount.to_integral_value() else "#,##0.00"
            number = _babel_numbers.format_decimal(amount, pattern, locale=info.babel)
            return gettext(MSG_YUAN).format(amount=number)
        if unit == "wan":
            number = _babel_numbers.format_decimal(amount / WAN_YUAN, "#,##0.######", locale=info.babel)
            return gettext(MSG_WAN).format(amount=number)
    raise ValueError(f"unit must be 'yuan', 'wan' or 'auto', not {unit!r}")


def format_amount_range(low: Decimal | int | None, high: Decimal | int | None,
                        code: str | None = None, unit: MoneyUnit = "yuan") -> str:
    """An estimated amount from the engine (``amount_min``/``amount_max``) as one phrase.

    ``high`` None means the policy states no ceiling; ``low`` None is read as 0.
    ``金额未列明`` · ``不少于 5 万元，上限未列明`` · ``22.5 万元`` (low == high) · ``最高 22.5 万元`` ·
    ``5 万元 ～ 22.5 万元``.
    """
    info = _info(code)
    gettext = translations(info.code).gettext
    low = _money_decimal(0 if low is None else low)
    if high is None:
        if low == 0:
            return gettext(MSG_AMOUNT_UNSTATED)
        return gettext(MSG_AMOUNT_AT_LEAST).format(low=format_money(low, info.code, unit))
    high = _money_decimal(high)
    if low == high:
        return format_money(high, info.code, unit)
    if low == 0:
        return gettext(MSG_AMOUNT_UP_TO).format(high=format_money(high, info.code, unit))
    return gettext(MSG_AMOUNT_RANGE).format(low=format_money(low, info.code, unit),
                                            high=format_money(high, info.code, unit))


def format_date(date: dt.date | str, code: str | None = None, format: str = "long") -> str:
    """A date with Babel's pattern for the locale: ``2025年6月30日`` (long, all three languages).

    Accepts a ``date``, a ``datetime`` (its date) or an ISO ``YYYY-MM-DD`` string (as stored in
    the measures data). ``format`` is a Babel width (short, medium, long, full) or a pattern.
    """
    from babel import dates as _babel_dates

    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    elif isinstance(date, dt.datetime):
        date = date.date()
    return _babel_dates.format_date(date, format, locale=_info(code).babel)


def format_number(value: Decimal | int | float, code: str | None = None,
                  max_decimals: int = 3) -> str:
    """A number with the locale's grouping and at most ``max_decimals`` decimals: ``12,345.678``."""
    from babel import numbers as _babel_numbers

    pattern = "#,##0" + ("." + "#" * max_decimals if max_decimals > 0 else "")
    return _babel_numbers.format_decimal(value, pattern, locale=_info(code).babel)


def format_percent(fraction: Decimal | int | float, code: str | None = None,
                   max_decimals: int = 2) -> str:
    """A fraction as a percentage: 0.3 → ``30%``, 0.125 → ``12.5%`` (not Babel's rounded ``12%``)."""
    from babel import numbers as _babel_numbers

    pattern = "#,##0" + ("." + "#" * max_decimals if max_decimals > 0 else "") + "%"
    return _babel_numbers.format_percent(fraction, pattern, locale=_info(code).babel)


# -- Qt's own strings and the bundled font (names only: no Qt in core/) --------------------------

def qt_translation_names(code: str | None = None) -> list[str]:
    """Base names of Qt's own ``.qm`` catalogs to try, best first (``qtbase_zh_TW``).

    The UI loads the first that exists from PySide6's translations folder
    (``QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)``) into a ``QTranslator``
    for the standard dialogs' buttons, and calls ``QLocale.setDefault(QLocale(info.qt_locale))``.
    """
    return list(_info(code).qt_catalogs)


FONT_FILE = "wqy-microhei.ttc"
FONT_FAMILY = "WenQuanYi Micro Hei"    # the family Qt reports for face 0
FONT_SUBFONT_INDEX = 0                 # reportlab: TTFont(name, path, subfontIndex=0)


def font_path() -> Path:
    """The bundled CJK font (WenQuanYi Micro Hei, Apache-2.0; resources/fonts/README.md)."""
    return resource_dir("fonts", FONT_FILE)


def font_licence_path() -> Path:
    return resource_dir("fonts", "LICENSE_Apache.txt")
