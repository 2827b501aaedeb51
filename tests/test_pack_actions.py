"""The pack use cases every front end calls (core/measures/pack_actions.py): finding packs on a
drive, checking a file, importing, rolling back, and what a switch changed. No Qt here."""
from __future__ import annotations

import pytest

from core.measures import installed as inst
from core.measures.pack import PackError
from core.measures.pack_actions import (
    check_pack_file,
    compare_switch,
    find_packs,
    import_pack_data,
    is_newer,
    refusing,
    roll_back,
)
from tests.packs import LUOHU_COMPANY

# The pack tests' signed packs and their trusted test key (fixtures, the autouse one included).
from tests.test_pack import TODAY, keys, packs, trust_test_key  # noqa: F401


def test_packs_are_found_at_the_top_of_a_drive_and_one_folder_down(tmp_path):
    stick = tmp_path / "stick"
    (stick / "更新" / "deeper").mkdir(parents=True)
    (stick / ".hidden").mkdir()
    for path in (stick / "a.gmpack", stick / "更新" / "b.GMPACK", stick / "更新" / "deeper" / "c.gmpack",
                 stick / ".hidden" / "d.gmpack", stick / "notes.txt"):
        path.write_bytes(b"x")
    (stick / "folder.gmpack").mkdir()
    assert find_packs([stick, tmp_path / "missing"]) == [stick / "a.gmpack", stick / "更新" / "b.GMPACK"]


def test_a_newer_pack_checks_and_lists_what_differs(packs, tmp_path):  # noqa: F811  the fixture imported above
    path = tmp_path / "next.gmpack"
    path.write_bytes(packs["next"])
    checked = check_pack_file(path)
    assert checked.refusal is None and checked.data == packs["next"]
    assert checked.in_use.kind == inst.BUNDLED
    assert is_newer(checked.pack, checked.in_use)
    # 罗湖区十条措施 was extended: its validity differs from the data in use.
    notes = checked.differences["lh-glc-2024"]
    assert isinstance(notes, list) and notes[0][0] == "validity"


def test_a_pack_as_old_as_the_data_in_use_checks_but_is_refused_for_import(packs, tmp_path):  # noqa: F811  the fixture imported above
    path = tmp_path / "same.gmpack"
    path.write_bytes(packs["same"])
    checked = check_pack_file(path)
    assert checked.refusal is not None and "相同" in checked.refusal
    assert not is_newer(checked.pack, checked.in_use)
    assert all(diff is None for diff in checked.differences.values()) and checked.removed == []
    with pytest.raises(PackError, match="相同"):
        import_pack_data(packs["same"])
    assert inst.installed().in_use.kind == inst.BUNDLED       # nothing changed


def test_a_file_that_is_not_a_pack_is_refused_with_the_users_message(tmp_path):
    path = tmp_path / "notes.gmpack"
    path.write_bytes(b"not a zip")
    with pytest.raises(PackError) as refused:
        check_pack_file(path)
    assert str(refused.value) and "Traceback" not in str(refused.value)
    missing = tmp_path / "gone.gmpack"
    with pytest.raises(PackError, match="gone.gmpack"):
        check_pack_file(missing)


def test_import_then_roll_back_report_what_changed_for_the_company(packs):  # noqa: F811  the fixture imported above
    switched = import_pack_data(packs["next"], LUOHU_COMPANY, TODAY)
    assert switched.switch.after.release.version == "2026.12.1"
    assert inst.installed().in_use.release.version == "2026.12.1"
    assert switched.report is not None and switched.report.measures_added == 1
    back = roll_back(LUOHU_COMPANY, TODAY)
    assert back.switch.after.kind == inst.BUNDLED and inst.installed().in_use.kind == inst.BUNDLED
    assert back.report is not None and back.report.measures_removed == 1


def test_without_a_company_a_switch_has_no_report(packs):  # noqa: F811  the fixture imported above
    switched = import_pack_data(packs["next"])
    assert switched.report is None
    assert compare_switch(switched.switch, LUOHU_COMPANY, TODAY).report is not None
    assert roll_back().report is None


def test_rollback_with_nothing_to_go_back_to_is_refused():
    with pytest.raises(PackError, match="没有可以恢复的上一版本"):
        roll_back()


def test_refusing_turns_a_refusal_into_the_answer_and_lets_other_errors_through():
    def refuse():
        raise PackError("已拒绝")

    answer = refusing(refuse)(None)
    assert isinstance(answer, PackError) and str(answer) == "已拒绝"
    assert refusing(lambda: 42)(None) == 42

    def broken():
        raise ValueError("bug")

    with pytest.raises(ValueError):
        refusing(broken)(None)
