"""The hand-made forms re-saved by LibreOffice (our stand-in for Excel and WPS) as xlsx, xls and ods."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from fixtures_forms import INSERTED_ROWS, SEED_FORM, Layout, write_workbook, with_rows
from office import convert
from sheetsync.reader import read_workbook

pytestmark = pytest.mark.office


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    folder = tmp_path_factory.mktemp("office")
    return write_workbook(folder / "hand.xlsx", [
        ("项目1", SEED_FORM, Layout()),
        ("项目2", replace(with_rows(SEED_FORM, INSERTED_ROWS), name="展会补贴"), Layout(top=2, left=1, merges="first")),
        ("项目3", replace(SEED_FORM, name="信息系统运维"), Layout(merges="repeated")),
    ])


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_resaved_by_libreoffice_reads_the_same(soffice, original, tmp_path, fmt):
    resaved = convert(soffice, original, fmt, tmp_path)
    before, after = read_workbook(original), read_workbook(resaved)
    for table in ("projects", "indicators", "issues"):
        expected = getattr(before, table).assign(file=str(resaved))
        pd.testing.assert_frame_equal(getattr(after, table), expected)
    assert len(after.projects) == 3 and len(after.indicators) == 14 + 17 + 14
    assert after.issues.empty


def test_a_renamed_format_is_read_by_its_content(soffice, original, tmp_path):
    xls = convert(soffice, original, "xls", tmp_path)
    disguised = xls.rename(tmp_path / "really_xls.xlsx")
    c = read_workbook(disguised)
    assert len(c.projects) == 3 and c.issues.empty


def test_an_ods_has_its_merged_ranges(soffice, original, tmp_path):
    # python-calamine gives no merged ranges for an .ods; they are read from its content.xml.
    from sheetsync.workbook import open_workbook

    def merges(path, kind):
        book, problem = open_workbook(path, kind)
        with book:
            return {name: sorted(book.grid(name).merged_ranges) for name in book.sheet_names}

    expected = merges(original, "xlsx")
    assert expected["项目1"] and not expected["项目2"]  # 项目2 has its merges undone
    assert merges(convert(soffice, original, "ods", tmp_path), "ods") == expected


def test_tabs_in_an_ods_cell_are_kept(soffice, tmp_path):
    # calamine drops an .ods's <text:tab/>: "一、水费<tab>0.6万元" would read "一、水费0.6万元".
    tabbed = replace(SEED_FORM, midterm_goal="一、水费\t0.6万元  二、电费\t7.4万元", annual_goal="全年\t完成")
    original = write_workbook(tmp_path / "tabs.xlsx", [("项目1", tabbed, Layout())])
    ods = read_workbook(convert(soffice, original, "ods", tmp_path / "ods"))
    assert ods.projects[["midterm_goal", "annual_goal"]].values.tolist() == [["一、水费\t0.6万元  二、电费\t7.4万元", "全年\t完成"]]
    pd.testing.assert_frame_equal(ods.indicators.drop(columns="file"), read_workbook(original).indicators.drop(columns="file"))


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_a_departments_comments_are_noted_in_an_xls_and_an_ods(soffice, tmp_path, fmt):
    # LibreOffice keeps no author in either format: our own comments are told by their mark.
    import openpyxl
    from openpyxl.comments import Comment

    path = write_workbook(tmp_path / "notes.xlsx", [("项目1", SEED_FORM, Layout())])
    book = openpyxl.load_workbook(path)
    book["项目1"]["E9"].comment = Comment("此值待确认，\n可能为≥90%", "张三")
    book["项目1"]["F4"].comment = Comment("【sheetsync】“中期市财政预算”未填写", "sheetsync")
    book.save(path)
    resaved = read_workbook(convert(soffice, path, fmt, tmp_path / fmt))
    assert resaved.issues[["cell", "severity", "code"]].values.tolist() == [["E9", "info", "cell_comment"]]
    assert "“此值待确认，\n可能为≥90%”" in resaved.issues.message.iloc[0]
    assert resaved.issues.message.iloc[0] == read_workbook(path).issues.message.iloc[0]


def test_an_xls_without_notes_is_not_parsed_for_them(soffice, original, tmp_path, monkeypatch):
    import xlrd

    def refuse(*args, **kwargs):
        raise AssertionError("xlrd opened a workbook without notes")

    xls = convert(soffice, original, "xls", tmp_path)
    monkeypatch.setattr(xlrd, "open_workbook", refuse)
    assert read_workbook(xls).issues.empty
