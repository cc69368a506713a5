"""A department corrects its form and sends it again beside the original: the round comes out
clean, and every table says which copy was used."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import replace

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from fixtures_forms import SEED_FORM, Layout, write_workbook
from sheetsync import exports, summary_sheets
from sheetsync.cli import app
from sheetsync.collect import collect
from sheetsync.feedback import write_feedback
from sheetsync.headers import load_headers
from sheetsync.issues import issue
from sheetsync.model import Collection
from sheetsync.ole_properties import custom_properties
from sheetsync.reader import read_workbook
from sheetsync.status import choose_copies, mark_superseded
from sheetsync.summary import write_summary

UNIT = SEED_FORM.unit


@pytest.fixture
def inbox(tmp_path):
    """收回/: 原稿.xlsx without its 年度 goal (an error), 更正.xlsx corrected a day later, and
    another unit's 乙.xlsx with a negative amount (an error no copy corrects)."""
    folder = tmp_path / "收回"
    folder.mkdir()
    old = write_workbook(folder / "原稿.xlsx", [("项目1", replace(SEED_FORM, annual_goal="", annual_budget=0.5), Layout())])
    new = write_workbook(folder / "更正.xlsx", [("项目1", SEED_FORM, Layout())])
    write_workbook(folder / "乙.xlsx", [("项目1", replace(SEED_FORM, unit="乙局", name="乙项目", annual_budget=-1), Layout())])
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_700_086_400, 1_700_086_400))
    return folder


def test_every_row_of_the_superseded_copy_is_marked(inbox):
    result = collect([inbox])
    projects, indicators, issues = result.projects, result.indicators, result.issues
    old = str(inbox / "原稿.xlsx")
    assert projects.set_index("file")["superseded"].to_dict() == {
        old: True, str(inbox / "更正.xlsx"): False, str(inbox / "乙.xlsx"): False}
    assert (indicators["superseded"] == (indicators["file"] == old)).all() and indicators["superseded"].any()
    assert issues.query("superseded")["file"].unique().tolist() == [old]
    assert "missing_field" in issues.query("superseded")["code"].tolist()
    # Summed over the copies used, the amounts count each project once.
    assert projects.loc[~projects["superseded"], "annual_budget_wan"].sum() == pytest.approx(0.25 - 1)


def test_only_the_problems_of_the_copies_used_count(inbox):
    result = collect([inbox])
    used = result.issues.query("not superseded")
    assert result.error_count == (used["severity"] == "error").sum() == 1
    superseded_errors = int(result.issues.query("superseded and severity == 'error'").shape[0])
    assert superseded_errors >= 1
    assert result.summary_line(3) == (
        f"3个文件，3张表，{len(result.indicators)}条指标，1个错误，{result.warning_count}个警告；"
        f"1张表是重复提交、未采用的副本（其中{superseded_errors}个错误，0个警告）")


def test_a_round_whose_only_errors_were_corrected_exits_0(inbox, tmp_path):
    (inbox / "乙.xlsx").unlink()
    result = CliRunner().invoke(app, ["collect", str(inbox), "-o", str(tmp_path / "s.xlsx"), "-q"])
    assert result.exit_code == 0, result.output
    assert "0个错误" in result.output and "1张表是重复提交" in result.output
    checked = CliRunner().invoke(app, ["check", str(inbox)])
    assert checked.exit_code == 0, checked.output
    assert "原稿.xlsx 项目1" in checked.output
    assert f"（未采用的副本，采用的是 {inbox / '更正.xlsx'} 项目1）" in checked.output
    records = json.loads(CliRunner().invoke(app, ["check", str(inbox), "--json"]).stdout)
    assert records and all(r["superseded"] for r in records)
    assert all(r["used_instead"] == {"file": str(inbox / "更正.xlsx"), "sheet": "项目1"} for r in records)


def test_the_unit_summary_counts_the_errors_of_the_copies_used(inbox, tmp_path):
    h = load_headers()
    book = openpyxl.load_workbook(write_summary(collect([inbox]), tmp_path / "s.xlsx"))
    rows = list(book[h.sheet("units")].iter_rows(values_only=True))
    errors = rows[0].index(h.column("errors"))
    assert {row[0]: row[errors] for row in rows[1:-1]} == {UNIT: 0, "乙局": 1}
    issue_rows = list(book[h.sheet("issues")].iter_rows())
    note = h.status_note("superseded", winner=str(inbox / "更正.xlsx"), winner_sheet="项目1")
    old = [row for row in issue_rows[1:] if row[0].value.endswith("原稿.xlsx")]
    assert {row[-1].value for row in old} == {note}
    # Listed, not flagged: only the problems that count are red.
    assert {row[0].fill.fgColor.rgb for row in old} <= {None, "00000000"}
    [other] = [row for row in issue_rows[1:] if row[0].value.endswith("乙.xlsx")]
    assert other[0].fill.fgColor.rgb.endswith(summary_sheets.FILLS["error"][1:])


def test_exports_say_which_copy_was_used(inbox, tmp_path):
    result = collect([inbox])
    exports.export_sqlite(result, tmp_path / "r.db")
    with sqlite3.connect(tmp_path / "r.db") as db:
        total = db.execute("select sum(annual_budget_wan) from projects where not superseded").fetchone()[0]
        marked = db.execute("select count(*) from indicators where superseded").fetchone()[0]
    assert total == pytest.approx(0.25 - 1) and marked == int(result.indicators["superseded"].sum()) > 0
    [projects, *_] = exports.export_parquet(result, tmp_path / "parquet")
    assert pd.read_parquet(projects)["superseded"].tolist() == result.projects["superseded"].tolist()
    [projects, *_] = exports.export_csv(result, tmp_path / "csv")
    assert pd.read_csv(projects, encoding="utf-8-sig")["superseded"].tolist() == result.projects["superseded"].tolist()


def test_the_superseded_copy_gets_feedback_saying_which_copy_was_used(inbox, tmp_path):
    (inbox / "乙.xlsx").unlink()
    result = CliRunner().invoke(app, ["feedback", str(inbox), "-o", str(tmp_path / "反馈")])
    assert result.exit_code == 0, result.output
    assert "已写出2个反馈文件，共0个错误" in result.output
    sheet = openpyxl.load_workbook(tmp_path / "反馈" / "原稿_反馈.xlsx")[load_headers().sheet("issues")]
    rows = list(sheet.iter_rows(values_only=True))
    note = load_headers().text("superseded_note", sheet="项目1", winner="更正.xlsx", winner_sheet="项目1")
    assert note in [row[0] for row in rows]
    # Its problems are still listed, under the note that they need no correcting.
    assert any(str(row[3]).startswith("未填写") for row in rows)


def test_a_copy_of_the_same_name_sent_again_into_a_subfolder_is_named_by_its_path(inbox, tmp_path):
    again = inbox / "重发" / "原稿.xlsx"
    again.parent.mkdir()
    (inbox / "更正.xlsx").rename(again)
    [copy, _] = write_feedback([inbox / "原稿.xlsx", again], tmp_path / "反馈")
    rows = list(openpyxl.load_workbook(copy)[load_headers().sheet("issues")].iter_rows(values_only=True))
    note = load_headers().text("superseded_note", sheet="项目1", winner=str(again), winner_sheet="项目1")
    assert note in [row[0] for row in rows]


def test_two_sheets_of_one_project_in_one_workbook_are_marked_by_read_workbook(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", [("项目1", SEED_FORM, Layout()), ("项目1 (2)", SEED_FORM, Layout())])
    result = read_workbook(path)
    assert result.projects["superseded"].tolist() == [False, True]
    assert result.indicators.groupby("sheet")["superseded"].all().to_dict() == {"项目1": False, "项目1 (2)": True}


def test_a_sheet_copied_within_a_file_keeps_its_warning_counted(tmp_path):
    # Which of the two sheets was meant is the clerk's to say: the warning counts, whichever is used.
    edited = replace(SEED_FORM, annual_goal="改过的年度目标")
    path = write_workbook(tmp_path / "a.xlsx", [("项目1", SEED_FORM, Layout()), ("项目1(修改)", edited, Layout())])
    result = collect([path])
    [twice] = result.issues.query("code == 'project_twice_in_file'").to_dict(orient="records")
    assert twice["sheet"] == "项目1(修改)" and not twice["superseded"]
    assert result.warning_count >= 1
    assert result.projects["superseded"].tolist() == [False, True]


def test_feedback_on_a_sheet_copied_within_a_file_does_not_say_it_was_sent_apart(tmp_path):
    (tmp_path / "in").mkdir()
    path = write_workbook(tmp_path / "in" / "a.xlsx", [("项目1", SEED_FORM, Layout()), ("项目1(修改)", SEED_FORM, Layout())])
    [copy] = write_feedback([path], tmp_path / "反馈")
    sheet = openpyxl.load_workbook(copy)[load_headers().sheet("issues")]
    texts = [str(row[0]) + str(row[3]) for row in sheet.iter_rows(values_only=True)]
    assert not any("另交" in text for text in texts)
    assert any("请删除不用的那一张" in text for text in texts)


def _corrected(tmp_path, copies_in):
    """收回/甲.xlsx without its 年度目标, and its feedback copy (written into ``copies_in``
    under ``tmp_path``) with the goal filled in; the original touched after the correction."""
    inbox = tmp_path / "收回"
    inbox.mkdir()
    original = write_workbook(inbox / "甲.xlsx", [("项目1", replace(SEED_FORM, annual_goal=""), Layout())])
    [missing] = collect([original]).issues.query("field == 'annual_goal'")["cell"].tolist()
    [copy] = write_feedback([original], tmp_path / copies_in)
    book = openpyxl.load_workbook(copy)
    book["项目1"][missing] = "支付进度为95%"
    book.save(copy)
    os.utime(original, (2_000_000_000, 2_000_000_000))
    return inbox, original, copy


def test_a_corrected_feedback_copy_beats_its_original_whatever_the_times(tmp_path):
    inbox, original, copy = _corrected(tmp_path, "收回/反馈")
    result = collect([inbox])
    assert result.projects.set_index("file")["superseded"].to_dict() == {str(original): True, str(copy): False}
    assert choose_copies(result).duplicates["reason"].tolist() == ["corrected"]
    assert result.error_count == 0


def test_a_file_whose_only_form_lost_takes_its_own_problems_along(tmp_path):
    # The old copy had a problem outside its form (a sheet that reads as nothing): it needs no
    # correcting once the new copy came.
    old = write_workbook(tmp_path / "old.xlsx", [("项目1", replace(SEED_FORM, annual_goal=""), Layout())])
    new = write_workbook(tmp_path / "new.xlsx", [("项目1", SEED_FORM, Layout())])
    os.utime(old, (1_700_000_000, 1_700_000_000))
    problem = issue("no_form", file=str(old), sheet="说明", title="东莞市财政项目支出绩效目标批复表")
    marked = mark_superseded(collect([old, new]).with_issues([problem]))
    assert marked.issues.query("sheet == '说明'")["superseded"].tolist() == [True]
    assert marked.error_count == 0


def test_a_superseded_column_read_back_as_text_or_numbers_is_boolean():
    for values in (["True", "False"], [1, 0], [True, False]):
        issues = pd.DataFrame({"file": ["a", "b"], "sheet": "", "cell": "", "field": "", "severity": "error",
                               "code": "x", "message": "", "superseded": values})
        collection = Collection(pd.DataFrame(), pd.DataFrame(), issues)
        assert collection.issues["superseded"].tolist() == [True, False] and collection.error_count == 1


@pytest.mark.parametrize("suffix", ["ods", "xls"])
def test_a_corrected_feedback_copy_saved_by_libreoffice_still_beats_its_original(tmp_path, soffice, suffix):
    from office import convert

    inbox, original, copy = _corrected(tmp_path, "反馈")
    saved = convert(soffice, copy, suffix, inbox)  # the clerk saved the corrected copy in LibreOffice's format
    result = collect([inbox])
    assert result.projects.set_index("file")["superseded"].to_dict() == {str(original): True, str(saved): False}
    assert choose_copies(result).duplicates["reason"].tolist() == ["corrected"]
    if suffix == "xls":  # a damaged file's properties are none, never an exception
        data = saved.read_bytes()
        assert custom_properties(data)["sheetsync-source"] == "甲.xlsx"
        for cut in range(0, len(data), max(1, len(data) // 50)):
            custom_properties(data[:cut])
            custom_properties(data[:cut] + bytes(len(data) - cut))
