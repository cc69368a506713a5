"""Cells showing an error value (#DIV/0!, #N/A…): calamine reads them as empty, the clerk sees
the error; the issue must name the error, not ask for a value that seems missing."""

from __future__ import annotations

import io
from dataclasses import replace

import openpyxl
import pandas as pd
import pytest

from fixtures_forms import SEED_FORM, Layout, write_workbook
from office import convert
from sheetsync import cell_errors
from sheetsync.cell_errors import ods_error_cells, xlsx_error_cells
from sheetsync.cell_scan import SheetParts
from sheetsync.reader import read_workbook


def test_error_cells_of_sheet_xml():
    sheet = (b"<x:row r='2'><x:c r='B2' s='3' t='e'><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>"
             b'<x:c r="C2" t="e"/><x:c r="D2" t="s"><x:v>4</x:v></x:c>'
             b'<x:c r="E2" t = "e"><x:v> #N/A </x:v></x:c><x:c t="e"><x:v>#REF!</x:v></x:c></x:row>')
    # A cell without its value says no error; one without its reference follows the cell before it.
    assert xlsx_error_cells(sheet) == {(1, 1): "#DIV/0!", (1, 4): "#N/A", (1, 5): "#REF!"}


def test_error_cells_of_ods_content_through_repeats():
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="项目1">'
        '<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell office:value-type="string" calcext:value-type="error"><text:p>#DIV/0!</text:p>'
        '</table:table-cell></table:table-row>'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>#DIV/0!</text:p></table:table-cell>'
        '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>').encode()
    # Typed as text, "#DIV/0!" is a value like any other: calamine reads it.
    assert ods_error_cells(io.BytesIO(content)) == {"项目1": {(0, 2): "#DIV/0!", (1, 2): "#DIV/0!"}}


def _with_cells(path, cells):
    book = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        book["项目1"][ref] = value
    book.save(path)
    return path


def _issues(result):
    return result.issues[["cell", "field", "code", "message"]].values.tolist()


# F4 is the 中期 budget, E8 the first row's 中期 指标值 and G8 its 年度 三级指标.
EXPECTED = [
    ["F4", "midterm_budget_wan", "formula_error",
     "“中期市财政预算（万元）”显示错误值#DIV/0!（公式计算出错），读不到内容，请改正公式或直接填写。"],
    ["E8", "value", "formula_error",
     "中期三级指标“计划缴纳CO出证认证EDI管理系统CA证书数量”的指标值显示错误值#N/A（公式计算出错），读不到内容，请改正公式或直接填写。"],
    ["G8", "level3", "formula_error",
     "年度指标值“9个Ukey”的三级指标显示错误值#REF!（公式计算出错），读不到内容，请改正公式或直接填写。"],
]


def test_a_cell_showing_an_error_is_reported_as_the_error(tmp_path):
    # openpyxl stores these strings as error values (t="e"), as Excel saves a failed formula.
    path = write_workbook(tmp_path / "f.xlsx", [("项目1", SEED_FORM, Layout())])
    _with_cells(path, {"F4": "#DIV/0!", "E8": "#N/A", "G8": "#REF!"})
    result = read_workbook(path)
    assert _issues(result) == EXPECTED
    assert pd.isna(result.projects.loc[0, "midterm_budget_wan"])
    assert result.indicators.loc[result.indicators["cell"] == "E8", "value"].tolist() == [""]


def test_a_side_of_the_table_whose_formulas_all_failed_is_reported_cell_by_cell(tmp_path):
    # Its 三级 and 指标值 referred to a sheet since deleted: every cell shows #REF!.
    path = write_workbook(tmp_path / "f.xlsx", [("项目1", SEED_FORM, Layout())])
    annual = read_workbook(path).indicators.query("period == '年度'")["cell"].str[1:].tolist()
    _with_cells(path, {f"{col}{row}": "#REF!" for row in annual for col in "GH"})
    result = read_workbook(path)
    assert result.indicators.query("period == '年度'").empty
    errors = result.issues.query("code == 'formula_error'")
    assert errors["cell"].tolist() == [f"{col}{row}" for row in annual for col in "GH"]
    assert errors["message"].iloc[0] == "年度三级指标显示错误值#REF!（公式计算出错），读不到内容，请改正公式或直接填写。"


def test_a_row_of_failed_formulas_is_reported_once_the_sheets_errors_are_read(tmp_path):
    # E8's error makes the sheet's error cells known: the row whose 三级 and 指标值 both failed is no blank row.
    path = write_workbook(tmp_path / "f.xlsx", [("项目1", SEED_FORM, Layout())])
    # E15 and H15 are spare rows a failing 指标值 formula was copied down to: no indicator lost.
    _with_cells(path, {"E8": "#N/A", "D9": "#REF!", "E9": "#REF!", "E15": "#N/A", "H15": "#N/A"})
    result = read_workbook(path)
    errors = result.issues.query("code == 'formula_error'")
    assert errors[["cell", "field"]].values.tolist() == [["E8", "value"], ["D9", "level3"], ["E9", "value"]]
    assert "D9" not in result.indicators["cell"].tolist() and "E9" not in result.indicators["cell"].tolist()


def test_error_cells_are_read_only_for_a_sheet_with_an_empty_cell_needed(tmp_path, monkeypatch):
    scanned = []
    monkeypatch.setattr(cell_errors, "xlsx_error_cells", lambda xml: scanned.append(xml) or {})
    # 批复意见 is optional, and blank on every form a department sends.
    path = write_workbook(tmp_path / "f.xlsx", [("项目1", replace(SEED_FORM, opinion=""), Layout())])
    assert read_workbook(path).issues.empty and scanned == []
    path = write_workbook(tmp_path / "g.xlsx", [("项目1", replace(SEED_FORM, name=""), Layout())])
    assert read_workbook(path).issues.code.tolist() == ["missing_field"] and len(scanned) == 1


def test_a_sheet_part_that_cannot_be_read_has_no_error_cells(tmp_path):
    path = write_workbook(tmp_path / "f.xlsx", [("项目1", SEED_FORM, Layout())])
    errors = cell_errors.PartErrorCells(SheetParts(str(path), ("xl/worksheets/missing.xml", None)), xlsx_error_cells)
    assert errors.of_sheet(0) == {} and errors.of_sheet(1) == {} and errors.of_sheet(5) == {}
    errors.close()


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_failed_formulas_saved_by_libreoffice(soffice, tmp_path, kind):
    path = write_workbook(tmp_path / "f.xlsx", [("项目1", SEED_FORM, Layout())])
    _with_cells(path, {"F4": "=1/0", "E8": "=NA()", "G8": "=#REF!"})
    result = read_workbook(convert(soffice, path, kind, tmp_path / kind))
    assert _issues(result) == EXPECTED
