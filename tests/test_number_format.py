"""Numbers shown through a number format are read as they show: 指标值 stored as 0.95 and shown
as 95% are read as percentages, 3 shown as 3次 keeps its unit, an amount shown in 元 is converted."""

from __future__ import annotations

import openpyxl
import pytest
import xlsxwriter

from fixtures_forms import SEED_FORM, Layout, write_workbook
from office import convert
from sheetsync.number_format import (Shown, cell_styles, percent_decimals, percent_text, shown_format, shown_styles,
                                     xls_shows_units)
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
    assert shown_styles(styles) == {1: Shown(0), 2: Shown(2), 3: Shown(1), 4: Shown(None, "%")}


def test_cell_styles_by_position():
    sheet = (b'<worksheet><sheetData><row r="3"><c r="B3" s="4" t="s"><v>0</v></c>'
             b"<c r='$AA3' s='7'><v>0.5</v></c><c s='2'><v>1</v></c><c r=\"C3\"><v>2</v></c>"
             b"</row><row><c s='5'/><col/><c/><c s='6'/></row></sheetData></worksheet>")
    # A cell without its reference follows the one before it; a row without one, the row before.
    assert cell_styles(sheet) == {(2, 1): 4, (2, 26): 7, (2, 27): 2, (3, 0): 5, (3, 2): 6}


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
    assert sorted(_fractions(result)) == ["E11", "E14"]  # not H12's 1: a count of one as likely as 100%


def test_ods_percentage_cells_by_position_through_repeats_and_covered_cells():
    import io

    from sheetsync.number_format import ods_shown_cells

    content = """<?xml version="1.0" encoding="UTF-8"?>
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
   <table:table-row>
    <table:table-cell office:value-type="float" office:value="3"><text:p>3次</text:p></table:table-cell>
    <table:table-cell office:value-type="percentage" office:value="0.95"><text:p>≥95.00%</text:p></table:table-cell>
    <table:table-cell office:value-type="float" office:value="22500"><text:p>22,500</text:p></table:table-cell>
   </table:table-row>
  </table:table>
 </office:spreadsheet></office:body></office:document-content>""".encode()
    assert ods_shown_cells(io.BytesIO(content)) == {
        "Instructions": {},
        "P1": {(2, 2): Shown(1), (2, 4): Shown(0), (3, 2): Shown(1), (3, 3): Shown(1), (4, 2): Shown(1),
               (4, 3): Shown(1), (5, 0): Shown(None, "", "次"), (5, 1): Shown(2, "≥")},
    }


@pytest.mark.parametrize("code, shown", [
    ('#,##0"元"', Shown(None, "", "元")),
    ("0元", Shown(None, "", "元")),  # typed unquoted: Excel shows the character as it is
    ('0.00" 万元"', Shown(None, "", "万元")),
    ('"每年"0"次"', Shown(None, "每年", "次")),
    ('General"人"', Shown(None, "", "人")),
    ('"≥"0.0%', Shown(1, "≥")),
    ("0\\%", Shown(None, "", "%")),  # a literal percent sign: 95 shows as 95%
    ('0"次";-0"次"', Shown(None, "", "次")),
    ("0.00_ ", None),  # padding only
    ('_ ￥* #,##0.00_ ;_ ￥* \\-#,##0.00_ ;_ ￥* "-"??_ ;_ @_ ', None),  # WPS's accounting format: ￥ tells no unit
    ('yyyy"年"m"月"', None),  # a date: calamine reads the cell as a date
    ("[Red]0", None),
    # Scaled: a comma after the digits divides by a thousand, a point typed as text moves the point.
    ("0!.0000", Shown(None, "", "", 4, 4)),
    ('0!.0,"万"', Shown(None, "", "万", 4, 1)),
    ('0\\.0,"万元"', Shown(None, "", "万元", 4, 1)),
    ('0"."0000', Shown(None, "", "", 4, 4)),
    ('#,##0.0,"千"', Shown(None, "", "千", 3, 1)),
    ('0.00,,"百万"', Shown(None, "", "百万", 6, 2)),
    ('0"."', Shown(None, "", ".")),  # a point after the digits only shows as itself
    ("0.0%,", None),  # a scaled percentage: not looked into
    ('[>=10000]0!.0,"万";0', None),
    ('@"元"', None),  # a format for text only: a number shows as it is
    ('0"个";-0"个";0;@"项"', Shown(None, "", "个", 0, 0)),  # which section shows a number depends on it
])
def test_what_a_format_shows_beside_the_number(code, shown):
    assert shown_format(code) == shown


UNITS = {"E8": (9, '0"个Ukey"'), "H11": (3, '"每年"0"次"'), "F4": (7500, '#,##0"元"'), "H4": (0.25, '0.00"万元"')}


def _with_units(tmp_path):
    return _with_numbers(write_workbook(tmp_path / "units.xlsx", [("项目1", SEED_FORM, Layout())]), UNITS)


def _check_units(result):
    indicators = result.indicators.set_index("cell")["value"]
    assert indicators["E8"] == "9个Ukey"
    assert indicators["H11"] == "每年3次"
    project = result.projects.iloc[0]
    assert project["midterm_budget_wan"] == 0.75  # 7500 元
    assert project["annual_budget_wan"] == 0.25
    issues = result.issues.set_index("cell")
    assert issues.loc["F4", "code"] == "amount_converted"
    assert "7500元" in issues.loc["F4", "message"]
    assert "H4" not in issues.index  # a number shown with 万元 is as asked
    assert result.issues["code"].isin(["value_as_fraction"]).sum() == 0


def test_numbers_shown_with_a_unit_are_read_as_they_show(tmp_path):
    _check_units(read_workbook(_with_units(tmp_path)))


def test_numbers_shown_with_a_unit_in_an_ods(soffice, tmp_path):
    _check_units(read_workbook(convert(soffice, _with_units(tmp_path), "ods", tmp_path / "ods")))


def test_numbers_shown_with_a_unit_in_an_xls(soffice, tmp_path):
    path = convert(soffice, _with_units(tmp_path), "xls", tmp_path / "xls")
    assert xls_shows_units(str(path))
    _check_units(read_workbook(path))


def test_an_xls_without_such_formats_is_not_opened_for_its_amounts(soffice, tmp_path, monkeypatch):
    from sheetsync import number_format

    path = convert(soffice, write_workbook(tmp_path / "plain.xlsx", [("项目1", SEED_FORM, Layout())]), "xls", tmp_path / "xls")
    assert not xls_shows_units(str(path))
    monkeypatch.setattr(number_format, "xls_shown_cells", lambda book, sheet: pytest.fail("the .xls was opened with xlrd"))
    assert read_workbook(path).projects.iloc[0]["midterm_budget_wan"] == 0.75


def test_a_workbook_without_such_formats_reads_no_sheet_again(tmp_path, monkeypatch):
    from sheetsync import number_format

    path = write_workbook(tmp_path / "plain.xlsx", [("项目1", SEED_FORM, Layout())])
    monkeypatch.setattr(number_format, "cell_styles", lambda xml: pytest.fail("a sheet's XML was read"))
    result = read_workbook(path)
    assert result.projects.iloc[0]["midterm_budget_wan"] == 0.75


@pytest.mark.parametrize("number, code, text", [
    (225678, "0!.0000", "22.5678"),
    (225678, '0!.0,"万"', "22.5678万"),  # shown as 22.6万: the digits it rounds away are kept
    (50000, "0!.0000", "5"),
    (7, "0!.0000", "0.0007"),
    (1234567, '0.00,,"百万"', "1.234567百万"),
])
def test_a_scaled_number_is_read_with_every_digit(number, code, text):
    assert shown_format(code).text(float(number)) == text


@pytest.mark.parametrize("shown", [Shown(0), Shown(2, "≥"), Shown(None, "", "元"), Shown(None, "每年", "次"),
                                   Shown(None, "", "", 4, 4), Shown(None, "", "万", 4, 1), Shown(None, "", "千", 3, 1),
                                   Shown(None, "", "", 6, 3)])
def test_a_feedback_copy_shows_numbers_the_same_way(shown):
    assert shown_format(shown.format_code()) == shown


# Amounts kept in 元 and shown as 万元 through a scaled format, and a count shown in 千人.
# LibreOffice shows the point of Excel's 0!.0000 as "!.", so these are written with \. and ".".
SCALED = {"F4": (225678, "0\\.0000"), "H4": (50000, '0"."0,"万"'), "E8": (12345, '0.0,"千人"')}


def _with_scaled(tmp_path, cells=SCALED):
    return _with_numbers(write_workbook(tmp_path / "scaled.xlsx", [("项目1", SEED_FORM, Layout())]), cells)


def _check_scaled(result):
    assert result.indicators.set_index("cell")["value"]["E8"] == "12.345千人"
    project = result.projects.iloc[0]
    assert (project["midterm_budget_wan"], project["annual_budget_wan"]) == (22.5678, 5)
    issues = result.issues.set_index("cell")
    assert issues.loc[["F4", "H4"], "code"].tolist() == ["amount_scaled", "amount_scaled"]
    assert "存的数是50000" in issues.loc["H4", "message"] and "5万元" in issues.loc["H4", "message"]


def test_an_amount_shown_in_thousands_of_yuan_is_read_in_wan(tmp_path):
    cells = {"F4": (7_500_000, '#,##0,"千元"'), "H4": (2_000, '#,##0"千元"')}
    result = read_workbook(_with_scaled(tmp_path, cells))
    project = result.projects.iloc[0]
    assert (project["midterm_budget_wan"], project["annual_budget_wan"]) == (750, 200)
    issues = result.issues.set_index("cell")
    assert issues.loc[["F4", "H4"], "code"].tolist() == ["amount_scaled", "amount_converted"]
    assert "存的数是7500000" in issues.loc["F4", "message"] and "750万元" in issues.loc["F4", "message"]
    assert "（千元）" in issues.loc["H4", "message"]


@pytest.mark.parametrize("f4, h4", [("0\\.0000", '0"."0,"万"'), ("0!.0000", '0!.0,"万"')])
def test_amounts_shown_scaled_are_read_as_they_show(tmp_path, f4, h4):
    cells = {**SCALED, "F4": (225678, f4), "H4": (50000, h4)}
    _check_scaled(read_workbook(_with_scaled(tmp_path, cells)))


@pytest.mark.parametrize("kind", ["xlsx", "ods", "xls"])
def test_amounts_shown_scaled_after_libreoffice(soffice, tmp_path, kind):
    _check_scaled(read_workbook(convert(soffice, _with_scaled(tmp_path), kind, tmp_path / kind)))


# Numbers whose shown text an .ods gives: a sign, a fraction, a scale, digits in the format's own
# text, a currency sign, and Chinese Excel's name for General.
TRICKY = {"E8": (-5, "General"), "H8": (-0.05, "0%"), "E9": (0.5, "# ?/?"), "E10": (7500, '0.0,"万"'),
          "H9": (35, '"前3季度≥"0"场"'), "H10": (0.95, '"Top10≥"0%'), "E11": (9, '[$¥-804]0"个"'),
          "F4": (7500, '[$¥-804]#,##0"元"'), "H4": (2500, '¥#,##0.00"元"')}
TRICKY_READ = {"E8": "-5", "H8": "-5%", "E9": "0.5", "E10": "7.5万", "H9": "前3季度≥35场", "H10": "Top10≥95%",
               "E11": "9个"}


def _check_tricky(result):
    indicators = result.indicators.set_index("cell")["value"]
    assert {cell: indicators[cell] for cell in TRICKY_READ} == TRICKY_READ
    project = result.projects.iloc[0]
    assert (project["midterm_budget_wan"], project["annual_budget_wan"]) == (0.75, 0.25)
    assert _fractions(result) == ["E9"]


def test_numbers_with_tricky_formats(tmp_path):
    _check_tricky(read_workbook(_with_numbers(write_workbook(tmp_path / "t.xlsx", [("项目1", SEED_FORM, Layout())]), TRICKY)))


@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_numbers_with_tricky_formats_in_other_kinds(soffice, tmp_path, kind):
    path = _with_numbers(write_workbook(tmp_path / "t.xlsx", [("项目1", SEED_FORM, Layout())]), TRICKY)
    _check_tricky(read_workbook(convert(soffice, path, kind, tmp_path / kind)))


def test_chinese_excels_general_shows_the_number():
    assert shown_format("G/通用格式") is None
    assert shown_format('G/通用格式"个"') == Shown(None, "", "个")
