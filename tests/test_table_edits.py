"""The indicator table after the edits clerks make to it: retyped headers, the header pasted
again, the table emptied or its header lost, an indicator that starts like a field label."""

from __future__ import annotations

import re

import openpyxl

from fixtures_forms import SEED_FORM, Layout, read_edited, write_form, write_workbook
from zip_edits import rewrite_part
from sheetsync.reader import read_workbook

SEED_INDICATORS = 14


def _edited(tmp_path, edit):
    return read_edited(tmp_path / "form.xlsx", edit)


def _unmerge_table(sheet):
    for merged in [m for m in sheet.merged_cells.ranges if m.min_row >= 7 and m.max_row <= 15]:
        sheet.unmerge_cells(str(merged))


def _codes(result):
    return result.issues[["cell", "code"]].values.tolist()


def test_a_retyped_level1_header_is_read_by_position(tmp_path):
    def retype(sheet):
        sheet["B7"] = "指标类别"

    result = _edited(tmp_path, retype)
    assert len(result.indicators) == SEED_INDICATORS
    assert result.indicators["level1"].iloc[0] == "预期产出指标"
    assert _codes(result) == [["B7", "renamed_column"]]
    assert "“一级指标”" in result.issues["message"].iloc[0]


def test_an_annual_value_header_spelled_like_the_midterm_one(tmp_path):
    def retype(sheet):
        sheet["H7"] = "指标值"

    result = _edited(tmp_path, retype)
    annual = result.indicators[result.indicators["period"] == "年度"]
    assert annual["cell"].iloc[1] == "H9" and annual["value"].iloc[1] == "企业满意度≥95%"
    assert _codes(result) == [["H7", "renamed_column"]]


def test_a_deleted_level1_column_is_not_guessed(tmp_path):
    def delete(sheet):
        _unmerge_table(sheet)
        for r in range(7, 16):
            sheet.cell(r, 1).value = sheet.cell(r, 2).value = None
        sheet["A7"] = "绩效指标"

    result = _edited(tmp_path, delete)
    assert len(result.indicators) == SEED_INDICATORS
    assert "renamed_column" not in set(result.issues["code"])
    assert "missing_level1" in set(result.issues["code"])


def test_the_header_pasted_again_inside_the_table_is_skipped(tmp_path):
    def paste(sheet):
        for c in range(2, 9):
            sheet.cell(12, c).value = sheet.cell(7, c).value

    result = _edited(tmp_path, paste)
    assert "三级指标" not in set(result.indicators["level3"])
    assert len(result.indicators) == SEED_INDICATORS - 2
    assert "unknown_level1" not in set(result.issues["code"])


def test_the_header_pasted_again_under_a_level1_merge_or_spelt_otherwise_is_skipped(tmp_path):
    def paste(sheet):
        # Column B of row 9 lies under the 一级 merge: the paste left it out.
        for c, text in zip(range(3, 9), ["二级指标", "三级指标", "指标值", "二级指标", "三级指标", "计划指标值"]):
            sheet.cell(9, c).value = text

    result = _edited(tmp_path, paste)
    assert "三级指标" not in set(result.indicators["level3"])
    assert "二级指标" not in set(result.indicators["level2"])
    assert len(result.indicators) == SEED_INDICATORS - 2
    assert not {"unknown_level1", "unknown_level2"} & set(result.issues["code"])


def test_a_form_without_its_table_header_is_an_error(tmp_path):
    def clear(sheet):
        for c in range(2, 9):
            sheet.cell(7, c).value = None

    result = _edited(tmp_path, clear)
    assert result.indicators.empty
    missing = result.issues[result.issues["code"] == "missing_table"]
    assert missing["severity"].tolist() == ["error"]
    assert "“一级指标”" in missing["message"].iloc[0]


def test_a_table_without_indicators_is_an_error(tmp_path):
    def empty(sheet):
        _unmerge_table(sheet)
        for r in range(8, 16):
            for c in range(2, 9):
                sheet.cell(r, c).value = None

    result = _edited(tmp_path, empty)
    assert result.indicators.empty
    assert _codes(result) == [["B7", "no_indicators"]]


def test_an_indicator_that_starts_like_the_unit_label_is_not_the_unit(tmp_path):
    def reword(sheet):
        sheet["A3"] = None
        sheet["G14"] = "预算单位满意度"

    result = _edited(tmp_path, reword)
    assert result.projects["budget_unit"].tolist() == [""]
    assert "missing_unit" in set(result.issues["code"])
    assert "预算单位满意度" in set(result.indicators["level3"])


def test_a_cell_of_spaces_is_not_reported(tmp_path):
    def spaces(sheet):
        sheet["J20"] = "\u3000 "

    result = _edited(tmp_path, spaces)
    assert result.issues.empty


def test_a_value_excel_made_a_date_is_flagged(tmp_path):
    import datetime

    def date(sheet):
        sheet["E10"] = datetime.datetime(2021, 12, 1)
        sheet["E10"].number_format = 'yyyy"年"m"月"'  # what Excel shows for a typed 2021年12月

    result = _edited(tmp_path, date)
    assert result.indicators.set_index("cell").loc["E10", "value"] == "2021-12-01"
    assert _codes(result) == [["E10", "value_as_date"]]
    assert result.issues["severity"].tolist() == ["warning"]


def _two_forms(tmp_path, keep_first_footer=True):
    """项目1 with a second project's form pasted below it, 3 rows down."""
    from dataclasses import replace

    path = tmp_path / "two.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目1"
    write_form(sheet, SEED_FORM)
    footer = sheet.max_row
    if not keep_first_footer:
        for merged in [m for m in sheet.merged_cells.ranges if m.min_row == footer]:
            sheet.unmerge_cells(str(merged))
        for cell in sheet[footer]:
            cell.value = None
    write_form(sheet, replace(SEED_FORM, name="第二个项目"), Layout(top=footer + 2))
    book.save(path)
    return footer + 3, read_workbook(path)


def test_a_second_form_below_the_table_is_one_error_and_the_first_is_read_whole(tmp_path):
    single = _edited(tmp_path, lambda sheet: None)
    for keep_footer in (True, False):
        start, result = _two_forms(tmp_path, keep_footer)
        assert result.projects["project_name"].tolist() == single.projects["project_name"].tolist()
        assert result.indicators.drop(columns="file").equals(single.indicators.drop(columns="file"))
        missing_footer = [] if keep_footer else [["", "missing_label"]]
        assert _codes(result) == missing_footer + [[f"A{start}", "second_form"]]
        assert result.issues["message"].iloc[-1].startswith(f"从第{start}行起是另一张表（")


def test_an_indicator_named_like_one_field_is_no_second_form(tmp_path):
    def name_indicator(sheet):
        sheet["D9"] = "项目名称"

    result = _edited(tmp_path, name_indicator)
    assert "second_form" not in result.issues["code"].tolist()
    assert "项目名称" in result.indicators["level3"].tolist()


def test_a_signature_line_below_a_table_without_its_footer_is_no_indicator(tmp_path):
    single = _edited(tmp_path, lambda sheet: None)

    def sign(sheet):
        footer = sheet.max_row
        for merged in [m for m in sheet.merged_cells.ranges if m.min_row == footer]:
            sheet.unmerge_cells(str(merged))
        for cell in sheet[footer]:
            cell.value = None
        sheet.cell(footer + 1, 2, "填表人：张三")
        sheet.cell(footer + 1, 4, "审核人：李四")
        sheet.cell(footer + 1, 7, "联系电话：22223333")

    result = _edited(tmp_path, sign)
    assert result.indicators.drop(columns="file").equals(single.indicators.drop(columns="file"))
    assert [code for _cell, code in _codes(result)] == ["missing_label"] + ["unclaimed_cell"] * 3


def test_a_second_form_beside_the_first_is_one_error_and_the_first_is_read_whole(tmp_path):
    from dataclasses import replace

    single = _edited(tmp_path, lambda sheet: None)
    path = tmp_path / "beside.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目1"
    write_form(sheet, SEED_FORM)
    write_form(sheet, replace(SEED_FORM, name="第二个项目"), Layout(left=9))
    book.save(path)
    result = read_workbook(path)
    assert result.projects["project_name"].tolist() == [SEED_FORM.name]
    assert result.indicators.drop(columns="file").equals(single.indicators.drop(columns="file"))
    assert _codes(result) == [["J1", "second_form_beside"]]
    assert result.issues["message"].iloc[0].startswith("从J列起是另一张表（")


def test_retyped_annual_headers_are_no_form_beside(tmp_path):
    def retype(sheet):
        sheet["F7"], sheet["G7"], sheet["H7"] = "年度二级指标名称", "年度三级指标名称", "年度指标值"

    result = _edited(tmp_path, retype)
    assert [code for _cell, code in _codes(result)] == ["renamed_column"] * 3
    assert result.projects[["annual_budget_wan", "annual_goal"]].values.tolist() == [[0.25, SEED_FORM.annual_goal]]


def test_a_level1_typed_with_a_colon_is_no_signature_line(tmp_path):
    def colon(sheet):
        sheet["B12"] = "其他：说明"

    for footer in (True, False):
        def edit(sheet, footer=footer):
            colon(sheet)
            if not footer:
                last = sheet.max_row
                for merged in [m for m in sheet.merged_cells.ranges if m.min_row == last]:
                    sheet.unmerge_cells(str(merged))
                for cell in sheet[last]:
                    cell.value = None

        result = _edited(tmp_path, edit)
        assert len(result.indicators) == SEED_INDICATORS
        assert "unclaimed_cell" not in result.issues.code.tolist()


def test_a_goal_typed_under_a_merge_made_again_is_read_and_flagged(tmp_path):
    # Unmerged, typed into G6, merged again keeping the hidden contents (LibreOffice offers it):
    # the merge shows F6, empty, and G6's text prints nowhere.
    path = write_workbook(tmp_path / "form.xlsx", [("项目1", SEED_FORM, Layout())])
    book = openpyxl.load_workbook(path)
    sheet = book["项目1"]
    goal = sheet["F6"].value
    sheet.unmerge_cells("F6:H6")
    sheet["F6"], sheet["G6"] = None, goal
    book.save(path)
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb"<mergeCells count=\"(\d+)\">",
                                                lambda m: b'<mergeCells count="%d"><mergeCell ref="F6:H6"/>' % (int(m[1]) + 1), xml))
    result = read_workbook(path)
    assert result.projects["annual_goal"].tolist() == [goal]
    assert _codes(result) == [["G6", "merged_hidden_field"]]
    assert "F6" in result.issues["message"].iloc[0]


def test_zeros_of_formulas_copied_down_to_a_spare_row_are_no_indicator(tmp_path):
    def copy_down(sheet):
        sheet["G15"], sheet["H15"] = 0, 0  # =D15 and =E15 of an empty row, as Excel keeps their results

    result = _edited(tmp_path, copy_down)
    assert len(result.indicators) == SEED_INDICATORS
    assert _codes(result) == [["G15", "zero_rows"]]
    assert result.issues["severity"].tolist() == ["info"]


def test_a_formula_kept_as_text_is_flagged(tmp_path):
    def typed(sheet):
        for ref, text in (("D15", "=D14"), ("E15", "=E14")):
            sheet[ref] = text
            sheet[ref].data_type = "s"  # a cell formatted as text keeps what was typed

    result = _edited(tmp_path, typed)
    assert _codes(result) == [["D15", "formula_as_text"], ["E15", "formula_as_text"]]
    assert "“=D14”是公式的文字" in result.issues["message"].iloc[0]
