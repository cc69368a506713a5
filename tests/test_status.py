"""Choosing the copy of a project that arrived twice, and the submission status."""

from __future__ import annotations

import os
from dataclasses import replace

import pandas as pd

from sheetsync.headers import load_headers
from sheetsync.model import Collection, Indicator, ProjectForm
from sheetsync.roster import RosterEntry
from sheetsync.status import STATUS_COLUMNS, choose_copies, project_keys, submission_status


def _form(name: str, file: str, *, unit: str = "某局", code: str = "", generated_at: str = "", value: str = "≥1次"):
    return ProjectForm(budget_unit=unit, project_name=name, project_code=code, file=file, sheet="项目1",
                       generated_at=generated_at, annual_budget_wan=1.0,
                       indicators=[Indicator("年度", "预期产出指标", "数量指标", "次数", value, "H8")])


def test_project_key_is_the_code_else_unit_and_name():
    c = Collection.from_forms([_form("甲", "a.xlsx", code="X1"), _form("乙", "b.xlsx")], [])
    assert project_keys(c.projects).tolist() == ["X1", "某局/乙"]


def test_a_copy_without_the_code_is_the_coded_project_of_its_unit_and_name():
    h = load_headers()
    forms = [_form("甲", "template.xlsx", code="440001", generated_at="2026-02-01T00:00:00"),
             _form("甲", "hand.xlsx"),
             _form("乙", "b1.xlsx", code="B-1"), _form("乙", "b2.xlsx", code="B-2"), _form("乙", "b3.xlsx")]
    copies = choose_copies(Collection.from_forms(forms, []))
    # 乙 has two codes: two projects, and the copy without a code cannot tell which it is.
    assert copies.projects["file"].tolist() == ["template.xlsx", "b1.xlsx", "b2.xlsx", "b3.xlsx"]
    assert copies.duplicates[["key", "file", "winner_file"]].values.tolist() == [["440001", "hand.xlsx", "template.xlsx"]]
    status = submission_status([RosterEntry(2, "某局", "甲", "440001")], copies, h)
    assert status[["status", "file"]].values.tolist()[:2] == [[h.status("submitted"), "template.xlsx"],
                                                             [h.status("duplicate"), "hand.xlsx"]]


def test_a_winning_copy_without_the_code_shows_its_projects_code(tmp_path):
    coded, hand = tmp_path / "template.xlsx", tmp_path / "hand.xlsx"
    for path, when in ((coded, 1_700_000_000), (hand, 1_800_000_000)):
        path.write_bytes(b"x")
        os.utime(path, (when, when))
    forms = [_form("甲", str(coded), code="440001", generated_at="2026-02-01T00:00:00"), _form("甲", str(hand))]
    copies = choose_copies(Collection.from_forms(forms, []))
    assert copies.projects[["file", "project_code"]].values.tolist() == [[str(hand), "440001"]]


def test_forms_without_a_name_or_code_are_never_duplicates():
    forms = [_form("", "a.xlsx"), _form("", "b.xlsx"), _form(" ", "c.xlsx")]
    copies = choose_copies(Collection.from_forms(forms, []))
    assert copies.projects["file"].tolist() == ["a.xlsx", "b.xlsx", "c.xlsx"] and copies.duplicates.empty


def test_later_generation_time_wins_whatever_the_zone():
    forms = [_form("甲", "new.xlsx", generated_at="2026-03-01T02:00:00+00:00", value="新"),
             _form("甲", "old.xlsx", generated_at="2026-03-01T09:00:00+08:00", value="旧"),
             _form("乙", "other.xlsx")]
    copies = choose_copies(Collection.from_forms(forms, []))
    assert copies.projects["file"].tolist() == ["new.xlsx", "other.xlsx"]
    assert copies.indicators["value"].tolist() == ["新", "≥1次"]
    expected = pd.DataFrame({"key": ["某局/甲"], "file": ["old.xlsx"], "sheet": ["项目1"], "budget_unit": ["某局"],
                             "project_name": ["甲"], "project_code": [""],
                             "winner_file": ["new.xlsx"], "winner_sheet": ["项目1"], "reason": ["generated_at"]})
    pd.testing.assert_frame_equal(copies.duplicates, expected, check_dtype=False)


def test_later_file_wins_when_generation_times_do_not_tell(tmp_path):
    older, newer = tmp_path / "older.xlsx", tmp_path / "newer.xlsx"
    for path in (older, newer):
        path.write_bytes(b"x")
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_800_000_000, 1_800_000_000))
    forms = [_form("甲", str(newer), code="C", generated_at="2026-01-01T00:00:00"),
             _form("甲（另一写法）", str(older), code="C", generated_at="2026-01-01T00:00:00")]
    copies = choose_copies(Collection.from_forms(forms, []))
    assert copies.projects["file"].tolist() == [str(newer)]
    assert copies.duplicates[["file", "reason"]].values.tolist() == [[str(older), "mtime"]]
    # Without generation times at all, the file time decides too.
    forms = [_form("甲", str(older)), _form("甲", str(newer))]
    assert choose_copies(Collection.from_forms(forms, [])).projects["file"].tolist() == [str(newer)]


def _gbk_named(folder, name: str) -> str:
    """A path to ``name`` in GBK bytes, as unzip leaves a Windows zip's names (an empty file)."""
    path = os.fsdecode(os.fsencode(folder) + b"/" + name.encode("gbk"))
    with open(path, "wb"):
        pass
    return path


def test_two_files_that_show_the_same_name_are_two_copies(tmp_path):
    from sheetsync.issues import issue
    from sheetsync.summary_tables import project_table

    gbk, utf8 = _gbk_named(tmp_path, "财务.xlsx"), str(tmp_path / "财务.xlsx")
    forms = [replace(_form("甲", utf8, generated_at="2026-01-01T00:00:00", value="旧"), annual_budget_wan=2.0),
             _form("甲", gbk, generated_at="2026-02-01T00:00:00", value="新")]
    collection = Collection.from_forms(forms, [issue("hidden_form", file=utf8, sheet="项目1")])
    assert collection.projects["file"].tolist() == [utf8, utf8]  # both show the name as it reads
    copies = choose_copies(collection)
    assert copies.projects["annual_budget_wan"].tolist() == [1.0]
    assert copies.indicators["value"].tolist() == ["新"]
    # The copy on a hidden sheet loses for that, before the generation times are compared.
    assert copies.duplicates[["file", "winner_file", "reason"]].values.tolist() == [[utf8, utf8, "visible"]]
    table = project_table(copies.projects, copies.indicators, copies.issues, ["预期产出指标"], copies.paths)
    assert table[["预期产出指标", "indicators", "errors", "warnings"]].values.tolist() == [[1, 1, 0, 0]]


def test_copies_in_files_named_in_gbk_are_compared_by_file_time(tmp_path):
    older, newer = _gbk_named(tmp_path, "财务_1.xlsx"), _gbk_named(tmp_path, "财务_2.xlsx")
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_800_000_000, 1_800_000_000))
    copies = choose_copies(Collection.from_forms([_form("甲", older), _form("甲", newer)], []))
    assert copies.projects["file"].tolist() == [str(tmp_path / "财务_2.xlsx")]
    assert copies.duplicates[["file", "reason"]].values.tolist() == [[str(tmp_path / "财务_1.xlsx"), "mtime"]]


def test_first_copy_wins_a_tie():
    forms = [_form("甲", "missing1.xlsx"), _form("甲", "missing2.xlsx")]
    copies = choose_copies(Collection.from_forms(forms, []))
    assert copies.projects["file"].tolist() == ["missing1.xlsx"]
    assert copies.duplicates["reason"].tolist() == ["order"]


def test_statuses_against_a_roster():
    h = load_headers()
    forms = [_form("甲", "a2.xlsx", generated_at="2026-02-01T00:00:00"),
             _form("甲", "a1.xlsx", generated_at="2026-01-01T00:00:00"),
             _form("乙 ", "b.xlsx", code="B-1"),
             _form("丙", "c.xlsx", unit="外单位")]
    roster = [RosterEntry(2, "某局", "甲"), RosterEntry(3, "某局", "乙（新名）", "B-1"), RosterEntry(4, "某局", "丁")]
    status = submission_status(roster, choose_copies(Collection.from_forms(forms, [])), h)
    assert list(status.columns) == STATUS_COLUMNS
    assert status[["status", "file"]].values.tolist() == [
        [h.status("submitted"), "a2.xlsx"], [h.status("duplicate"), "a1.xlsx"], [h.status("submitted"), "b.xlsx"],
        [h.status("missing"), ""], [h.status("outside"), "c.xlsx"],
    ]
    assert status["roster_row"].tolist()[:4] == [2, 2, 3, 4] and pd.isna(status["roster_row"].iloc[4])
    assert "a2.xlsx" in status["note"].iloc[1]


def test_statuses_match_names_despite_spaces_and_full_width_forms():
    h = load_headers()
    forms = [_form("培训 项目（２０２１）", "a.xlsx")]
    status = submission_status([RosterEntry(2, "某局", "培训项目(2021)")], choose_copies(Collection.from_forms(forms, [])), h)
    assert status["status"].tolist() == [h.status("submitted")]


def test_a_project_retyped_with_a_space_is_the_same_project():
    from sheetsync.model import project_key

    assert project_key("某局", "办公 设备购置") == project_key("某局 ", "办公设备购置") == "某局/办公设备购置"
    assert project_key("某局", "办公设备购置", " X-01 ") == "X-01"


def test_a_missing_project_names_the_file_its_unit_sent_that_could_not_be_used():
    from sheetsync.issues import issue
    from sheetsync.status import unread_files

    h = load_headers()
    forms = [_form("甲", "收回/某局.xlsx")]
    problems = [issue("corrupt_file", file="收回/乙局.xlsx", detail="zip损坏"),
                issue("lock_file", file="收回/~$丙局.xlsx"),
                issue("other_file", file="收回/丁局的表.pdf", suffix=".pdf"),
                issue("unclaimed_cell", file="收回/某局.xlsx", sheet="项目1", cell="J9", text="x")]
    collection = Collection.from_forms(forms, problems)
    unread = unread_files(collection)
    assert list(unread) == ["收回/乙局.xlsx", "收回/丁局的表.pdf"]
    roster = [RosterEntry(2, "某局", "甲"), RosterEntry(3, "乙局", "A"), RosterEntry(4, "丙局", "B"),
              RosterEntry(5, "丁局", "C")]
    status = submission_status(roster, choose_copies(collection), h, unread)
    assert status[["status", "file"]].values.tolist() == [
        [h.status("submitted"), "收回/某局.xlsx"], [h.status("missing"), "收回/乙局.xlsx"],
        [h.status("missing"), ""], [h.status("missing"), "收回/丁局的表.pdf"]]
    assert status["note"].iloc[1] == "未读到该项目的表格。收到的“乙局.xlsx”：" + problems[0].message
    assert status["note"].iloc[2] == h.status_note("missing")


def test_a_file_of_a_unit_whose_name_holds_another_units_is_not_the_others():
    from sheetsync.issues import issue
    from sheetsync.status import unread_files

    h = load_headers()
    problems = [issue("corrupt_file", file="收回/财政局国库支付中心.xlsx", detail="zip损坏")]
    collection = Collection.from_forms([], problems)
    roster = [RosterEntry(2, "财政局", "A"), RosterEntry(3, "财政局国库支付中心", "B")]
    status = submission_status(roster, choose_copies(collection), h, unread_files(collection))
    assert status["file"].tolist() == ["", "收回/财政局国库支付中心.xlsx"]
    # ... nor when that unit is not on the roster: its name ends as an office's does.
    alone = submission_status(roster[:1], choose_copies(collection), h, unread_files(collection))
    assert alone[["file", "note"]].values.tolist()[0] == ["", h.status_note("missing")]
    for name in ("财政局绩效目标表_修改.xlsx", "财政局财务科.xlsx", "财政局办公室.xls"):  # the unit's own
        named = Collection.from_forms([], [issue("corrupt_file", file=f"收回/{name}", detail="zip损坏")])
        assert submission_status(roster[:1], choose_copies(named), h, unread_files(named))["file"].tolist() == [
            f"收回/{name}"]


def test_a_file_named_after_the_unit_without_its_place_is_the_units():
    from sheetsync.issues import issue
    from sheetsync.status import unread_files

    h = load_headers()
    problems = [issue("corrupt_file", file="收回/教育局绩效目标表.xlsx", detail="zip损坏")]
    collection = Collection.from_forms([], problems)
    roster = [RosterEntry(2, "东莞市教育局", "A"), RosterEntry(3, "东莞市财政局", "B")]
    status = submission_status(roster, choose_copies(collection), h, unread_files(collection))
    assert status["file"].tolist() == ["收回/教育局绩效目标表.xlsx", ""]
    # Two units of that name in two cities: the file is neither's for sure.
    twice = roster + [RosterEntry(4, "惠州市教育局", "C")]
    status = submission_status(twice, choose_copies(collection), h, unread_files(collection))
    assert status["file"].tolist() == ["", "", ""]


def test_last_years_copy_loses_to_this_years_and_is_flagged():
    from sheetsync.status import other_year_issues

    h = load_headers()
    this_year = [replace(_form(name, f"2022/{name}.xlsx", generated_at="2022-01-05T00:00:00"), year=2022)
                 for name in ("甲", "乙")]
    # Last year's approved form, imported today: its template is newer, its year is not the round's.
    last_year = replace(_form("甲", "2021/甲.xlsx", generated_at="2026-11-26T00:00:00"), year=2021)
    collection = Collection.from_forms([last_year, *this_year], [])
    copies = choose_copies(collection)
    assert copies.projects["file"].tolist() == ["2022/甲.xlsx", "2022/乙.xlsx"]
    assert copies.duplicates[["file", "reason"]].values.tolist() == [["2021/甲.xlsx", "year"]]
    status = submission_status(None, copies, h)
    assert status["note"].iloc[1] == h.status_note("duplicate", winner="2022/甲.xlsx", winner_sheet="项目1",
                                                   reason=h.status_note("by_year"))
    [flag] = other_year_issues(collection.projects)
    assert (flag.file, flag.severity, flag.code) == ("2021/甲.xlsx", "warning", "other_year")
    assert "2021年度" in flag.message and "2022年度" in flag.message


def test_the_rounds_year_is_the_latest_of_our_templates_however_many_sent_last_years():
    from sheetsync.status import other_year_issues, round_year

    h = load_headers()
    # 丁局 sends its three projects on last year's template, 甲局 this year's and, later, last year's.
    old = [replace(_form(name, "收回/丁局.xlsx", unit="丁局", generated_at="2025-01-05T00:00:00"), year=2025)
           for name in ("丁1", "丁2", "丁3")]
    this_year = replace(_form("甲1", "收回/甲局.xlsx", unit="甲局", generated_at="2026-01-05T00:00:00"), year=2026)
    again = replace(_form("甲1", "收回/甲局_去年.xlsx", unit="甲局", generated_at="2025-01-05T00:00:00"), year=2025)
    by_hand = replace(_form("乙1", "收回/乙局.xlsx", unit="乙局"), year=2027)  # not our template: no say
    collection = Collection.from_forms([*old, this_year, again, by_hand], [])
    assert round_year(collection.projects) == 2026
    copies = choose_copies(collection)
    assert copies.duplicates[["file", "reason"]].values.tolist() == [["收回/甲局_去年.xlsx", "year"]]
    flagged = sorted({flag.file for flag in other_year_issues(collection.projects)})
    assert flagged == ["收回/丁局.xlsx", "收回/乙局.xlsx", "收回/甲局_去年.xlsx"]
    status = submission_status(None, copies, h)
    assert h.status_note("by_year") in status.loc[status["status"] == h.status("duplicate"), "note"].item()
    # Without our templates, the year of most forms.
    assert round_year(Collection.from_forms([replace(f, generated_at="") for f in old] + [by_hand], []).projects) == 2025


def test_a_round_of_one_year_has_no_other_year():
    from sheetsync.status import other_year_issues, round_year

    forms = [replace(_form("甲", "a.xlsx"), year=2022), _form("乙", "b.xlsx")]  # 乙 says no year
    projects = Collection.from_forms(forms, []).projects
    assert round_year(projects) == 2022 and other_year_issues(projects) == []


def test_a_missing_project_of_a_unit_that_sent_its_file_says_the_file_lacks_it():
    h = load_headers()
    copies = choose_copies(Collection.from_forms([_form("甲", "收回/某局.xlsx")], []))
    roster = [RosterEntry(2, "某局", "甲"), RosterEntry(3, "某 局", "乙"), RosterEntry(4, "他局", "丙")]
    status = submission_status(roster, copies, h)
    assert status["note"].tolist() == ["", h.status_note("missing_in_file", file="某局.xlsx"), h.status_note("missing")]


def _dated(path, when):
    path.write_bytes(b"x")
    os.utime(path, (when, when))
    return str(path)


def test_a_template_sheet_sent_back_as_it_came_never_beats_a_filled_copy(tmp_path):
    filled = _dated(tmp_path / "filled.xlsx", 1_700_000_000)
    blank = replace(_form("甲", _dated(tmp_path / "blank.xlsx", 1_800_000_000)), indicators=[])
    copies = choose_copies(Collection.from_forms([_form("甲", filled), blank], []))
    assert copies.projects["file"].tolist() == [filled]
    assert copies.duplicates[["file", "reason"]].values.tolist() == [[blank.file, "filled"]]


def test_a_hidden_draft_in_a_later_file_loses_to_the_visible_copy(tmp_path):
    from sheetsync.issues import issue

    final, draft = _dated(tmp_path / "某局.xlsx", 1_700_000_000), _dated(tmp_path / "补充.xlsx", 1_800_000_000)
    forms = [_form("甲", final), replace(_form("甲", draft, value="旧"), sheet="旧稿")]
    copies = choose_copies(Collection.from_forms(forms, [issue("hidden_form", file=draft, sheet="旧稿")]))
    assert copies.projects["file"].tolist() == [final]
    assert copies.duplicates[["sheet", "reason"]].values.tolist() == [["旧稿", "visible"]]


def test_every_losing_copy_gets_the_reason_it_lost(tmp_path):
    first = replace(_form("甲", _dated(tmp_path / "初稿.xlsx", 1_700_000_000)), year=2021)
    final = replace(_form("甲", _dated(tmp_path / "定稿.xlsx", 1_750_000_000)), year=2021)
    last_year = replace(_form("甲", _dated(tmp_path / "去年.xlsx", 1_800_000_000)), year=2020)
    others = [replace(_form(name, f"{name}.xlsx"), year=2021) for name in ("乙", "丙")]
    copies = choose_copies(Collection.from_forms([first, final, last_year, *others], []))
    assert copies.projects["file"].tolist()[0] == final.file
    reasons = dict(copies.duplicates[["file", "reason"]].values.tolist())
    assert reasons == {first.file: "mtime", last_year.file: "year"}


def test_forms_without_a_unit_or_a_code_are_never_one_project():
    forms = [_form("培训经费", "局.xlsx", unit=""), _form("培训经费", "中心.xlsx", unit=""), _form("甲", "a.xlsx")]
    copies = choose_copies(Collection.from_forms(forms, []))
    assert copies.duplicates.empty and len(copies.projects) == 3


def test_a_copy_without_a_year_loses_to_one_of_the_rounds_year(tmp_path):
    dated = [replace(_form("甲", _dated(tmp_path / "a.xlsx", 1_700_000_000)), year=2021),
             replace(_form("甲", _dated(tmp_path / "b.xlsx", 1_800_000_000)), year=None),
             replace(_form("乙", "c.xlsx"), year=2021)]
    copies = choose_copies(Collection.from_forms(dated, []))
    assert copies.projects["file"].tolist() == [dated[0].file, "c.xlsx"]
    assert copies.duplicates[["file", "reason"]].values.tolist() == [[dated[1].file, "year"]]


def test_a_duplicate_row_names_its_own_project_and_the_sheet_used():
    h = load_headers()
    forms = [_form("甲", "a.xlsx", code="P1", generated_at="2026-02-01T00:00:00"),
             _form("甲（修改）", "b.xlsx", code="P1", generated_at="2026-01-01T00:00:00")]
    status = submission_status([RosterEntry(2, "某局", "甲", "P1")], choose_copies(Collection.from_forms(forms, [])), h)
    duplicate = status.iloc[1]
    assert (duplicate["status"], duplicate["project_name"], duplicate["file"]) == (h.status("duplicate"), "甲（修改）", "b.xlsx")
    assert "“a.xlsx”中“项目1”工作表的版本" in duplicate["note"]


def test_a_form_carrying_another_units_code_does_not_take_its_place():
    h = load_headers()
    forms = [_form("培训经费", "某中心.xlsx", unit="某中心", code="001")]  # 002 meant
    roster = [RosterEntry(2, "某局", "办公设备采购", "001"), RosterEntry(3, "某中心", "培训经费", "002")]
    status = submission_status(roster, choose_copies(Collection.from_forms(forms, [])), h)
    assert status[["status", "budget_unit"]].values.tolist() == [[h.status("missing"), "某局"], [h.status("submitted"), "某中心"]]


def test_a_template_sheet_sent_back_unfilled_is_not_submitted():
    # The project's sheet came back as the template left it: the coordinator must chase it.
    h = load_headers()
    blank = replace(_form("乙", "某局.xlsx"), sheet="项目2", indicators=[])
    goal_only = replace(_form("丙", "某局.xlsx"), sheet="项目3", indicators=[], annual_goal="完成培训")
    copies = choose_copies(Collection.from_forms([_form("甲", "某局.xlsx"), blank, goal_only], []))
    roster = [RosterEntry(2, "某局", "甲"), RosterEntry(3, "某局", "乙"), RosterEntry(4, "某局", "丙")]
    status = submission_status(roster, copies, h)
    assert status[["status", "sheet", "note"]].values.tolist() == [
        [h.status("submitted"), "项目1", ""], [h.status("missing"), "项目2", h.status_note("missing_blank")],
        [h.status("submitted"), "项目3", ""]]


def test_a_form_whose_unit_the_roster_does_not_know_is_matched_by_a_name_only_it_has():
    h = load_headers()
    forms = [_form("展会补贴", "收回/丙.xlsx", unit="东莞市丙局 填报人张三"),  # the unit misspelt
             _form("办公设备购置", "收回/乙.xlsx", unit="东莞市乙局"),  # a roster unit: its own project
             _form("培训", "收回/丁.xlsx", unit="")]  # the unit's line typed over
    roster = [RosterEntry(2, "东莞市丙局", "展会补贴"), RosterEntry(3, "东莞市甲局", "办公设备购置"),
              RosterEntry(4, "东莞市乙局", "宣传"), RosterEntry(5, "东莞市丁局", "培训"), RosterEntry(6, "东莞市戊局", "培训")]
    status = submission_status(roster, choose_copies(Collection.from_forms(forms, [])), h)
    assert status[["roster_row", "status", "file"]].values.tolist() == [
        [2, h.status("submitted"), "收回/丙.xlsx"], [3, h.status("missing"), ""], [4, h.status("missing"), ""],
        [5, h.status("missing"), ""], [6, h.status("missing"), ""],  # 培训 is two units': whose is unknown
        [pd.NA, h.status("outside"), "收回/乙.xlsx"], [pd.NA, h.status("outside"), "收回/丁.xlsx"]]
    assert status["note"].iloc[0] == h.status_note("other_unit", unit="东莞市丙局 填报人张三", roster_unit="东莞市丙局")
    assert status["budget_unit"].iloc[0] == "东莞市丙局"  # as the roster spells it, the form's spelling in the note


def test_a_project_sent_shows_its_unit_as_the_roster_spells_it():
    forms = [_form("展会补贴", "收回/丙.xlsx", unit="东莞市 丙局"), _form("培训", "收回/丙.xlsx", unit="（东莞市丙局）")]
    roster = [RosterEntry(2, "东莞市丙局", "展会补贴"), RosterEntry(3, "(东莞市丙局)", "培训")]
    status = submission_status(roster, choose_copies(Collection.from_forms(forms, [])), load_headers())
    assert status["budget_unit"].tolist() == ["东莞市丙局", "(东莞市丙局)"]


def test_a_project_sent_on_last_years_form_is_submitted_with_a_note_and_shows_the_rosters_code():
    h = load_headers()
    forms = [replace(_form("甲", "a.xlsx"), year=2026), replace(_form("乙", "b.xlsx"), year=2026),
             replace(_form("丙", "c.xlsx"), year=2025)]
    roster = [RosterEntry(2, "某局", "甲", "P1"), RosterEntry(3, "某局", "乙"), RosterEntry(4, "某局", "丙", "P3")]
    status = submission_status(roster, choose_copies(Collection.from_forms(forms, [])), h)
    assert status[["status", "project_code", "note"]].values.tolist() == [
        [h.status("submitted"), "P1", ""], [h.status("submitted"), "", ""],
        [h.status("submitted"), "P3", h.status_note("other_year", year=2025, round_year=2026)]]
