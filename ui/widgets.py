"""Small field widgets for the profile forms: one per kind of value in the profile format.

Every widget has the same small API, so the form treats them alike:

- ``value()``: the JSON-ready value (int, float, str, bool, list …) or ``None`` when empty, and
  also ``None`` when the text cannot be read (then ``raw_problem()`` says why);
- ``set_value(value)``: shows a stored value (``None`` clears);
- ``raw_problem()``: a Chinese message for text that cannot be read as this kind of value
  (letters in a number, 2024-02-30 in a date), else ``None``. The text itself is never changed;
- ``changed``: emitted on every change of what the widget shows (typed or set);
- ``retranslate()``: re-sets the widget's own texts in the current language.

Labels of closed-list values are Chinese data strings (the schema's and the policies' words):
they are shown through ``convert_policy_text``. Text the user typed is shown as typed, always.

Numbers are read with ``Decimal`` and stored exactly: an int when whole (320 万元 → 3200000),
otherwise a float made from the exact decimal (0.12).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _, convert_policy_text

WAN = Decimal(10000)
PERCENT = Decimal("0.01")

MSG_UNSET = N_("未填写")
MSG_YES = N_("是")
MSG_NO = N_("否")
# TRANSLATORS: a value read from a file that the list of choices does not know; {value} as stored
MSG_UNKNOWN_VALUE = N_("（未知的值：{value}）")
# TRANSLATORS: {text} is what the user typed, shown as typed
MSG_NOT_A_NUMBER = N_("应填写数字，如 800 或 12.5；填写的是“{text}”")
MSG_NOT_A_DATE = N_("应按 YYYY-MM-DD 填写日期，如 2024-03-01；填写的是“{text}”")
MSG_NO_SUCH_DAY = N_("日历上没有这一天：“{text}”")
# TRANSLATORS: {digits} is MAX_DIGITS; {count} how many digits were typed
MSG_TOO_MANY_DIGITS = N_("数字位数过多：最多 {digits} 位数字，填写了 {count} 位")
MSG_ADD_ROW = N_("添加一行")
# The answer "none" for a list ([]), distinct from not answered (absent): issue 14.
MSG_NONE_OF_THESE = N_("以上都没有")
MSG_NO_ROWS = N_("没有（无此类记录）")
MSG_REMOVE_ROW = N_("删除所选行")
# TRANSLATORS: a problem in one cell of a table; {row} is the row number from 1
MSG_CELL_PROBLEM = N_("第 {row} 行“{column}”：{problem}")
MSG_UNIT_WAN = N_("万元")
MSG_UNIT_YUAN = N_("元")
# TRANSLATORS: one field of one item of a list, e.g. 主导或参与制定、修订的标准 第 2 行 标准发布日期
MSG_ROW_FIELD = N_("{list} 第 {row} 行 {field}")
# TRANSLATORS: what a screen reader says for a list's button, e.g. 主导或参与制定、修订的标准：添加一行
MSG_LIST_ACTION = N_("{list}：{action}")

# Plain decimals, optional sign; grouping commas only in groups of three (so "1,5" is not 15).
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# No company quantity needs more than 15 digits (10^15 kWh or 万元 is far beyond any SME), and
# the engine's decimal arithmetic fails on numbers near 10^29: a longer entry is refused here,
# visibly, before it can reach the engine. Leading zeros do not count. MAX_TEXT caps what a field
# holds at all (a paste of thousands of digits), generously above a 15-digit number with a sign,
# separators and a decimal point, so the over-long entry is still seen and named, not cut.
MAX_DIGITS = 15
MAX_TEXT = 40


# -- reading and writing numbers -----------------------------------------------------------------

def _normalize(text: str) -> str:
    """Full-width digits and punctuation from an input method read as ASCII; spaces dropped."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class TooManyDigits(ValueError):
    """A number with more than MAX_DIGITS digits; ``count`` is how many."""

    def __init__(self, text: str, count: int):
        super().__init__(text)
        self.count = count


def digit_count(text: str) -> int:
    """Digits of a plain number as typed, leading zeros not counted ("007.50" → 4)."""
    return len(re.sub(r"\D", "", text).lstrip("0"))


def parse_decimal(text: str) -> Decimal | None:
    """The number in ``text`` (None when empty); ValueError when it is not a plain number,
    TooManyDigits (a ValueError) when it has more than MAX_DIGITS digits."""
    t = _normalize(text)
    if not t:
        return None
    if _GROUPED.fullmatch(t):
        t = t.replace(",", "")
    if not _NUMBER.fullmatch(t):
        raise ValueError(text)
    count = digit_count(t)
    if count > MAX_DIGITS:
        raise TooManyDigits(text, count)
    return Decimal(t)


def to_decimal(value) -> Decimal:
    """A stored number as the exact decimal it was written as (floats by their shortest repr)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def json_number(number: Decimal) -> int | float:
    """An exact decimal as JSON stores it: int when whole, else the float that prints as it."""
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def plain(number: Decimal) -> str:
    """A decimal written out in full, without exponent or trailing zeros: 3.2E+6 → 3200000."""
    if number == 0:
        return "0"
    text = format(number.normalize(), "f")
    return text


def is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def number_problem(text: str) -> str | None:
    try:
        parse_decimal(text)
    except TooManyDigits as exc:
        return _(MSG_TOO_MANY_DIGITS).format(digits=MAX_DIGITS, count=exc.count)
    except (ValueError, InvalidOperation):
        return _(MSG_NOT_A_NUMBER).format(text=text.strip())
    return None


def date_problem(text: str) -> str | None:
    t = unicodedata.normalize("NFKC", text).strip()
    if not t:
        return None
    if not _DATE.fullmatch(t):
        return _(MSG_NOT_A_DATE).format(text=text.strip())
    try:
        dt.date.fromisoformat(t)
    except ValueError:
        return _(MSG_NO_SUCH_DAY).format(text=text.strip())
    return None


def problem_for(kind: str, text: str) -> str | None:
    """The message for text typed into a field of ``kind`` (number, money, percent, date)."""
    return date_problem(text) if kind == "date" else number_problem(text)


def field_rows(box: QWidget) -> QFormLayout:
    """The rows of labelled fields in a group box, as the form and the guided steps lay them out:
    a field too wide beside its label goes under it, and fields take the width they are given."""
    rows = QFormLayout(box)
    rows.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return rows


# The widest a form's label column gets, in characters of its font (统一社会信用代码 is 8).
LABEL_COLUMN_EM = 10


def cap_label_column(labels: list[QLabel]) -> None:
    """One label column as wide as the widest label but at most LABEL_COLUMN_EM characters,
    longer labels wrapped: some conditions are whole sentences (本单位建设绿色低碳领域学科或碳中和
    技术学院…), and a column as wide as those left the company name a 30-pixel box at 1366×768.
    Widths from the font, so scaling and the text size work."""
    if not labels:
        return
    cap = labels[0].fontMetrics().horizontalAdvance("汉" * LABEL_COLUMN_EM)
    width = min(max(label.fontMetrics().horizontalAdvance(label.text()) + 2 for label in labels), cap)
    for label in labels:
        label.setWordWrap(True)
        label.setFixedWidth(width)


def width_short(scroll: QScrollArea) -> int:
    """How many pixels a scroll area's content lacks to fit its width (0 when it fits): the
    main window widens the pane of the form or the guided questions by that much."""
    content = scroll.widget()
    if content is None:
        return 0
    # The viewport's width already leaves out a shown vertical scroll bar.
    return max(0, content.minimumSizeHint().width() - scroll.viewport().width())


def set_problem_mark(widget: QWidget, message: str | None, tooltip: str = "") -> None:
    """Mark a widget as in error (dynamic property ``problem``, drawn by the form's style sheet)."""
    flag = message is not None
    # WORKAROUND: the flag is remembered on the Python side. With PySide6 6.12 on Python 3.11,
    # every call that returns None (property() of an unset name, any void method) drops a
    # reference to None, and marks are re-applied after every keystroke; see ProfileForm.
    if getattr(widget, "_problem_flag", False) != flag:
        widget._problem_flag = flag
        widget.setProperty("problem", flag)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
    parts = [p for p in (message, tooltip) if p]
    text = "\n\n".join(parts)
    if widget.toolTip() != text:
        widget.setToolTip(text)


# -- text fields ---------------------------------------------------------------------------------

class TextEdit(QLineEdit):
    """Free text (names, codes): stored with surrounding spaces trimmed; empty is absent."""
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.textChanged.connect(self.changed)

    def value(self) -> str | None:
        return self.text().strip() or None

    def set_value(self, value) -> None:
        self.setText("" if value is None else str(value))

    def raw_problem(self) -> str | None:
        return None

    def retranslate(self) -> None:
        pass


class NumberEdit(QLineEdit):
    """A number typed as text; ``scale`` turns what is typed into what is stored (value = typed × scale)."""
    changed = Signal()
    kind = "number"

    def __init__(self, parent=None, scale: Decimal | int = 1):
        super().__init__(parent)
        self._scale = Decimal(scale)
        self.setMaxLength(MAX_TEXT)
        self.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        self.textChanged.connect(self.changed)

    def value(self) -> int | float | None:
        try:
            number = parse_decimal(self.text())
        except (ValueError, InvalidOperation):
            return None
        if number is None:
            return None
        with localcontext() as ctx:
            ctx.prec = 60
            return json_number(number * self._scale)

    def set_value(self, value) -> None:
        if value is None:
            self.setText("")
        elif is_number(value) and to_decimal(value).is_finite():
            with localcontext() as ctx:
                ctx.prec = 60
                self.setText(plain(to_decimal(value) / self._scale))
        else:                       # not a number (a damaged file): shown as it is, flagged
            self.setText(str(value))

    def raw_problem(self) -> str | None:
        return number_problem(self.text())

    def retranslate(self) -> None:
        pass


class PercentEdit(NumberEdit):
    """A fraction typed as a percentage: 12 → 0.12."""
    kind = "percent"

    def __init__(self, parent=None):
        super().__init__(parent, PERCENT)

    def raw_problem(self) -> str | None:
        return number_problem(self.text())


class MoneyEdit(NumberEdit):
    """Money typed in 万元 or 元, always stored in yuan."""
    kind = "money"

    def __init__(self, parent=None, unit: str = "wan"):
        super().__init__(parent, WAN if unit == "wan" else 1)
        self._unit = unit

    def unit(self) -> str:
        return self._unit

    def unit_text(self) -> str:
        return _(MSG_UNIT_WAN) if self._unit == "wan" else _(MSG_UNIT_YUAN)

    def set_unit(self, unit: str) -> None:
        """Show the same stored yuan in the other unit; text that cannot be read stays as typed."""
        if unit not in ("wan", "yuan"):
            raise ValueError(f"unit must be 'wan' or 'yuan', not {unit!r}")
        if unit == self._unit:
            return
        readable = self.raw_problem() is None
        stored = self.value()
        self._unit = unit
        self._scale = WAN if unit == "wan" else Decimal(1)
        if readable and stored is not None:
            self.set_value(stored)


class DateEdit(QLineEdit):
    """A date as YYYY-MM-DD text; may stay empty (a QDateEdit cannot)."""
    changed = Signal()
    kind = "date"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setPlaceholderText("YYYY-MM-DD")
        self.textChanged.connect(self.changed)

    def value(self) -> str | None:
        t = unicodedata.normalize("NFKC", self.text()).strip()
        if not t or date_problem(t):
            return None
        return t

    def set_value(self, value) -> None:
        self.setText("" if value is None else str(value))

    def raw_problem(self) -> str | None:
        return date_problem(self.text())

    def retranslate(self) -> None:
        self.setPlaceholderText("YYYY-MM-DD")


# -- choices -------------------------------------------------------------------------------------

class _Combo(QComboBox):
    """A combo of fixed choices; the first is always 未填写 (None). Wheel only when focused."""
    changed = Signal()

    def __init__(self, values: list, labels: list[str], parent=None):
        super().__init__(parent)
        self._values: list = [None, *values]
        self._labels: list[str] = [MSG_UNSET, *labels]
        self._translate_label = [True] + [False] * len(values)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for _i in self._values:
            self.addItem("")
        self.retranslate()
        self.currentIndexChanged.connect(self.changed)

    def _text(self, i: int) -> str:
        return _(self._labels[i]) if self._translate_label[i] else convert_policy_text(self._labels[i])

    def retranslate(self) -> None:
        for i in range(len(self._values)):
            self.setItemText(i, self._text(i))

    def value(self):
        i = self.currentIndex()
        return self._values[i] if 0 <= i < len(self._values) else None

    def set_value(self, value) -> None:
        for i, v in enumerate(self._values):
            if v == value and type(v) is type(value):
                self.setCurrentIndex(i)
                return
        # A value the list does not know (a damaged file): kept and shown, never replaced.
        self._values.append(value)
        self._labels.append(MSG_UNKNOWN_VALUE)
        self._translate_label.append(True)
        self.addItem("")
        self.setItemText(len(self._values) - 1, _(MSG_UNKNOWN_VALUE).format(value=value))
        self.setCurrentIndex(len(self._values) - 1)

    def raw_problem(self) -> str | None:
        return None

    def wheelEvent(self, event) -> None:        # noqa: N802 - Qt's name
        # Scrolling the form over a combo must not change an answer behind the user's back.
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class TriStateCombo(_Combo):
    """Yes / no / not given: 未填写 is absent, never False."""

    def __init__(self, parent=None):
        super().__init__([True, False], [MSG_YES, MSG_NO], parent)
        self._translate_label = [True, True, True]
        self.retranslate()


class EnumCombo(_Combo):
    """One value of a closed list, shown by its Chinese label; 未填写 is absent."""

    def __init__(self, values, labels: dict[str, str], parent=None):
        values = list(values)
        super().__init__(values, [labels.get(v, v) for v in values], parent)


class KeyListEdit(QListWidget):
    """Several values of a closed list, as check boxes in a list (space toggles).

    The order of the stored list is kept: values already in the file stay where they were and
    newly ticked ones are added at the end, so an untouched list reads back exactly. The last row,
    以上都没有, is the answer "none" (``[]``); nothing ticked at all is "not answered" (absent).
    """
    changed = Signal()

    def __init__(self, values, labels: dict[str, str], parent=None):
        super().__init__(parent)
        self._keys: list[str] = []
        self._labels: dict[str, str] = dict(labels)
        self._order: list = []
        self._loading = False
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        for v in values:
            self._add(v)
        self._none = QListWidgetItem()
        self._none.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                            | Qt.ItemFlag.ItemIsSelectable)
        self._none.setCheckState(Qt.CheckState.Unchecked)
        self._none.setData(Qt.ItemDataRole.UserRole, -1)
        self.addItem(self._none)
        self.itemChanged.connect(self._item_changed)
        self.retranslate()

    def _add(self, key) -> QListWidgetItem:
        item = QListWidgetItem()
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                      | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(Qt.CheckState.Unchecked)
        item.setData(Qt.ItemDataRole.UserRole, len(self._keys))
        self._keys.append(key)
        none = getattr(self, "_none", None)
        if none is not None:                 # values found in a file go above 以上都没有
            self.insertItem(self.row(none), item)
        else:
            self.addItem(item)
        return item

    def _label(self, key) -> str:
        if key in self._labels:
            return convert_policy_text(self._labels[key])
        return _(MSG_UNKNOWN_VALUE).format(value=key)

    def set_accessible_label(self, label: str) -> None:
        """The list's name for screen readers: its field's label, never the ticked values."""
        self.setAccessibleName(label)

    def retranslate(self) -> None:
        self._loading = True
        try:
            for row, key in enumerate(self._keys):
                self.item(row).setText(self._label(key))
            self._none.setText(_(MSG_NONE_OF_THESE))
        finally:
            self._loading = False
        self._fit_height()

    def _fit_height(self) -> None:
        rows = self.count()
        row = self.sizeHintForRow(0) if rows else self.fontMetrics().height()
        self.setFixedHeight(max(1, rows) * row + 2 * self.frameWidth() + 2)

    def changeEvent(self, event) -> None:       # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_height()

    def _item_changed(self, item: QListWidgetItem) -> None:
        if self._loading:
            return
        checked = item.checkState() == Qt.CheckState.Checked
        if item is self._none:
            if checked:                       # "none" clears every value
                self._loading = True
                try:
                    for row in range(len(self._keys)):
                        self.item(row).setCheckState(Qt.CheckState.Unchecked)
                finally:
                    self._loading = False
                self._order = []
            self.changed.emit()
            return
        if checked and self._none.checkState() == Qt.CheckState.Checked:
            self._loading = True
            try:
                self._none.setCheckState(Qt.CheckState.Unchecked)
            finally:
                self._loading = False
        key = self._keys[item.data(Qt.ItemDataRole.UserRole)]
        if checked and key not in self._order:
            self._order.append(key)
        elif not checked and key in self._order:
            self._order = [k for k in self._order if k != key]
        self.changed.emit()

    def value(self) -> list | None:
        if self._order:
            return list(self._order)
        return [] if self._none.checkState() == Qt.CheckState.Checked else None

    def set_value(self, value) -> None:
        values = list(value) if isinstance(value, list) else []
        self._loading = True
        try:
            for v in values:
                if v not in self._keys:
                    self._add(v).setText(self._label(v))
            self._order = values
            for row, key in enumerate(self._keys):
                self.item(row).setCheckState(Qt.CheckState.Checked if key in values
                                             else Qt.CheckState.Unchecked)
            self._none.setCheckState(Qt.CheckState.Checked if value == [] else Qt.CheckState.Unchecked)
        finally:
            self._loading = False
        self._fit_height()
        self.changed.emit()

    def raw_problem(self) -> str | None:
        return None

    def item_for(self, key) -> QListWidgetItem | None:
        return self.item(self._keys.index(key)) if key in self._keys else None

    def none_item(self) -> QListWidgetItem:
        """The 以上都没有 row: ticked, the list is answered "none" ([])."""
        return self._none


# -- lists of objects ----------------------------------------------------------------------------

@dataclass
class Column:
    """One field of the items of a list: how it is edited and labelled."""
    name: str                          # published_on
    label: str                         # 标准发布日期 (Chinese data string)
    kind: str                          # string number money date enum boolean
    values: tuple = ()                 # for enum
    value_labels: dict = field(default_factory=dict)
    unit: str | None = None            # 千瓦 …; money columns show 万元 / 元


class ItemTableEdit(QWidget):
    """A compact editor for a list of objects: one row per item, one column per item field.

    Each cell holds a small field widget (combos for closed lists, text for dates), so the cells
    are reachable with Tab. Keys of an item that no column shows are kept with the row.
    """
    changed = Signal()

    def __init__(self, columns: list[Column], parent=None, money_unit: str = "wan"):
        super().__init__(parent)
        self.columns = list(columns)
        self._money_unit = money_unit
        self._rows: list[dict[str, QWidget]] = []
        self._extras: list[dict] = []
        self._loading = False
        self._accessible_label = ""          # the field's label (set_accessible_label)

        self.table = QTableWidget(0, len(self.columns), self)
        self.table.setTabKeyNavigation(False)
        # Not a Tab stop of its own: Tab goes through the cells, then the buttons (the table's
        # name is still its field's label, for screen readers reading the cells' container).
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.add_button = QPushButton(self)
        self.remove_button = QPushButton(self)
        # The answer "none" ([]), distinct from not answered (no rows, box unticked).
        self.none_box = QCheckBox(self)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_selected_row)
        self.none_box.toggled.connect(self._none_toggled)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        # On a line of its own: beside the buttons the row was wider than the form's pane at 150%
        # scaling on a 1366×768 laptop, and the whole form scrolled sideways.
        layout.addWidget(self.none_box)
        self.retranslate()
        self._update_buttons()

    # texts
    def _header(self, column: Column) -> str:
        label = convert_policy_text(column.label)
        if column.kind == "money":
            unit = _(MSG_UNIT_WAN) if self._money_unit == "wan" else _(MSG_UNIT_YUAN)
        elif column.unit:
            unit = convert_policy_text(column.unit)
        elif column.kind == "date":
            unit = "YYYY-MM-DD"
        else:
            unit = None
        return f"{label}（{unit}）" if unit else label

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([self._header(c) for c in self.columns])
        self.add_button.setText(_(MSG_ADD_ROW))
        self.remove_button.setText(_(MSG_REMOVE_ROW))
        self.none_box.setText(_(MSG_NO_ROWS))
        for row in self._rows:
            for w in row.values():
                w.retranslate()
        self._name_widgets()
        self._fit_height()

    def set_accessible_label(self, label: str) -> None:
        """Name the table, its buttons and every cell after the field's label (screen readers
        otherwise read a cell's value, or nothing)."""
        self._accessible_label = label
        self._name_widgets()

    def _name_widgets(self) -> None:
        label = self._accessible_label
        if not label:
            return
        self.table.setAccessibleName(label)
        for button in (self.add_button, self.remove_button, self.none_box):
            button.setAccessibleName(_(MSG_LIST_ACTION).format(list=label, action=button.text()))
        for r, widgets in enumerate(self._rows):
            for column in self.columns:
                widgets[column.name].setAccessibleName(_(MSG_ROW_FIELD).format(
                    list=label, row=r + 1, field=self._header(column)))

    def set_money_unit(self, unit: str) -> None:
        self._money_unit = unit
        for row in self._rows:
            for w in row.values():
                if isinstance(w, MoneyEdit):
                    w.set_unit(unit)
        self.retranslate()

    # rows
    def _editor(self, column: Column) -> QWidget:
        if column.kind == "enum":
            return EnumCombo(column.values, column.value_labels)
        if column.kind == "boolean":
            return TriStateCombo()
        if column.kind == "date":
            return DateEdit()
        if column.kind == "money":
            return MoneyEdit(unit=self._money_unit)
        if column.kind == "number":
            return NumberEdit()
        return TextEdit()

    def _append_row(self, item: dict | None) -> None:
        row_index = self.table.rowCount()
        self.table.insertRow(row_index)
        widgets: dict[str, QWidget] = {}
        item = item if isinstance(item, dict) else {}
        for col, column in enumerate(self.columns):
            w = self._editor(column)
            if column.name in item:
                w.set_value(item[column.name])
            w.changed.connect(self._cell_changed)
            self.table.setCellWidget(row_index, col, w)
            widgets[column.name] = w
        self._rows.append(widgets)
        self._extras.append({k: v for k, v in item.items()
                             if k not in {c.name for c in self.columns}})

    def _none_toggled(self, checked: bool) -> None:
        if self._loading:
            return
        if checked and self._rows:           # "none" and rows cannot both be the answer
            self._loading = True
            try:
                self.table.setRowCount(0)
                self._rows, self._extras = [], []
            finally:
                self._loading = False
            self._fit_height()
            self._update_buttons()
        self.changed.emit()

    def add_row(self) -> None:
        if self.none_box.isChecked():
            self._loading = True
            try:
                self.none_box.setChecked(False)
            finally:
                self._loading = False
        self._append_row(None)
        self._name_widgets()
        self._fit_height()
        self._update_buttons()
        self.table.selectRow(self.table.rowCount() - 1)
        first = self._rows[-1][self.columns[0].name] if self.columns else None
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def remove_selected_row(self) -> None:
        row = self.current_row()
        if row is None:
            return
        self.table.removeRow(row)
        del self._rows[row]
        del self._extras[row]
        self._name_widgets()              # the rows below moved up: their numbers changed
        self._fit_height()
        self._update_buttons()
        if self._rows:
            self.table.selectRow(min(row, len(self._rows) - 1))
        self.changed.emit()

    def current_row(self) -> int | None:
        focus = self.focusWidget()
        for i, row in enumerate(self._rows):
            if focus is not None and any(w is focus or w.isAncestorOf(focus) for w in row.values()):
                return i
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return rows[0].row()
        current = self.table.currentRow()
        return current if 0 <= current < len(self._rows) else None

    def _cell_changed(self) -> None:
        if not self._loading:
            self.changed.emit()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self._rows))

    def _fit_height(self) -> None:
        self.table.resizeRowsToContents()
        height = self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
        for r in range(self.table.rowCount()):
            height += self.table.rowHeight(r)
        if self.table.horizontalScrollBar().isVisible():
            height += self.table.horizontalScrollBar().sizeHint().height()
        self.table.setFixedHeight(height + 2)

    def changeEvent(self, event) -> None:       # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_height()

    # the field-widget API
    def value(self) -> list | None:
        if not self._rows:
            return [] if self.none_box.isChecked() else None
        out = []
        for widgets, extra in zip(self._rows, self._extras, strict=True):
            item = dict(extra)
            for column in self.columns:
                v = widgets[column.name].value()
                if v is not None:
                    item[column.name] = v
            out.append(item)
        return out

    def set_value(self, value) -> None:
        self._loading = True
        try:
            self.table.setRowCount(0)
            self._rows, self._extras = [], []
            for item in value if isinstance(value, list) else []:
                self._append_row(item)
            self.none_box.setChecked(value == [])
        finally:
            self._loading = False
        self._name_widgets()
        self._fit_height()
        self._update_buttons()
        self.changed.emit()

    def cell(self, row: int, name: str) -> QWidget | None:
        if 0 <= row < len(self._rows):
            return self._rows[row].get(name)
        return None

    def row_count(self) -> int:
        return len(self._rows)

    def cell_problems(self) -> list[tuple[int, Column, str]]:
        """(row, column, message) for every cell whose text cannot be read."""
        out = []
        for r, widgets in enumerate(self._rows):
            for column in self.columns:
                problem = widgets[column.name].raw_problem()
                if problem:
                    out.append((r, column, problem))
        return out

    def raw_problem(self) -> str | None:
        problems = self.cell_problems()
        if not problems:
            return None
        return "\n".join(_(MSG_CELL_PROBLEM).format(row=r + 1, column=convert_policy_text(c.label),
                                                    problem=p) for r, c, p in problems)

    def focus_widgets(self) -> list[QWidget]:
        out = [w for row in self._rows for w in (row[c.name] for c in self.columns)]
        return out + [self.add_button, self.remove_button, self.none_box]


# The first-paint machinery lives in a light module of its own (as does the toolbar's as-of date
# field, ui/as_of_date.py), so that the window's frame can be made and painted without this
# module's field widgets; re-exported here for the code that has always imported it from here.
from ui.first_paint import (  # noqa: E402, F401
    first_paint_first,
    later,
    run_after_first_paint,
    run_steps,
)
