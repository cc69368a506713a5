"""指标值 that Excel stored as numbers shown through a percent format are read as percentages."""

from __future__ import annotations

import openpyxl
import pytest
import xlsxwriter

from fixtures_forms import SEED_FORM, Layout, write_workbook
from office import convert
from sheetsync.percent import cell_styles, percent_decimals, percent_styles, percent_text
from sheetsync.reader import read_workbook


@pytest.mark.parametrize("code, decimals", [
    ("0%", 0),
    ("0.00%", 2),
    ("#,##0.0%", 1),
    ("0.0%;[Red]-0.0%", 1),
    ("[$-804]0%", 0),
    ("0%_);(0%)", 0),
    ("General", None),
    ("0.00", None),
    ('0"%"', None),  # a literal percent sign: 95 shows as "95%" and is 95
    ("0\\%", None),
    ("0;-0%", None),  # a percentage for negative numbers only
    ('"完成率"0.0%', 1),
])
def test_percent_formats_are_told_from_others(code, decimals):
    assert percent_decimals(code) == decimals


@pytest.mark.parametrize("number, decimals, text", [
    (0.95, 0, "95%"),
    (1.0, 0, "100%"),
    (1.5, 1, "150.0%"),
    (0.955, 0, "95.5%"),  # the format would round it to 96%: the digits are kept
    (0.12345, 2, "12.345%"),
    (0.07, 2, "7.00%"),
    (0.0, 0, "0%"),
])
def test_percent_text_keeps_every_digit(number, decimals, text):
    assert percent_text(number, decimals) == text


def test_styles_with_builtin_and_custom_percent_formats():
    styles = b"""<?xml version="1.0"?>
    <x:styleSheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
      <x:numFmts count="2"><x:numFmt numFmtId="164" formatCode="0.0%"/>
        <x:numFmt numFmtId="165" formatCode="&quot;%&quot;0"/></x:numFmts>
      <x:cellStyleXfs count="1"><x:xf numFmtId="9"/></x:cellStyleXfs>
      <x:cellXfs count="6"><x:xf numFmtId="0"/><x:xf numFmtId="9"/><x:xf numFmtId="10"/>
        <x:xf numFmtId="164"/><x:xf numFmtId="165"/><x:xf/></x:cellXfs>
    </x:styleSheet>"""
    assert percent_styles(styles) == {1: 0, 2: 2, 3: 1}


def test_cell_styles_by_position():
    sheet = (b'<worksheet><sheetData><row r="3"><c r="B3" s="4" t="s"><v>0</v></c>'
             b"<c r='$AA3' s='7'><v>0.5</v></c><c s='2'><v>1</v></c><c r=\"C3\"><v>2</v></c>"
             b"</row></sheetData></worksheet>")
    assert cell_styles(sheet) == {(2, 1): 4, (2, 26): 7}


def _with_numbers(path, cells):
    book = openpyxl.load_workbook(path)
    sheet = book["项目1"]
    for ref, (number, number_format) in cells.items():
        sheet[ref] = number
        sheet[ref].number_format = number_format
    book.save(path)
    return path


# What Excel stores when a clerk types 95%, 150.0%, 100% or 0.5 into a cell not formatted as
# text, and a count typed as a plain number. An .xls holds the whole ones as integers.
TYPED = {"E14": (0.95, "0%"), "H14": (1.5, "0.0%"), "H12": (1, "0%"), "E11": (0.5, "General"), "H11": (3, "0")}
READ = {"E14": "95%", "H14": "150.0%", "H12": "100%", "E11": "0.5", "H11": "3"}


def _values(result):
    indicators = result.indicators.set_index("cell")["value"]
    return {cell: indicators[cell] for cell in TYPED}


def _fractions(result):
    return result.issues.loc[result.issues["code"] == "value_as_fraction", "cell"].tolist()


def test_numbers_shown_as_percentages_are_read_as_typed(tmp_path):
    path = _with_numbers(write_workbook(tmp_path / "pct.xlsx", [("项目1", SEED_FORM, Layout())]), TYPED)
    result = read_workbook(path)
    assert _values(result) == READ
    # Only the fraction whose format says nothing is left to the clerk.
    assert _fractions(result) == ["E11"]
    assert result.issues.loc[result.issues["cell"] == "E11", "severity"].tolist() == ["warning"]


def test_percentages_written_by_xlsxwriter(tmp_path):
    path = tmp_path / "xw.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("项目1")
    percent = book.add_format({"num_format": "0.0%"})
    for row, (label, text) in enumerate([("项目名称", "某项目"), ("预算单位", "某局")]):
        sheet.write(row, 0, label)
        sheet.write(row, 1, text)
    sheet.write_row(3, 0, ["一级指标", "二级指标", "三级指标", "指标值"])
    sheet.write_row(4, 0, ["产出指标", "质量指标", "合格率"])
    sheet.write_number(4, 3, 0.985, percent)
    sheet.write_row(5, 0, ["产出指标", "数量指标", "场次"])
    sheet.write_number(5, 3, 12)
    book.close()
    result = read_workbook(path)
    assert result.indicators["value"].tolist() == ["98.5%", "12"]


def test_percentages_survive_a_libreoffice_round_trip(soffice, tmp_path):
    path = _with_numbers(write_workbook(tmp_path / "pct.xlsx", [("项目1", SEED_FORM, Layout())]), TYPED)
    resaved = convert(soffice, path, "xlsx", tmp_path / "resaved")
    result = read_workbook(resaved)
    assert _values(result) == READ
    assert _fractions(result) == ["E11"]


@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_percentages_in_an_ods_or_xls_are_read_as_typed(soffice, tmp_path, kind):
    path = _with_numbers(write_workbook(tmp_path / "pct.xlsx", [("项目1", SEED_FORM, Layout())]), TYPED)
    result = read_workbook(convert(soffice, path, kind, tmp_path / kind))
    assert _values(result) == READ
    assert _fractions(result) == ["E11"]


def test_a_damaged_styles_part_leaves_the_warning(tmp_path):
    from zip_edits import rewrite_part

    path = _with_numbers(write_workbook(tmp_path / "pct.xlsx", [("项目1", SEED_FORM, Layout())]), TYPED)
    # A duplicated attribute: calamine reads on, an XML parser refuses the part.
    rewrite_part(path, "xl/styles.xml", lambda xml: xml.replace(b"<cellXfs", b'<cellXfs a="1" a="2"'))
    result = read_workbook(path)
    assert _values(result)["E14"] == "0.95"
    assert sorted(_fractions(result)) == ["E11", "E14", "H12"]


def test_ods_percentage_cells_by_position_through_repeats_and_covered_cells():
    import io

    from sheetsync.percent import ods_percent_cells

    content = b"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">
 <office:body><office:spreadsheet>
  <table:table table:name="Instructions"><table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>
  <table:table table:name="P1">
   <table:table-column table:number-columns-repeated="8"/>
   <table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="8"/></table:table-row>
   <table:table-row-group>
    <table:table-row>
     <table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>rate</text:p></table:table-cell>
     <table:covered-table-cell/>
     <table:table-cell office:value-type="percentage" office:value="0.955"><text:p>95.5%</text:p></table:table-cell>
     <table:table-cell office:value-type="float" office:value="0.5"><text:p>0.5</text:p></table:table-cell>
     <table:table-cell office:value-type="percentage" office:value="1"><office:annotation><text:p>note 1.25%</text:p></office:annotation><text:p>100%</text:p></table:table-cell>
    </table:table-row>
   </table:table-row-group>
   <table:table-row table:number-rows-repeated="2">
    <table:table-cell table:number-columns-repeated="2"/>
    <table:table-cell office:value-type="percentage" office:value="0.1" table:number-columns-repeated="2"><text:p>10.0%</text:p></table:table-cell>
   </table:table-row>
  </table:table>
 </office:spreadsheet></office:body></office:document-content>"""
    assert ods_percent_cells(io.BytesIO(content)) == {
        "Instructions": {},
        "P1": {(2, 2): 1, (2, 4): 0, (3, 2): 1, (3, 3): 1, (4, 2): 1, (4, 3): 1},
    }
