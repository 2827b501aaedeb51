"""Lists can be answered "none" (issue 14): [] is the answer none, absent is not answered."""
from __future__ import annotations

from PySide6.QtCore import Qt

from ui.widgets import Column, ItemTableEdit, KeyListEdit

CHECKED, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked


def test_a_key_list_tells_none_from_not_answered(qtbot):
    edit = KeyListEdit(["carbon_service", "energy_service"], {"carbon_service": "碳管理服务"})
    qtbot.addWidget(edit)
    assert edit.value() is None                         # nothing ticked: not answered
    edit.none_item().setCheckState(CHECKED)
    assert edit.value() == []                           # 以上都没有: the answer "none"
    edit.item_for("carbon_service").setCheckState(CHECKED)
    assert edit.value() == ["carbon_service"] and edit.none_item().checkState() == UNCHECKED
    edit.none_item().setCheckState(CHECKED)             # "none" clears the values
    assert edit.value() == [] and edit.item_for("carbon_service").checkState() == UNCHECKED
    edit.none_item().setCheckState(UNCHECKED)
    assert edit.value() is None


def test_a_key_list_reads_back_none_and_absent():
    edit = KeyListEdit(["a", "b"], {})
    edit.set_value([])
    assert edit.none_item().checkState() == CHECKED and edit.value() == []
    edit.set_value(None)
    assert edit.none_item().checkState() == UNCHECKED and edit.value() is None
    edit.set_value(["b"])
    assert edit.value() == ["b"] and edit.none_item().checkState() == UNCHECKED


def test_a_table_tells_none_from_not_answered(qtbot):
    table = ItemTableEdit([Column("measure_id", "措施编号", "string", (), {}, None)])
    qtbot.addWidget(table)
    assert table.value() is None
    table.none_box.setChecked(True)
    assert table.value() == []
    table.add_row()                                     # a row replaces "none"
    assert not table.none_box.isChecked() and table.value() == [{}]
    table.none_box.setChecked(True)                     # "none" removes the rows
    assert table.row_count() == 0 and table.value() == []
    table.set_value(None)
    assert not table.none_box.isChecked() and table.value() is None
    table.set_value([])
    assert table.none_box.isChecked() and table.value() == []
    assert table.none_box in table.focus_widgets()
