"""Touch editors for the kiosk's guided interview, one per kind of fact in the profile schema
(core.measures.facts): no keyboard except for a name, no drop-down, every target at least 48 px.

- choices (an enum, yes/no, a closed list, the project types) are big buttons in a grid that wraps
  its labels and pages when there are more than fit (fewer per page in 大字模式);
- numbers are typed on an on-screen pad (digits, decimal point, backspace, clear) that keeps to the
  schema's bounds and the 15-digit limit of every number field (ui.widgets.MAX_DIGITS) and shows
  the unit;
- dates are set with big year / month / day steppers;
- text (a company's or project's name) goes in a large line edit, for which the system's touch
  keyboard appears.

Each editor's accessible name is its label; the chosen button says ✓ as well as changing colour.
``value()`` is the JSON value of the answer, or None for "not answered"; [] (the answer "none" of a
list) is an answer. Labels are kept in Simplified Chinese as the data writes them and shown in the
UI's script (``retranslate``).
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _, convert_policy_text
from core.measures.facts import FactSpec
from core.measures.labels import enum_labels
from ui.widgets import (
    MAX_DIGITS,
    MSG_NO,
    MSG_NO_ROWS,
    MSG_NONE_OF_THESE,
    MSG_TOO_MANY_DIGITS,
    MSG_YES,
    digit_count,
    json_number,
    parse_decimal,
    plain,
)

MIN_TARGET = 48               # the smallest a fingertip can hit reliably
KEY_HEIGHT = 60               # pad keys, steppers and choice buttons
LARGE_KEY_HEIGHT = 64          # with the larger type: still fits a 768 px screen
MAX_NAME = 100                # a company or project name; longer is not a name

MSG_PREV_PAGE = N_("‹ 上一页")
MSG_NEXT_PAGE = N_("下一页 ›")
# TRANSLATORS: the page of choice buttons shown, {n} of {total}
MSG_PAGE = N_("第 {n} / {total} 页")
MSG_CLEAR = N_("清空")
MSG_BACKSPACE = N_("退格")
MSG_POINT = N_("小数点")
MSG_MINUS = N_("负号")
# TRANSLATORS: {maximum} is the largest number the field takes, written out
MSG_ABOVE_MAX = N_("最大只能填写 {maximum}")
MSG_YEAR = N_("年")
MSG_MONTH = N_("月")
MSG_DAY = N_("日")
# TRANSLATORS: accessible names of the date steppers: {part} is 年, 月 or 日
MSG_MORE = N_("{part}加一")
MSG_LESS = N_("{part}减一")
MSG_DATE_UNSET = N_("未选择日期：点 + 或 − 开始")
MSG_NO_KEYS = N_("（未填写）")
MSG_MANY = N_("可以选多项，再点一次取消。")
FIRST_YEAR, LAST_YEAR = 1949, 2100        # the schema's calendar years
UI_LABELS = (MSG_YES, MSG_NO, MSG_NO_ROWS)  # choice labels that are the UI's words, not the data's

# Object names the kiosk interview's style sheet sizes (ui/kiosk_interview.py).
STYLE = f"""
QPushButton#choice, QPushButton#padKey, QPushButton#stepper {{ min-height: {KEY_HEIGHT}px; min-width: 56px;
    padding: 4px 8px; font-size: 24px; }}
QPushButton#choice:checked {{ background: #1e7b34; color: white; border-width: 4px; }}
QLabel {{ font-size: 20px; }}
QLabel#choiceCaption {{ font-size: 22px; color: #1e7b34; background: transparent; }}
QLabel#choiceCaption[chosen="true"] {{ color: white; font-weight: bold; }}
QPushButton#padKey {{ font-size: 30px; }}
QLineEdit#padDisplay {{ font-size: 34px; min-height: 64px; }}
QLineEdit#touchText {{ font-size: 26px; min-height: 60px; }}
QLabel#dateValue {{ font-size: 32px; font-weight: bold; }}
QLabel#unit {{ font-size: 24px; }}
QLabel#padNote {{ color: #b42318; font-size: 20px; }}
"""
LARGE_STYLE = f"""
QPushButton#choice, QPushButton#padKey, QPushButton#stepper {{ min-height: {LARGE_KEY_HEIGHT}px;
    font-size: 30px; }}
QLabel {{ font-size: 27px; }}
QLabel#choiceCaption {{ font-size: 28px; color: #0b4d1c; }}
QPushButton#choice:checked {{ background: #0b4d1c; }}
QLabel#choiceCaption[chosen="true"] {{ color: white; }}
QPushButton#padKey {{ font-size: 36px; }}
QLineEdit#padDisplay {{ font-size: 40px; min-height: 72px; color: black; }}
QLineEdit#touchText {{ font-size: 32px; min-height: 72px; color: black; }}
QLabel#dateValue {{ font-size: 40px; color: black; }}
QLabel#unit {{ font-size: 30px; color: black; }}
QLabel#padNote {{ color: #8a1a12; font-size: 26px; }}
"""


def _key(text: str = "", name: str = "padKey", accessible: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setMinimumSize(MIN_TARGET + 8, KEY_HEIGHT)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)      # a tap, not a keyboard's focus ring
    button.setAccessibleName(accessible or text)
    return button


class TouchEditor(QWidget):
    """The common face of the touch editors: value, set_value, clear, large type, script."""

    changed = Signal()

    def __init__(self, label: str, parent=None):
        super().__init__(parent)
        self.label = label                # as the data writes it (Simplified); shown converted
        self.large = False
        self.setAccessibleName(convert_policy_text(label))

    if TYPE_CHECKING:       # what every editor provides; checked on each subclass below
        def value(self) -> Any: ...
        def set_value(self, value: Any) -> None: ...

    def __init_subclass__(cls, **kwargs) -> None:
        # An editor without value/set_value would only fail when a visitor reaches its question.
        super().__init_subclass__(**kwargs)
        missing = [name for name in ("value", "set_value") if not callable(getattr(cls, name, None))]
        if missing:
            raise TypeError(f"{cls.__name__} must define {', '.join(missing)}")

    def clear(self) -> None:
        self.set_value(None)

    def problem(self) -> str | None:
        """Why what is entered is not yet an answer (said at the input), or None."""
        return None

    def set_large(self, on: bool) -> None:
        self.large = on

    def retranslate(self) -> None:
        self.setAccessibleName(convert_policy_text(self.label))


# -- choices ---------------------------------------------------------------------------------------

class ChoiceButton(QPushButton):
    """A big checkable button whose label wraps (a 19-character project type fits a third of a
    1366 px screen) and starts with ✓ when chosen: the fill is never the only cue."""

    def __init__(self, text: str, parent=None):
        super().__init__(parent)
        self.setObjectName("choice")
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumSize(MIN_TARGET + 8, KEY_HEIGHT)
        self.caption = QLabel()
        self.caption.setObjectName("choiceCaption")
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 2, 8, 2)
        row.addWidget(self.caption)
        self.plain = ""
        self.toggled.connect(lambda _on: self._show())
        self.set_label(text)

    def set_label(self, text: str) -> None:
        self.plain = text
        self.setAccessibleName(text)
        self._show()

    def _show(self) -> None:
        chosen = self.isChecked()
        self.caption.setText(("✓ " if chosen else "") + self.plain)
        if self.caption.property("chosen") != chosen:
            # (a style sheet cannot follow the button's :checked into the label inside it)
            self.caption.setProperty("chosen", chosen)
            self.caption.style().unpolish(self.caption)
            self.caption.style().polish(self.caption)

    def label_text(self) -> str:
        return self.caption.text()


class ChoiceGrid(TouchEditor):
    """Big buttons for a closed list, paged. ``multi``: any number may be chosen (a key list),
    with ``none_label`` as the answer "none of these" ([]); otherwise one, chosen by a tap."""

    picked = Signal(object)            # a single choice was tapped: its value

    def __init__(self, label: str, options: list[tuple[Any, str]], multi: bool = False,
                 none_label: str | None = None, parent=None):
        super().__init__(label, parent)
        self.options = list(options)                 # (value, label as written, Simplified)
        self.multi = multi
        self.none_label = none_label                 # an N_ message, or None
        self.chosen: list[int] = []                  # indexes into options
        self.none_chosen = False
        self.page = 0
        self.columns, self.rows = 4, 3
        self.portrait = False
        self.buttons: list[ChoiceButton] = []
        for i, (_value, text) in enumerate(self.options):
            button = ChoiceButton(convert_policy_text(text))
            button.clicked.connect(lambda _c=False, index=i: self._tap(index))
            self.buttons.append(button)
        self.none_button = ChoiceButton("") if none_label else None
        if self.none_button is not None:
            self.none_button.clicked.connect(self._tap_none)
        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        self.prev_button = _key(name="padKey")
        self.next_button = _key(name="padKey")
        self.prev_button.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.page + 1))
        self.page_label = QLabel()
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pager = QHBoxLayout()
        pager.addWidget(self.prev_button)
        pager.addWidget(self.page_label, 1)
        pager.addWidget(self.next_button)
        self.pager = QWidget()
        self.pager.setLayout(pager)
        pager.setContentsMargins(0, 0, 0, 0)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        self.many_note = QLabel()
        self.many_note.setVisible(multi)
        column.addWidget(self.many_note)
        column.addLayout(self.grid)
        if self.none_button is not None:
            column.addWidget(self.none_button)
        column.addWidget(self.pager)
        self._fit()
        self.retranslate()

    # how many per page
    def per_page(self) -> int:
        return self.columns * self.rows

    def pages(self) -> int:
        return max(1, math.ceil(len(self.options) / self.per_page()))

    def _fit(self) -> None:
        """Columns and rows for the screen's shape and the type size: fewer, bigger in 大字模式."""
        window = self.window()
        portrait = self.portrait = window is not None and window.height() > window.width()
        if self.large:
            self.columns, self.rows = (2, 4) if portrait else (3, 2)
        else:
            self.columns, self.rows = (3, 6) if portrait else (4, 3)
        self.columns = max(1, min(self.columns, len(self.options)))     # 是 / 否: two wide buttons
        self.show_page(min(self.page, self.pages() - 1))

    def set_large(self, on: bool) -> None:
        super().set_large(on)
        for button in self.visible_buttons():
            button.setMinimumHeight(LARGE_KEY_HEIGHT if on else KEY_HEIGHT)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        window = self.window()
        if window is not None and (window.height() > window.width()) != self.portrait:
            self._fit()

    def visible_buttons(self) -> list[ChoiceButton]:
        start = self.page * self.per_page()
        return self.buttons[start:start + self.per_page()]

    def show_page(self, page: int) -> None:
        page = max(0, min(page, self.pages() - 1))
        self.page = page
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
        height = LARGE_KEY_HEIGHT if self.large else KEY_HEIGHT
        for n, button in enumerate(self.visible_buttons()):
            button.setMinimumHeight(height)
            self.grid.addWidget(button, n // self.columns, n % self.columns)
            button.show()
        for c in range(self.columns):
            self.grid.setColumnStretch(c, 1)
        self.pager.setVisible(self.pages() > 1)
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < self.pages() - 1)
        self.page_label.setText(_(MSG_PAGE).format(n=page + 1, total=self.pages()))

    # choosing
    def _tap(self, index: int) -> None:
        if self.multi:
            self.none_chosen = False
            if index in self.chosen:
                self.chosen.remove(index)
            else:
                self.chosen.append(index)
        else:
            self.chosen = [index]
        self._mark()
        self.changed.emit()
        if not self.multi:
            self.picked.emit(self.options[index][0])

    def _tap_none(self) -> None:
        self.none_chosen = not self.none_chosen
        if self.none_chosen:
            self.chosen = []
        self._mark()
        self.changed.emit()

    def _mark(self) -> None:
        for i, button in enumerate(self.buttons):
            button.setChecked(i in self.chosen)
        if self.none_button is not None:
            self.none_button.setChecked(self.none_chosen)

    def value(self) -> Any:
        if self.multi:
            if self.none_chosen:
                return []
            return [self.options[i][0] for i in sorted(self.chosen)] or None
        return self.options[self.chosen[0]][0] if self.chosen else None

    def set_value(self, value: Any) -> None:
        values = [v for v, _t in self.options]
        self.none_chosen = False
        if self.multi:
            self.none_chosen = value == [] and self.none_button is not None
            given = value if isinstance(value, list) else []
            self.chosen = [i for i, v in enumerate(values) if v in given]
        else:
            self.chosen = [values.index(value)] if value is not None and value in values else []
            if value is not None and value == [] and self.none_button is not None:
                self.none_chosen = True
        self._mark()
        if self.chosen:
            self.show_page(self.chosen[0] // self.per_page())

    def retranslate(self) -> None:
        super().retranslate()
        for button, (_value, text) in zip(self.buttons, self.options, strict=True):
            button.set_label(_(text) if text in UI_LABELS else convert_policy_text(text))
        if self.none_button is not None and self.none_label:
            self.none_button.set_label(_(self.none_label))
        self.many_note.setText(_(MSG_MANY))
        self.prev_button.setText(_(MSG_PREV_PAGE))
        self.next_button.setText(_(MSG_NEXT_PAGE))
        self.prev_button.setAccessibleName(_(MSG_PREV_PAGE))
        self.next_button.setAccessibleName(_(MSG_NEXT_PAGE))
        self.page_label.setText(_(MSG_PAGE).format(n=self.page + 1, total=self.pages()))


# -- numbers ---------------------------------------------------------------------------------------

class NumberPad(TouchEditor):
    """A number typed on screen keys: 0–9, a decimal point, backspace and clear. A key that would
    make more than MAX_DIGITS digits, or a number above the schema's maximum, is refused and the
    reason shown at the pad; the unit stands beside the display."""

    def __init__(self, label: str, unit: str | None = None, minimum: float | None = None,
                 maximum: float | None = None, parent=None):
        super().__init__(label, parent)
        self.unit = unit
        self.minimum, self.maximum = minimum, maximum
        self.text = ""
        self.display = QLineEdit()
        self.display.setObjectName("padDisplay")
        self.display.setReadOnly(True)
        self.display.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.display.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.display.setMinimumWidth(260)
        self.unit_label = QLabel()
        self.unit_label.setObjectName("unit")
        self.note = QLabel()
        self.note.setObjectName("padNote")
        self.note.setWordWrap(True)
        self.keys: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(6)
        layout = ("789", "456", "123")
        for r, row in enumerate(layout):
            for c, d in enumerate(row):
                self.keys[d] = self._add(grid, d, r, c)
        negative = minimum is None or minimum < 0
        self.keys["."] = self._add(grid, ".", 3, 0)
        self.keys["0"] = self._add(grid, "0", 3, 1)
        self.keys["⌫"] = self._add(grid, "⌫", 3, 2)
        self.clear_button = _key()
        self.clear_button.clicked.connect(self._clear_key)
        self.minus_button = _key("−") if negative else None
        if self.minus_button is not None:
            self.minus_button.clicked.connect(self._minus)
        left = QVBoxLayout()
        left.setSpacing(8)
        shown = QHBoxLayout()
        shown.addWidget(self.display, 1)
        shown.addWidget(self.unit_label)
        left.addLayout(shown)
        left.addWidget(self.note)
        tools = QHBoxLayout()
        if self.minus_button is not None:
            tools.addWidget(self.minus_button)
        tools.addWidget(self.clear_button)
        left.addLayout(tools)
        left.addStretch(1)
        self.box = QHBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(24)
        self.box.addLayout(left, 1)
        self.box.addLayout(grid, 1)
        self.retranslate()

    def _add(self, grid: QGridLayout, key: str, row: int, col: int) -> QPushButton:
        button = _key(key)
        button.clicked.connect(lambda _c=False, k=key: self.press(k))
        grid.addWidget(button, row, col)
        return button

    def press(self, key: str) -> None:
        """One key: a digit, "." or "⌫" (backspace)."""
        if key == "⌫":
            self._set(self.text[:-1])
            return
        if key == "." and "." in self.text:
            return
        candidate = ("0." if key == "." and self.text in ("", "-") else self.text + key)
        if digit_count(candidate) > MAX_DIGITS:
            self.note.setText(_(MSG_TOO_MANY_DIGITS).format(digits=MAX_DIGITS,
                                                            count=digit_count(candidate)))
            return
        number = self._number(candidate)
        if number is not None and self.maximum is not None and number > Decimal(str(self.maximum)):
            self.note.setText(_(MSG_ABOVE_MAX).format(maximum=plain(Decimal(str(self.maximum)))))
            return
        self._set(candidate)

    def _minus(self) -> None:
        self._set(self.text[1:] if self.text.startswith("-") else "-" + self.text)

    def _clear_key(self) -> None:
        self._set("")

    @staticmethod
    def _number(text: str) -> Decimal | None:
        try:
            return parse_decimal(text.rstrip("."))
        except (ValueError, InvalidOperation):
            return None

    def _set(self, text: str) -> None:
        self.text = text
        self.note.clear()
        self.display.setText(text)
        self.changed.emit()

    def value(self) -> Any:
        number = self._number(self.text)
        return None if number is None else json_number(number)

    def set_value(self, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self._set("")
            return
        self._set(plain(Decimal(repr(value)) if isinstance(value, float) else Decimal(value)))

    def set_large(self, on: bool) -> None:
        super().set_large(on)
        for button in (*self.keys.values(), self.clear_button, self.minus_button):
            if button is not None:
                button.setMinimumHeight(LARGE_KEY_HEIGHT if on else KEY_HEIGHT)

    def retranslate(self) -> None:
        super().retranslate()
        self.display.setAccessibleName(convert_policy_text(self.label))
        self.unit_label.setText(convert_policy_text(self.unit) if self.unit else "")
        self.unit_label.setVisible(bool(self.unit))
        self.clear_button.setText(_(MSG_CLEAR))
        self.clear_button.setAccessibleName(_(MSG_CLEAR))
        self.keys["⌫"].setAccessibleName(_(MSG_BACKSPACE))
        self.keys["."].setAccessibleName(_(MSG_POINT))
        if self.minus_button is not None:
            self.minus_button.setAccessibleName(_(MSG_MINUS))


# -- dates -----------------------------------------------------------------------------------------

class DateSteppers(TouchEditor):
    """A date set with + / − under year, month and day (no keyboard). Unset until the first tap,
    which starts from ``start`` (today)."""

    PARTS = (("year", MSG_YEAR), ("month", MSG_MONTH), ("day", MSG_DAY))

    def __init__(self, label: str, start: dt.date | None = None, parent=None):
        super().__init__(label, parent)
        self.start = start or dt.date.today()
        self.date: dt.date | None = None
        self.values: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        self.steps: dict[tuple[str, int], QPushButton] = {}
        self.unset_note = QLabel()
        self.unset_note.setObjectName("unit")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.unset_note)
        row = QHBoxLayout()
        outer.addLayout(row)
        row.setSpacing(24)
        for part, _caption in self.PARTS:
            column = QVBoxLayout()
            column.setSpacing(6)
            more = _key("+", "stepper")
            less = _key("−", "stepper")
            more.clicked.connect(lambda _c=False, p=part: self.step(p, 1))
            less.clicked.connect(lambda _c=False, p=part: self.step(p, -1))
            shown = QLabel()
            shown.setObjectName("dateValue")
            shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = QLabel()
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(more)
            column.addWidget(shown)
            column.addWidget(caption)
            column.addWidget(less)
            row.addLayout(column, 1)
            self.values[part], self.captions[part] = shown, caption
            self.steps[(part, 1)], self.steps[(part, -1)] = more, less
        self.retranslate()

    def step(self, part: str, by: int) -> None:
        if self.date is None:                 # the first tap picks the starting date itself
            self.date = self.start
            self._show()
            self.changed.emit()
            return
        y, m, d = self.date.year, self.date.month, self.date.day
        if part == "year":
            y = min(LAST_YEAR, max(FIRST_YEAR, y + by))
        elif part == "month":
            m = (m - 1 + by) % 12 + 1
        else:
            days = _days_in(y, m)
            d = (d - 1 + by) % days + 1
        self.date = dt.date(y, m, min(d, _days_in(y, m)))
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        date = self.date
        self.values["year"].setText(str(date.year) if date else "—")
        self.values["month"].setText(str(date.month) if date else "—")
        self.values["day"].setText(str(date.day) if date else "—")
        self.unset_note.setText("" if date else _(MSG_DATE_UNSET))
        self.unset_note.setVisible(date is None)

    def value(self) -> Any:
        return self.date.isoformat() if self.date else None

    def set_value(self, value: Any) -> None:
        try:
            self.date = dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            self.date = None
        self._show()

    def problem(self) -> str | None:
        return None

    def set_large(self, on: bool) -> None:
        super().set_large(on)
        for button in self.steps.values():
            button.setMinimumHeight(LARGE_KEY_HEIGHT if on else KEY_HEIGHT)

    def retranslate(self) -> None:
        super().retranslate()
        for part, caption in self.PARTS:
            self.captions[part].setText(_(caption))
            self.steps[(part, 1)].setAccessibleName(_(MSG_MORE).format(part=_(caption)))
            self.steps[(part, -1)].setAccessibleName(_(MSG_LESS).format(part=_(caption)))
        self._show()


def _days_in(year: int, month: int) -> int:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


# -- text ------------------------------------------------------------------------------------------

class TextInput(TouchEditor):
    """A large line edit (the system's touch keyboard appears for it)."""

    def __init__(self, label: str, parent=None):
        super().__init__(label, parent)
        self.edit = QLineEdit()
        self.edit.setObjectName("touchText")
        self.edit.setMaxLength(MAX_NAME)
        self.edit.setClearButtonEnabled(False)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        row = QVBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit)
        self.retranslate()

    def value(self) -> Any:
        text = self.edit.text().strip()
        return text or None

    def set_value(self, value: Any) -> None:
        self.edit.setText(value if isinstance(value, str) else "")

    def retranslate(self) -> None:
        super().retranslate()
        self.edit.setAccessibleName(convert_policy_text(self.label))


# -- which editor for which fact -------------------------------------------------------------------

def choices_for(spec: FactSpec, path: str) -> list[tuple[Any, str]]:
    """(value, label) of a closed list, labelled as the profile form labels it."""
    if spec.kind == "boolean":
        return [(True, MSG_YES), (False, MSG_NO)]
    return list(enum_labels(path, spec.enum).items())


def editor_for(spec: FactSpec, path: str, label: str, unit: str | None,
               today: dt.date | None = None) -> TouchEditor | None:
    """The touch editor of one fact (``path``: its generic path, for the value labels); None for a
    fact the kiosk cannot take by touch (a list of free text)."""
    if spec.kind in ("enum", "boolean"):
        return ChoiceGrid(label, choices_for(spec, path))
    if spec.kind == "number":
        return NumberPad(label, unit, spec.minimum, spec.maximum)
    if spec.kind == "date":
        return DateSteppers(label, today)
    if spec.kind == "string":
        return TextInput(label)
    if spec.kind == "key_list" and spec.enum:
        return ChoiceGrid(label, choices_for(spec, path), multi=True, none_label=MSG_NONE_OF_THESE)
    if spec.kind == "list":
        # A record (a standard, a loan…) has several fields of its own: by touch, the kiosk takes
        # the common answer "none"; records are entered on the desktop form.
        return ChoiceGrid(label, [([], MSG_NO_ROWS)])
    return None


def shown_value(spec: FactSpec | None, path: str, value: Any, unit: str | None = None) -> str:
    """An answer in words for the review: 是, 罗湖区, 800 千瓦, 2024-03-01, 无."""
    if value is None:
        return _(MSG_NO_KEYS)
    if spec is not None and spec.kind == "boolean":
        return _(MSG_YES) if value else _(MSG_NO)
    if spec is not None and spec.kind in ("enum", "key_list") and spec.enum:
        labels = enum_labels(path, spec.enum)
        items = value if isinstance(value, list) else [value]
        if not items:
            return _(MSG_NO_ROWS)
        return "、".join(convert_policy_text(labels.get(v, str(v))) for v in items)
    if isinstance(value, list):
        return _(MSG_NO_ROWS) if not value else str(len(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = plain(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
        return f"{number} {convert_policy_text(unit)}" if unit else number
    return str(value)
