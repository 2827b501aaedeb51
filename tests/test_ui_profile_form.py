"""The profile form, driven through its widgets offscreen (ui/profile_form.py, ui/widgets.py).

CJK text goes in with QLineEdit.insert / setText: QTest.keyClicks cannot type it.
"""
from __future__ import annotations

import copy
import datetime as dt

import pytest
import shiboken6
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox

from core.i18n import convert_policy_text, set_language
from core.measures.vocabulary import PROJECT_TYPES
from core.profile import PROFILE_FORMAT, uscc_check_digit, validate_profile
from tests.refcounts import reference_change
from ui.widgets import (
    DateEdit,
    EnumCombo,
    ItemTableEdit,
    KeyListEdit,
    MoneyEdit,
    NumberEdit,
    PercentEdit,
    TextEdit,
    TriStateCombo,
)

AS_OF = dt.date(2025, 6, 30)          # 上一年度 = 2024; the form shows 2024, 2023, 2022

EXAMPLE = {   # the contract's example (docs/profile-format.md), plus a year the form does not show
    "format": PROFILE_FORMAT,
    "company": {
        "name": "深圳市示例科技有限公司",
        "uscc": "91440303MA5EXAMP1T",
        "district": "luohu",
        "entity_type": "enterprise",
        "independent_legal_person": True,
        "fields": ["new_energy", "clean_energy", "clean_energy.pv"],
        "business_lines": ["carbon_service"],
        "settled_in_district_on": "2024-03-01",
        "years": {
            "2024": {"revenue": 60000000, "in_statistics": True, "above_designated_size": True},
            "2019": {"revenue": 1234.5},
        },
        "standards": [
            {"level": "national", "role": "lead", "domain": "carbon_footprint", "published_on": "2024-05-10"},
        ],
    },
    "projects": [
        {
            "id": "p1", "name": "厂房屋顶分布式光伏", "type": "distributed_pv", "district": "luohu",
            "property": "social", "investment_actual": 3200000, "capacity_kw": 800,
            "pv_technology": "conventional", "grid_connected_on": "2024-03-01",
            "generation_kwh": {"2024": 900000, "2020": 750000},
        },
        {
            "id": "p2", "type": "energy_trusteeship", "public_building": True,
            "energy_saving_rate": 0.12, "trusteeship_area_m2": 42000,
        },
    ],
}


@pytest.fixture()
def form(qtbot, catalog):
    from ui.profile_form import ProfileForm
    f = ProfileForm(catalog.measures, catalog.documents)
    qtbot.addWidget(f)
    f.set_as_of(AS_OF)
    f.set_money_unit("wan")
    f.resize(1000, 900)
    f.show()
    yield f
    set_language("zh-Hans")
    shiboken6.delete(f)


def choose(combo, label: str) -> None:
    index = combo.findText(label)
    assert index >= 0, f"{label} not in the combo"
    combo.setCurrentIndex(index)


def labels_of(form, widget) -> list[str]:
    """The texts of the labels whose buddy is ``widget`` (a field's label, a year's caption)."""
    labels = [lab.text() for lab in form.findChildren(QLabel)
              if lab.buddy() is widget and lab.isVisibleTo(form)]
    assert labels, "the field has no label with it as buddy"
    return labels


def label_of(form, widget) -> QLabel:
    labels = [lab for lab in form.findChildren(QLabel) if lab.buddy() is widget and lab.isVisibleTo(form)]
    assert len(labels) == 1, "the field has no label with it as buddy"
    return labels[0]


def error_text(form, widget) -> str:
    """The text of the red message label of the field that holds ``widget``."""
    body = widget.parentWidget()
    while body is not None and not [lab for lab in body.findChildren(QLabel)
                                    if lab.property("role") == "error"]:
        body = body.parentWidget()
    assert body is not None
    return "\n".join(lab.text() for lab in body.findChildren(QLabel)
                     if lab.property("role") == "error" and lab.isVisibleTo(form))


def next_focus(widget):
    """The next widget Tab goes to (internal viewports and labels skipped)."""
    w = widget.nextInFocusChain()
    while not (w.focusPolicy() & Qt.FocusPolicy.TabFocus) or not w.isVisibleTo(widget.window()):
        w = w.nextInFocusChain()
    return w


def is_marked(widget) -> bool:
    return bool(widget.property("problem"))


# -- filling in ---------------------------------------------------------------------------------

def test_a_profile_filled_through_the_widgets(form, qtbot):
    with qtbot.waitSignal(form.changed):
        form.field_widget("company.name").insert("深圳市示例科技有限公司")
    choose(form.field_widget("company.district"), "罗湖区")
    form.field_widget("company.years.2024.revenue").setText("6000")          # 万元
    choose(form.field_widget("company.years.2024.in_statistics"), "是")

    form.add_project_button.click()
    choose(form.field_widget("project.type"), "分布式光伏")
    form.field_widget("project.name").insert("厂房屋顶分布式光伏")
    form.field_widget("project.capacity_kw").setText("800")
    form.field_widget("project.generation_kwh.2024").setText("900,000")
    form.field_widget("project.grid_connected_on").setText("2024-03-01")
    choose(form.field_widget("project.pv_technology"), "常规光伏")

    assert form.profile() == {
        "format": PROFILE_FORMAT,
        "company": {"name": "深圳市示例科技有限公司", "district": "luohu",
                    "years": {"2024": {"revenue": 60000000, "in_statistics": True}}},
        # a new project starts in the company's district (the user may change it)
        "projects": [{"id": "p1", "type": "distributed_pv", "name": "厂房屋顶分布式光伏",
                      "district": "luohu", "capacity_kw": 800, "generation_kwh": {"2024": 900000},
                      "grid_connected_on": "2024-03-01", "pv_technology": "conventional"}],
    }
    assert validate_profile(form.profile()) == []
    assert form.input_problems() == []


def test_yearly_fields_show_last_year_and_the_two_before(form):
    assert form.shown_years() == ["2024", "2023", "2022"]
    assert set(labels_of(form, form.field_widget("company.years.2024.revenue"))) == {
        "营收", "2024 年（上一年度）"}                   # the field's label and the year's caption
    assert labels_of(form, form.field_widget("company.years.2022.revenue")) == ["2022 年"]
    assert form.field_widget("company.years.2021.revenue") is None
    form.set_as_of(dt.date(2026, 1, 1))
    assert form.shown_years() == ["2025", "2024", "2023"]
    assert "2025 年（上一年度）" in labels_of(form, form.field_widget("company.years.2025.revenue"))


def test_the_contract_example_reads_back_exactly(form, qtbot):
    with qtbot.assertNotEmitted(form.changed):      # loading is not an edit
        form.set_profile(EXAMPLE)
        form.set_money_unit("yuan")
        form.set_as_of(dt.date(2024, 1, 1))
        form.set_as_of(AS_OF)
        form.set_money_unit("wan")
    assert form.profile() == EXAMPLE
    assert form.profile() is not EXAMPLE
    # every field the file holds is shown, the ones no measure of the type reads included
    assert form.field_widget("company.years.2024.revenue").text() == "6000"
    assert form.field_widget("project.trusteeship_area_m2", "p2").text() == "42000"
    assert form.field_widget("project.energy_saving_rate", "p2").text() == "12"       # percent
    assert form.field_widget("project.investment_actual", "p1").text() == "320"
    # years the form does not show are kept untouched, and said to be there
    form.field_widget("company.years.2024.revenue").setText("7000")
    data = form.profile()
    assert data["company"]["years"]["2019"] == {"revenue": 1234.5}
    assert data["company"]["years"]["2024"]["revenue"] == 70000000
    form.select_project("p1")
    form.field_widget("project.generation_kwh.2024").setText("1")
    assert form.profile()["projects"][0]["generation_kwh"] == {"2024": 1, "2020": 750000}
    form.tabs.setCurrentIndex(1)
    assert any("另有 2020 年" in lab.text() for lab in form.findChildren(QLabel) if lab.isVisibleTo(form))


def test_set_profile_does_not_keep_the_callers_dict(form):
    data = copy.deepcopy(EXAMPLE)
    form.set_profile(data)
    form.field_widget("company.name").setText("别的名字")
    assert data == EXAMPLE


def test_unknown_stays_absent(form):
    form.set_profile({"format": PROFILE_FORMAT, "company": {"name": "甲"}, "projects": []})
    combo = form.field_widget("company.independent_legal_person")
    assert isinstance(combo, TriStateCombo) and combo.currentText() == "未填写"
    form.field_widget("company.grid_voltage_kv").setText("10")
    form.field_widget("company.grid_voltage_kv").setText("")
    assert form.profile() == {"format": PROFILE_FORMAT, "company": {"name": "甲"}, "projects": []}
    choose(combo, "否")
    assert form.profile()["company"]["independent_legal_person"] is False
    choose(combo, "未填写")
    assert "independent_legal_person" not in form.profile()["company"]
    # an emptied year leaves no empty object behind
    form.field_widget("company.years.2024.revenue").setText("1")
    form.field_widget("company.years.2024.revenue").setText("")
    assert "years" not in form.profile()["company"]


def test_a_profile_without_projects_key_reads_back_without_it(form):
    data = {"format": PROFILE_FORMAT, "company": {}}
    form.set_profile(data)
    assert form.profile() == data


# -- round trips of generated profiles -------------------------------------------------------

DISTRICTS = ["futian", "luohu", "nanshan", "dapeng"]
FIELDS = ["energy_saving", "clean_energy", "clean_energy.pv", "new_energy"]
YEARS = ["2024", "2023", "2022", "2017"]
names = st.text(alphabet="深圳市示例科技有限公司光伏储能屋顶 abcXYZ123", min_size=1,
                max_size=12).map(str.strip).filter(bool)
amounts = st.one_of(st.integers(0, 10**12),
                    st.decimals(0, 10**9, places=2, allow_nan=False, allow_infinity=False).map(float))
quantities = st.one_of(st.integers(0, 10**7),
                       st.decimals(0, 10**5, places=3, allow_nan=False, allow_infinity=False).map(float))
dates = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
company_years = st.dictionaries(st.sampled_from(YEARS), st.fixed_dictionaries({}, optional={
    "revenue": amounts, "sales": amounts, "in_statistics": st.booleans()}), max_size=3)
companies = st.fixed_dictionaries({}, optional={
    "name": names, "district": st.sampled_from(DISTRICTS), "independent_legal_person": st.booleans(),
    "fields": st.lists(st.sampled_from(FIELDS), unique=True, max_size=3),
    "settled_in_district_on": dates, "years": company_years,
    "green_loans": st.lists(st.fixed_dictionaries({"issued_on": dates}, optional={"amount": amounts}),
                            max_size=2),
})
pv_projects = st.fixed_dictionaries({"type": st.just("distributed_pv")}, optional={
    "name": names, "capacity_kw": quantities, "pv_technology": st.sampled_from(["conventional", "thin_film"]),
    "grid_connected_on": dates,
    "generation_kwh": st.dictionaries(st.sampled_from(YEARS), quantities, max_size=3),
})
trusteeship_projects = st.fixed_dictionaries({"type": st.just("energy_trusteeship")}, optional={
    "public_building": st.booleans(),
    "energy_saving_rate": st.decimals(0, 1, places=4).map(float),
    "investment_total": amounts,
})


@st.composite
def profiles(draw):
    projects = draw(st.lists(st.one_of(pv_projects, trusteeship_projects), max_size=3))
    for i, p in enumerate(projects):
        p["id"] = f"p{i + 1}"
    return {"format": PROFILE_FORMAT, "company": draw(companies), "projects": projects}


def retype_everything(form) -> None:
    """Clear and re-enter the text of every visible input: display and reading must agree exactly."""
    def retype():
        for w in form.findChildren(QLineEdit):
            if isinstance(w, (TextEdit, NumberEdit, DateEdit)) and w.isVisibleTo(form) and w.text():
                text = w.text()
                w.setText("")
                w.setText(text)
    form.tabs.setCurrentIndex(0)
    retype()
    for i in range(form.project_list.count()):
        form.project_list.setCurrentRow(i)
        form.tabs.setCurrentIndex(1)
        retype()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=profiles(), unit=st.sampled_from(["wan", "yuan"]))
def test_generated_profiles_read_back_exactly_even_when_retyped(form, data, unit):
    assert validate_profile(data) == []
    form.set_money_unit(unit)
    form.set_profile(data)
    assert form.profile() == data
    retype_everything(form)
    assert form.profile() == data


# -- money ----------------------------------------------------------------------------------------

def test_money_unit_switch_keeps_the_stored_yuan(form):
    revenue = form.field_widget("company.years.2024.revenue")
    assert isinstance(revenue, MoneyEdit)
    revenue.setText("320.5")                         # 万元
    assert form.profile()["company"]["years"]["2024"]["revenue"] == 3205000
    form.set_money_unit("yuan")
    revenue = form.field_widget("company.years.2024.revenue")
    assert revenue.text() == "3205000"
    assert form.profile()["company"]["years"]["2024"]["revenue"] == 3205000
    revenue.setText("1234.56")                       # 元
    assert form.profile()["company"]["years"]["2024"]["revenue"] == 1234.56
    form.set_money_unit("wan")
    assert form.field_widget("company.years.2024.revenue").text() == "0.123456"
    assert form.profile()["company"]["years"]["2024"]["revenue"] == 1234.56
    assert any(lab.text() == "万元" for lab in form.findChildren(QLabel) if lab.isVisibleTo(form))


def test_money_widget_is_exact_and_whole_amounts_are_ints():
    w = MoneyEdit(unit="wan")
    w.setText("0.0001")
    assert w.value() == 1 and isinstance(w.value(), int)
    w.setText("１２３")                                 # full-width digits from an input method
    assert w.value() == 1230000
    w.setText("1,5")                                   # not a thousands group: refused, not 15
    assert w.value() is None and "1,5" in w.raw_problem()
    w.set_unit("yuan")
    assert w.text() == "1,5"                           # unreadable text is never rewritten
    w.setText("3,200,000")
    assert w.value() == 3200000
    w.set_unit("wan")
    assert w.text() == "320"
    w.deleteLater()


def test_percent_field_is_stored_as_a_fraction(form):
    form.add_project_button.click()
    choose(form.field_widget("project.type"), PROJECT_TYPES["energy_trusteeship"])
    rate = form.field_widget("project.energy_saving_rate")
    assert isinstance(rate, PercentEdit)
    rate.setText("12.5")
    assert form.profile()["projects"][0]["energy_saving_rate"] == 0.125
    rate.setText("150")
    assert is_marked(rate)                              # the schema's maximum 1, said inline
    assert "不能大于 1" in error_text(form, rate)


# -- problems ------------------------------------------------------------------------------------

def test_a_wrong_uscc_check_digit_is_marked_and_kept(form):
    uscc = form.field_widget("company.uscc")
    good = "91440303MA5EXAMP1" + uscc_check_digit("91440303MA5EXAMP1")
    wrong = good[:-1] + ("A" if good[-1] != "A" else "B")
    uscc.setText(wrong)
    assert uscc.text() == wrong
    assert is_marked(uscc)
    message = f"统一社会信用代码校验位不正确（应为 {good[-1]}）"
    assert message in uscc.toolTip()
    assert message in error_text(form, uscc)
    uscc.setText(good)
    assert not is_marked(uscc)
    assert error_text(form, uscc) == ""


def test_letters_in_a_number_are_kept_flagged_and_left_out(form):
    form.add_project_button.click()
    choose(form.field_widget("project.type"), "分布式光伏")
    capacity = form.field_widget("project.capacity_kw")
    capacity.setText("800")
    assert form.profile()["projects"][0]["capacity_kw"] == 800
    capacity.setText("80o")
    assert capacity.text() == "80o"
    assert is_marked(capacity)
    assert "应填写数字" in error_text(form, capacity) and "80o" in error_text(form, capacity)
    assert "capacity_kw" not in form.profile()["projects"][0]      # unknown, not a stale 800
    assert [p.path for p in form.input_problems()] == ["projects[0].capacity_kw"]
    # the text survives a rebuild of the form (another project, another money unit)
    form.add_project_button.click()
    form.select_project("p1")
    form.set_money_unit("yuan")
    capacity = form.field_widget("project.capacity_kw")
    assert capacity.text() == "80o" and is_marked(capacity)
    assert form.project_list.item(0).foreground().color().name() == "#b71c1c"
    capacity.setText("800")
    assert not is_marked(capacity) and form.input_problems() == []


def test_a_number_of_31_digits_is_refused_visibly_and_left_out(form):
    """Issue 15 item 5: such a number killed the kiosk in the engine; the field refuses it."""
    form.add_project_button.click()
    choose(form.field_widget("project.type"), "分布式光伏")
    generation = form.field_widget("project.generation_kwh.2024")
    generation.setText("9" * 31)
    assert generation.text() == "9" * 31                           # kept as typed, and named
    assert is_marked(generation) and "位数过多" in error_text(form, generation)
    assert "31" in error_text(form, generation)
    assert "generation_kwh" not in form.profile()["projects"][0]
    generation.setText("900,000,000,000,000")                      # 15 digits are a number
    assert "位数过多" not in error_text(form, generation)
    assert form.profile()["projects"][0]["generation_kwh"]["2024"] == 900_000_000_000_000
    # ... which the profile format bounds (no plant makes 10^12 kWh a year): named, not a crash
    assert is_marked(generation) and "1,000,000,000,000" in error_text(form, generation)
    generation.setText("900,000")
    assert not is_marked(generation)


@pytest.mark.parametrize("text, refused", [
    ("123456789012345", False), ("1234567890123456", True), ("0000000000000001.5", False),
    ("0.000000000000001", False), ("1" + "0" * 29, True), ("-99999999999999999", True),
])
def test_numbers_have_at_most_15_digits(qtbot, text, refused):
    edit = MoneyEdit()
    qtbot.addWidget(edit)
    edit.setText(text)
    assert (edit.raw_problem() is not None) == refused
    assert (edit.value() is None) == refused


def test_a_number_field_holds_no_more_than_a_bounded_text(qtbot):
    edit = NumberEdit()
    qtbot.addWidget(edit)
    qtbot.keyClicks(edit, "9" * 5000)                               # a paste of thousands of digits
    assert 31 <= len(edit.text()) <= 40 and edit.raw_problem() and edit.value() is None


def test_a_date_that_does_not_exist_is_flagged(form):
    date = form.field_widget("company.settled_in_district_on")
    assert isinstance(date, DateEdit) and date.placeholderText() == "YYYY-MM-DD"
    date.setText("2024-02-30")
    assert is_marked(date) and "2024-02-30" in error_text(form, date)
    assert "settled_in_district_on" not in form.profile()["company"]
    date.setText("2024-02-29")
    assert form.profile()["company"]["settled_in_district_on"] == "2024-02-29"
    assert not is_marked(date)


def test_show_problems_marks_named_fields_and_clears_the_rest(form):
    from core.profile import Problem
    name = form.field_widget("company.name")
    form.show_problems([Problem("company.name", "x", "企业名称不能为空"),
                        Problem("(root)", "y", "档案应为对象")])
    assert is_marked(name) and "企业名称不能为空" in name.toolTip()
    assert "档案应为对象" in form.company_problems.text()
    form.show_problems([])
    assert not is_marked(name) and not form.company_problems.isVisibleTo(form)


def test_table_rows_edit_a_list_of_objects(form):
    table = form.field_widget("company.standards")
    assert isinstance(table, ItemTableEdit)
    table.add_button.click()
    level = table.cell(0, "level")
    assert isinstance(level, EnumCombo)
    assert form.profile()["company"]["standards"] == [{}]
    assert is_marked(level)                           # 标准级别 is required
    choose(level, "国家")
    choose(table.cell(0, "role"), "主导")
    table.cell(0, "published_on").setText("2024-13-01")
    assert is_marked(table.cell(0, "published_on"))
    assert [p.message_zh for p in form.input_problems()] == [
        "主导或参与制定、修订的标准 第 1 行 标准发布日期：日历上没有这一天：“2024-13-01”"]
    assert form.profile()["company"]["standards"] == [{"level": "national", "role": "lead"}]
    table.cell(0, "published_on").setText("2024-05-10")
    assert form.profile()["company"]["standards"] == [
        {"level": "national", "role": "lead", "published_on": "2024-05-10"}]
    assert validate_profile(form.profile()) == []
    table.table.selectRow(0)
    table.remove_button.click()
    assert "standards" not in form.profile()["company"]


def test_key_lists_keep_their_order(form):
    form.set_profile(EXAMPLE)
    fields = form.field_widget("company.fields")
    assert isinstance(fields, KeyListEdit)
    fields.item_for("energy_saving").setCheckState(Qt.CheckState.Checked)
    fields.item_for("clean_energy").setCheckState(Qt.CheckState.Unchecked)
    assert form.profile()["company"]["fields"] == ["new_energy", "clean_energy.pv", "energy_saving"]


# -- focus -----------------------------------------------------------------------------------------

def test_focus_path_selects_the_project_and_focuses_the_field(form):
    form.set_profile(EXAMPLE)
    assert form.current_project_id() == "p1"
    assert form.focus_path("project.energy_saving_rate", "p2")
    assert form.current_project_id() == "p2"
    assert form.tabs.currentIndex() == 1
    assert form.window().focusWidget() is form.field_widget("project.energy_saving_rate")

    assert form.focus_path("project.generation_kwh.2024", "p1")
    widget = form.field_widget("project.generation_kwh.2024")
    assert form.current_project_id() == "p1"
    assert form.window().focusWidget() is widget and widget.text() == "900000"

    assert form.focus_path("company.years.2024.revenue")
    assert form.tabs.currentIndex() == 0
    assert form.window().focusWidget() is form.field_widget("company.years.2024.revenue")

    assert form.focus_path("company.standards[0].published_on")
    assert form.window().focusWidget().text() == "2024-05-10"

    assert form.focus_path("company.years.2018.revenue")       # a year not shown is added
    assert "2018" in form.shown_years()
    assert form.profile() == EXAMPLE

    assert not form.focus_path("project.capacity_kw", "p9")
    assert not form.focus_path("company.no_such_field")


# -- projects ----------------------------------------------------------------------------------

def test_changing_the_type_changes_the_fields(form):
    form.add_project_button.click()
    assert form.field_widget("project.capacity_kw") is None            # no type yet
    choose(form.field_widget("project.type"), "分布式光伏")
    assert form.field_widget("project.pv_technology") is not None
    assert form.field_widget("project.host_max_dc_kw") is None
    form.field_widget("project.capacity_kw").setText("800")
    choose(form.field_widget("project.type"), "超级快充站")
    assert form.field_widget("project.host_max_dc_kw") is not None
    assert form.field_widget("project.pv_technology") is None          # empty and not asked: gone
    kept = form.field_widget("project.capacity_kw")                     # filled: kept and shown
    assert kept is not None and kept.text() == "800"
    assert form.profile()["projects"][0] == {"id": "p1", "type": "super_charging_station",
                                             "capacity_kw": 800}
    choose(form.field_widget("project.type"), "分布式光伏")
    assert form.field_widget("project.capacity_kw").text() == "800"
    assert form.project_list.item(0).text().endswith("分布式光伏")


def test_add_duplicate_and_remove_projects_with_unique_ids(form, monkeypatch):
    form.set_profile({"format": PROFILE_FORMAT, "company": {},
                      "projects": [{"id": "p1", "type": "distributed_pv", "name": "一号"},
                                   {"id": "p7", "type": "hydrogen_station"}]})
    form.project_list.setCurrentRow(0)
    form.duplicate_project_button.click()
    form.add_project_button.click()
    ids = [p["id"] for p in form.profile()["projects"]]
    assert ids == ["p1", "p8", "p7", "p9"]
    assert form.profile()["projects"][1] == {"id": "p8", "type": "distributed_pv",
                                             "name": "一号（副本）"}
    assert form.tabs.tabText(1) == "项目（4）"

    answers = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    form.select_project("p8")
    answers.append(QMessageBox.StandardButton.No)
    form.remove_project_button.click()
    assert len(form.profile()["projects"]) == 4
    answers.append(QMessageBox.StandardButton.Yes)
    form.remove_project_button.click()
    assert [p["id"] for p in form.profile()["projects"]] == ["p1", "p7", "p9"]
    assert validate_profile(form.profile()) == [
        p for p in validate_profile(form.profile()) if p.path == "projects[2].type"]


def test_a_new_project_asks_for_its_type(form):
    form.add_project_button.click()
    type_combo = form.field_widget("project.type")
    assert form.window().focusWidget() is type_combo
    assert is_marked(type_combo) and "缺少必填项：项目类型" in type_combo.toolTip()


# -- language, keyboard ---------------------------------------------------------------------

def test_retranslate_to_traditional(form):
    form.field_widget("company.name").insert("深圳市罗湖示例科技有限公司")
    date = form.field_widget("company.settled_in_district_on")
    assert label_of(form, date).text() == "新设立或迁入所在区的日期"
    set_language("zh-Hant")
    date = form.field_widget("company.settled_in_district_on")
    traditional = convert_policy_text("新设立或迁入所在区的日期", "zh-Hant")
    assert label_of(form, date).text() == traditional != "新设立或迁入所在区的日期"
    assert form.tabs.tabText(0) == convert_policy_text("企业信息", "zh-Hant") != "企业信息"
    assert form.add_project_button.text() == "添加項目"
    assert form.field_widget("company.name").text() == "深圳市罗湖示例科技有限公司"   # as typed
    assert form.field_widget("company.district").itemText(0) == "未填寫"
    set_language("zh-Hans")
    date = form.field_widget("company.settled_in_district_on")
    assert label_of(form, date).text() == "新设立或迁入所在区的日期"


def test_typing_costs_no_references_to_none(form):
    # WORKAROUND guard (ui/profile_form.py): PySide6 6.12 on Python 3.11 drops a reference to None
    # for every void Qt call, so re-applying marks after each keystroke must not call Qt needlessly.
    # On Python 3.12+ None is immortal and this passes trivially.
    name = form.field_widget("company.name")

    def type_50_times() -> None:
        for i in range(50):
            name.setText(f"名称{i}")

    assert reference_change(None, type_50_times) > -150


def test_tab_order_runs_top_to_bottom_and_fields_say_who_needs_them(form):
    name, uscc, district = (form.field_widget(p) for p in ("company.name", "company.uscc",
                                                           "company.district"))
    assert next_focus(name) is uscc
    assert next_focus(uscc) is district
    assert label_of(form, district).text() == "所在区"
    assert "罗湖区十条措施 第一条" in district.toolTip()
    notes = [lab.text() for lab in form.findChildren(QLabel)
             if lab.property("role") == "note" and lab.isVisibleTo(form)]
    assert any("罗湖区十条措施" in n and "需要此项" in n for n in notes)
    form.tabs.setCurrentIndex(1)
    assert next_focus(form.project_list) is form.add_project_button


def test_supports_received_are_chosen_from_the_supports_and_can_be_none(form, catalog):
    """已获得的支持 (one-off and 首次 rules): a measure is picked by clause and title, never a statement;
    没有 answers the list with [], distinct from leaving it unanswered."""
    table = form.field_widget("company.supports_received")
    column = next(c for c in table.columns if c.name == "measure_id")
    supports = {m["id"] for m in catalog.measures if m["role"] == "support"}
    assert column.kind == "enum" and set(column.values) == supports
    assert column.value_labels["lh-glc-2024/7.1"] == "罗湖区十条措施 第七条（一） 分布式光伏项目扶持"
    assert "supports_received" not in form.profile()["company"]
    table.none_box.setChecked(True)
    assert form.profile()["company"]["supports_received"] == []
