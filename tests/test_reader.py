"""Reading the official form laid out by hand, in every variant departments produce."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from fixtures_forms import (INSERTED_ROWS, OFFICIAL_LABELS, OPINION, RETYPED_LABELS, SEED_FORM, Layout,
                            delete_rows_as_excel, insert_cols_as_excel, insert_rows_as_excel, read_edited,
                             write_workbook, with_rows)
from sheetsync.issues import ISSUE_COLUMNS
from sheetsync.model import INDICATOR_COLUMNS, PROJECT_COLUMNS, SUPERSEDED
from sheetsync.reader import read_workbook

UNIT = "中国国际贸易促进委员会东莞市委员会"
NAME = "CO出证认证EDI管理系统CA证书费用"

# (period, level1, level2, level3, value, op, num, unit, kind, cell) of the seed's first form.
SEED_INDICATORS = [
    ("中期", "预期产出指标", "数量指标（或建筑规模指标）", "计划缴纳CO出证认证EDI管理系统CA证书数量", "9个Ukey", "=", 9.0, "个Ukey", "定量", "E8"),
    ("年度", "预期产出指标", "数量指标（或建筑规模指标）", "缴纳CO出证认证证书数量", "9个Ukey", "=", 9.0, "个Ukey", "定量", "H8"),
    ("中期", "预期产出指标", "质量指标", "为企业办证服务质量", "企业满意度", "", None, "", "定性", "E9"),
    ("年度", "预期产出指标", "质量指标", "为企业办证服务质量", "企业满意度≥95%", "≥", 95.0, "%", "定量", "H9"),
    ("中期", "预期产出指标", "时效指标（工期指标）", "（实际缴纳数量应缴纳数量）100%", "及时", "", None, "", "定性", "E10"),
    ("年度", "预期产出指标", "时效指标（工期指标）", "计划进度完成时效", "及时", "", None, "", "定性", "H10"),
    ("中期", "预期产出指标", "预算（或投资规模）控制指标", "预算执行率", "每年≥95%", "≥", 95.0, "%", "定量", "E11"),
    ("年度", "预期产出指标", "预算（或投资规模）控制指标", "预算执行率", "每年≥95%", "≥", 95.0, "%", "定量", "H11"),
    ("中期", "效果指标", "社会、经济、生态效益指标", "CA证书成功续期", "有效", "", None, "", "定性", "E12"),
    ("年度", "效果指标", "社会、经济、生态效益指标", "CA证书成功续期", "确保审证人员的CA证书正常使用", "", None, "", "定性", "H12"),
    ("中期", "效果指标", "可持续影响指标", "业务系统网络安全和数据安全", "有效", "", None, "", "定性", "E13"),
    ("年度", "效果指标", "可持续影响指标", "业务系统网络安全和数据安全", "有效", "", None, "", "定性", "H13"),
    ("中期", "满意度指标", "服务对象满意度指标", "企业满意度", "≥95%", "≥", 95.0, "%", "定量", "E14"),
    ("年度", "满意度指标", "服务对象满意度指标", "申办原产地证书的企业满意度", "≥95%", "≥", 95.0, "%", "定量", "H14"),
]


def expected_projects(file: str, sheets: list[str], **changes) -> pd.DataFrame:
    row = {
        "file": file, "sheet": "", "form": "dongguan_approval", "year": 2021, "budget_unit": UNIT,
        "project_name": NAME, "project_code": "", "midterm_period": "2021-2023", "midterm_budget_wan": 0.75,
        "annual_budget_wan": 0.25, "midterm_goal": "支付进度为40%", "annual_goal": "支付进度为95%",
        "approval_opinion": OPINION, "template_version": "", "generated_at": "",
    }
    rows = [{**row, "sheet": s, **changes} for s in sheets]
    df = pd.DataFrame(rows, columns=PROJECT_COLUMNS)
    df["year"] = df["year"].astype("Int64")
    return df.assign(**{SUPERSEDED: False})


def expected_indicators(file: str, sheet: str, rows=SEED_INDICATORS, shift=(0, 0)) -> pd.DataFrame:
    records = []
    for period, l1, l2, l3, value, op, num, unit, kind, cell in rows:
        records.append({
            "file": file, "sheet": sheet, "budget_unit": UNIT, "project_name": NAME, "period": period,
            "level1": l1, "level2": l2, "level3": l3, "value": value, "value_op": op, "value_num": num,
            "value_unit": unit, "value_kind": kind, "cell": _shift(cell, *shift),
        })
    df = pd.DataFrame(records, columns=INDICATOR_COLUMNS)
    df["value_num"] = df["value_num"].astype("float64")
    return df.assign(**{SUPERSEDED: False})


def _shift(cell: str, rows: int, cols: int) -> str:
    letters = "".join(ch for ch in cell if ch.isalpha())
    number = int(cell[len(letters):])
    return f"{chr(ord(letters) + cols)}{number + rows}"


def issues_frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=ISSUE_COLUMNS).astype(str).assign(**{SUPERSEDED: False})


def test_official_layout_reads_exactly(tmp_path):
    path = write_workbook(tmp_path / "ccpit.xlsx", [("项目1", SEED_FORM, Layout())])
    c = read_workbook(path)
    pd.testing.assert_frame_equal(c.projects, expected_projects(str(path), ["项目1"]))
    pd.testing.assert_frame_equal(c.indicators, expected_indicators(str(path), "项目1"))
    pd.testing.assert_frame_equal(c.issues, issues_frame([]))
    assert c.file_count == 1


VARIANTS = {
    "shifted down and right": (Layout(top=3, left=2), (3, 2)),
    "merges undone, value in the first cell": (Layout(merges="first"), (0, 0)),
    "merged values repeated on every cell": (Layout(merges="repeated"), (0, 0)),
    "labels retyped": (Layout(labels=RETYPED_LABELS), (0, 0)),
    "blank rows above the table": (Layout(blank_rows_before_table=2), (2, 0)),
    "unit name in its own cell": (Layout(unit_in_next_cell=True), (0, 0)),
    "all at once": (Layout(top=1, left=1, merges="repeated", labels=RETYPED_LABELS, blank_rows_before_table=1,
                           unit_in_next_cell=True), (2, 1)),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_hand_made_variants_read_the_same(tmp_path, name):
    layout, shift = VARIANTS[name]
    path = write_workbook(tmp_path / "v.xlsx", [("Sheet", SEED_FORM, layout)])
    c = read_workbook(path)
    pd.testing.assert_frame_equal(c.projects, expected_projects(str(path), ["Sheet"]))
    pd.testing.assert_frame_equal(c.indicators, expected_indicators(str(path), "Sheet", shift=shift))
    pd.testing.assert_frame_equal(c.issues, issues_frame([]))


INSERTED = (
    SEED_INDICATORS[:4]
    + [("中期", "预期产出指标", "质量指标", "证书办理准确率", "≥98%", "≥", 98.0, "%", "定量", "E10"),
       ("年度", "预期产出指标", "质量指标", "证书办理准确率", "≥98%", "≥", 98.0, "%", "定量", "H10"),
       ("年度", "预期产出指标", "质量指标", "退件率", "≤2%", "≤", 2.0, "%", "定量", "H11")]
    + [(*row[:-1], _shift(row[-1], 2, 0)) for row in SEED_INDICATORS[4:]]
)


@pytest.mark.parametrize("merges", ["merged", "first", "repeated"])
def test_inserted_rows_inherit_level1_and_level2(tmp_path, merges):
    data = with_rows(SEED_FORM, INSERTED_ROWS)
    path = write_workbook(tmp_path / "ins.xlsx", [("项目1", data, Layout(merges=merges))])
    c = read_workbook(path)
    pd.testing.assert_frame_equal(c.indicators, expected_indicators(str(path), "项目1", rows=INSERTED))
    pd.testing.assert_frame_equal(c.issues, issues_frame([]))


def test_sheets_renamed_reordered_and_an_instructions_sheet(tmp_path):
    second = replace(SEED_FORM, name="办公及业务场所租金", midterm_budget=66, annual_budget=22)
    path = write_workbook(
        tmp_path / "two.xlsx",
        [("租金", second, Layout()), ("证书", SEED_FORM, Layout(top=1))],
        extra_first={"填表说明": [["填表说明"], ["1. 金额单位为万元。"]]},
    )
    c = read_workbook(path)
    assert c.projects[["sheet", "project_name", "midterm_budget_wan", "annual_budget_wan"]].values.tolist() == [
        ["租金", "办公及业务场所租金", 66.0, 22.0],
        ["证书", NAME, 0.75, 0.25],
    ]
    assert c.indicators.groupby("sheet", sort=False).size().to_dict() == {"租金": 14, "证书": 14}
    pd.testing.assert_frame_equal(c.issues, issues_frame([{
        "file": str(path), "sheet": "填表说明", "cell": "", "field": "", "severity": "info",
        "code": "ignored_sheet", "message": "此工作表不是绩效目标表（没有找到表格标签），已跳过。",
    }]))


def test_a_list_of_projects_the_clerk_added_is_no_form(tmp_path):
    list_sheet = [["序号", "项目名称", "中期市财政预算（万元）", "本年度申请市财政预算资金（万元）"], [1, NAME, 0.75, 0.25]]
    path = write_workbook(tmp_path / "list.xlsx", [("证书", SEED_FORM, Layout())], extra_first={"项目清单": list_sheet})
    c = read_workbook(path)
    assert c.projects["sheet"].tolist() == ["证书"]
    assert c.issues[["sheet", "code"]].values.tolist() == [["项目清单", "ignored_sheet"]]


def test_amounts_typed_as_text_are_numbers_with_a_warning(tmp_path):
    data = replace(SEED_FORM, midterm_budget="６６．００万元", annual_budget="1,234.5")
    path = write_workbook(tmp_path / "text.xlsx", [("项目1", data, Layout())])
    c = read_workbook(path)
    assert c.projects[["midterm_budget_wan", "annual_budget_wan"]].values.tolist() == [[66.0, 1234.5]]
    codes = c.issues[["cell", "code"]].values.tolist()
    assert ["F4", "amount_as_text"] in codes and ["H4", "amount_as_text"] in codes
    assert ["H4", "annual_above_midterm"] in codes


@pytest.mark.parametrize("line", [f"预算单位：{UNIT}        单位：万元", f"预算单位：{UNIT}\n金额单位:万元"])
def test_the_amount_unit_on_the_unit_line_is_not_part_of_the_unit(tmp_path, line):
    c = read_edited(tmp_path / "unit.xlsx", {"A3": line})
    assert c.projects.budget_unit.tolist() == [UNIT]
    assert c.issues.empty


def test_the_amount_unit_in_a_cell_of_its_own_on_the_unit_line_is_part_of_the_line(tmp_path):
    def edit(sheet):
        sheet.unmerge_cells("A3:H3")
        sheet["A3"], sheet["H3"] = f"预算单位：{UNIT}", "金额单位：万元"

    c = read_edited(tmp_path / "unit.xlsx", edit)
    assert c.projects.budget_unit.tolist() == [UNIT]
    assert c.issues.empty


@pytest.mark.parametrize("seal", ["（盖章）", "(单位盖章)", " （公章）"])
def test_a_seals_note_after_the_unit_is_not_part_of_it(tmp_path, seal):
    c = read_edited(tmp_path / "unit.xlsx", {"A3": f"预算单位：{UNIT}{seal}"})
    assert c.projects.budget_unit.tolist() == [UNIT] and c.issues.empty


def test_lines_after_the_unit_on_its_line_are_no_part_of_it_and_reported(tmp_path):
    c = read_edited(tmp_path / "unit.xlsx", {"A3": f"预算单位：{UNIT}\n填报人：张三 电话：12345678"})
    assert c.projects.budget_unit.tolist() == [UNIT]
    assert c.issues[["cell", "code"]].values.tolist() == [["A3", "unit_line_more"]]
    assert "“填报人：张三 电话：12345678”" in c.issues["message"].item() and f"“{UNIT}”" in c.issues["message"].item()


@pytest.mark.parametrize("line", [f"填报单位：{UNIT}", f"单位名称:{UNIT}", f"预算部门  {UNIT}"])
def test_a_unit_line_labelled_as_hand_made_forms_do_is_read(tmp_path, line):
    c = read_edited(tmp_path / "unit.xlsx", {"A3": line})
    assert c.projects.budget_unit.tolist() == [UNIT] and c.issues.empty


def _unit_and_amount_note(sheet):
    sheet.unmerge_cells("A3:H3")
    sheet["A3"], sheet["H3"] = UNIT, "单位：万元"


@pytest.mark.parametrize("edit", [{"A3": UNIT}, {"A3": f"  {UNIT}（盖章）"}, _unit_and_amount_note])
def test_a_unit_name_typed_over_the_unit_lines_label_is_read_with_a_warning(tmp_path, edit):
    c = read_edited(tmp_path / "unit.xlsx", edit)
    assert c.projects.budget_unit.tolist() == [UNIT]
    assert c.issues[["cell", "code"]].values.tolist() == [["A3", "unit_label_missing"]]
    assert f"已把“{UNIT}”读作单位名称" in c.issues["message"].item()


@pytest.mark.parametrize("line", ["填报日期：2026年1月5日", "", "单位：万元"])
def test_a_line_without_a_units_name_is_no_unit(tmp_path, line):
    c = read_edited(tmp_path / "unit.xlsx", {"A3": line})
    assert c.projects.budget_unit.tolist() == [""]
    assert "missing_unit" in c.issues["code"].tolist()


def test_a_value_typed_as_the_level3_name_is_flagged_and_a_swap_named(tmp_path):
    c = read_edited(tmp_path / "swap.xlsx", {"D8": "≥95%", "E8": "企业满意度", "G8": "１００％", "H8": "100%"})
    assert c.issues[["cell", "code"]].values.tolist() == [["D8", "swapped_columns"], ["G8", "level3_is_value"]]
    assert "三级指标“≥95%”是指标值，指标值“企业满意度”却像是指标名称" in c.issues["message"].iloc[0]
    assert c.indicators["level3"].iloc[:2].tolist() == ["≥95%", "１００％"]  # read as typed, not swapped


def test_a_period_typed_over_the_year_line_names_the_forms_first_year(tmp_path):
    c = read_edited(tmp_path / "year.xlsx", {"A2": "（2021-2023年度）"})
    assert c.projects["year"].tolist() == [2021] and c.issues.empty


def test_a_unit_line_longer_than_any_label_is_read(tmp_path):
    unit = "东莞市" + "某" * 120 + "局"
    c = read_edited(tmp_path / "unit.xlsx", {"A3": f"预算单位：{unit}"})
    assert c.projects.budget_unit.tolist() == [unit]
    assert c.issues.empty


def test_a_form_on_a_hidden_sheet_is_read_noted_and_loses_to_the_visible_copy(tmp_path):
    import openpyxl

    from sheetsync.model import Collection
    from sheetsync.status import choose_copies

    draft = replace(SEED_FORM, midterm_budget=99, annual_budget=33)
    path = write_workbook(tmp_path / "draft.xlsx", [("旧稿", draft, Layout()), ("项目1", SEED_FORM, Layout())])
    wb = openpyxl.load_workbook(path)
    wb["旧稿"].sheet_state = "hidden"
    wb.save(path)
    c = read_workbook(path)
    assert c.projects.sheet.tolist() == ["项目1", "旧稿"]
    assert c.issues[["sheet", "severity", "code"]].values.tolist() == [["旧稿", "warning", "hidden_form"]]
    used = choose_copies(Collection(c.projects, c.indicators, c.issues)).projects
    assert used[["sheet", "midterm_budget_wan"]].values.tolist() == [["项目1", 0.75]]


def test_a_sheet_copied_for_the_same_project_is_noted_on_the_copy(tmp_path):
    edited = replace(SEED_FORM, annual_budget=0.5)
    path = write_workbook(tmp_path / "copy.xlsx", [("项目1", SEED_FORM, Layout()), ("项目1 (2)", edited, Layout())])
    c = read_workbook(path)
    assert c.issues[["sheet", "severity", "code"]].values.tolist() == [["项目1 (2)", "warning", "project_twice_in_file"]]
    assert "工作表“项目1”是同一项目" in c.issues.message.iloc[0] and "汇总采用的是“项目1”" in c.issues.message.iloc[0]


def _merged_keeping_hidden(tmp_path, cells: dict) -> str:
    """The seed form with ``cells`` set, then E12:E13 merged as LibreOffice merges when asked to
    keep the hidden cells' contents: E13 keeps its value."""
    import openpyxl

    from zip_edits import rewrite_part

    path = write_workbook(tmp_path / "merged.xlsx", [("项目1", SEED_FORM, Layout())])
    wb = openpyxl.load_workbook(path)
    for ref, (value, number_format) in cells.items():
        wb["项目1"][ref] = value
        wb["项目1"][ref].number_format = number_format
    wb.save(path)
    return rewrite_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"<mergeCells count=\"14\">", b'<mergeCells count="15"><mergeCell ref="E12:E13"/>'))


def test_a_merge_repeating_what_it_shows_is_read_without_a_note(tmp_path):
    c = read_workbook(_merged_keeping_hidden(tmp_path, {"E12": (0.95, "0%"), "E13": (0.95, "0%")}))
    assert c.indicators.set_index("cell").loc[["E12", "E13"], "value"].tolist() == ["95%", "95%"]
    assert c.issues.empty


def test_text_hidden_under_a_merge_is_reported_not_read(tmp_path):
    c = read_workbook(_merged_keeping_hidden(tmp_path, {"E13": ("无效", "General")}))
    assert c.indicators.set_index("cell").loc["E13", "value"] == "有效"  # what the merge shows
    assert c.issues[["cell", "code"]].values.tolist() == [["E13", "merged_hidden_text"]]
    assert "“无效”" in c.issues.message.iloc[0] and "E12" in c.issues.message.iloc[0]


def test_a_departments_comments_are_noted_and_ours_passed_over(tmp_path):
    import openpyxl
    from openpyxl.comments import Comment

    path = write_workbook(tmp_path / "notes.xlsx", [("项目1", SEED_FORM, Layout())])
    wb = openpyxl.load_workbook(path)
    wb["项目1"]["E9"].comment = Comment("此值待确认，可能为≥90%", "张三")
    wb["项目1"]["J10"].comment = Comment("备注写在空单元格", "张三")
    wb["项目1"]["F4"].comment = Comment("“中期市财政预算”未填写", "sheetsync")  # a feedback copy's
    wb.save(path)
    c = read_workbook(path)
    assert c.issues[["cell", "severity", "code"]].values.tolist() == [["E9", "info", "cell_comment"],
                                                                     ["J10", "info", "cell_comment"]]
    assert "“此值待确认，可能为≥90%”" in c.issues.message.iloc[0]


def test_unclaimed_cells_are_reported_with_cell_and_text(tmp_path):
    import openpyxl

    path = write_workbook(tmp_path / "note.xlsx", [("项目1", SEED_FORM, Layout())])
    wb = openpyxl.load_workbook(path)
    wb["项目1"]["J9"] = "备注：另有配套资金"
    wb["项目1"]["A30"] = 42
    wb.save(path)
    c = read_workbook(path)
    unclaimed = c.issues[c.issues.code == "unclaimed_cell"]
    assert unclaimed[["cell", "severity"]].values.tolist() == [["J9", "warning"], ["A30", "warning"]]
    assert "备注：另有配套资金" in unclaimed.message.iloc[0]
    assert "“42”" in unclaimed.message.iloc[1]
    # The form itself is read as before.
    pd.testing.assert_frame_equal(c.indicators, expected_indicators(str(path), "项目1"))


def test_a_block_pasted_beside_the_form_is_listed_up_to_a_count(tmp_path):
    from fixtures_forms import read_edited

    def paste(sheet):
        for r in range(1, 101):
            for c in range(11, 16):
                sheet.cell(r, c).value = f"数据{r}-{c}"

    c = read_edited(tmp_path / "pasted.xlsx", paste)
    listed = c.issues[c.issues.code == "unclaimed_cell"]
    assert len(listed) == 200 and listed["cell"].iloc[0] == "K1"
    [more] = c.issues[c.issues.code == "unclaimed_more"].to_dict(orient="records")
    assert (more["cell"], more["severity"]) == ("K41", "warning")
    assert "另有300个单元格" in more["message"] and "前200个" in more["message"]
    pd.testing.assert_frame_equal(c.indicators, expected_indicators(str(tmp_path / "pasted.xlsx"), "项目1"))


def test_a_workbook_without_a_form_is_an_issue(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "部门联系人"
    wb.active["B1"] = "张三"
    wb.save(tmp_path / "other.xlsx")
    c = read_workbook(tmp_path / "other.xlsx")
    assert c.projects.empty and c.indicators.empty
    assert c.issues.code.tolist() == ["ignored_sheet", "no_form"]
    assert c.issues.severity.tolist() == ["info", "error"]


@pytest.mark.parametrize("rows", [1, 2])
def test_blank_rows_inserted_between_the_goal_labels_and_the_goals_lose_nothing(tmp_path, rows):
    c = read_edited(tmp_path / "a.xlsx", lambda sheet: insert_rows_as_excel(sheet, 6, rows))
    assert c.projects[["midterm_goal", "annual_goal"]].values.tolist() == [[SEED_FORM.midterm_goal, SEED_FORM.annual_goal]]
    assert len(c.indicators) == len(SEED_INDICATORS) and c.issues.empty


@pytest.mark.parametrize("column", range(1, 10))
def test_a_column_inserted_anywhere_loses_nothing(tmp_path, column):
    c = read_edited(tmp_path / "a.xlsx", lambda sheet: insert_cols_as_excel(sheet, column))
    assert c.projects[["project_name", "midterm_budget_wan", "annual_budget_wan"]].values.tolist() == [[NAME, 0.75, 0.25]]
    assert c.indicators["value"].tolist() == [row[4] for row in SEED_INDICATORS] and c.issues.empty


def test_goals_left_blank_above_inserted_rows_are_missing_where_they_belong(tmp_path):
    def edit(sheet):
        insert_rows_as_excel(sheet, 6)
        sheet["B7"] = sheet["F7"] = None

    c = read_edited(tmp_path / "a.xlsx", edit)
    assert c.issues[["cell", "code"]].values.tolist() == [["B6", "missing_field"], ["F6", "missing_field"]]


@pytest.mark.parametrize("between", ["\n", "：", "\n："])
def test_a_goal_typed_into_its_labels_cell_is_read(tmp_path, between):
    def edit(sheet):
        sheet["B5"] = sheet["B5"].value + between + SEED_FORM.midterm_goal
        sheet["B6"] = None

    c = read_edited(tmp_path / "a.xlsx", edit)
    assert c.projects[["midterm_goal", "midterm_period"]].values.tolist() == [[SEED_FORM.midterm_goal, "2021-2023"]]
    assert c.issues.empty


def test_a_goal_in_its_labels_cell_beside_one_in_its_place_is_reported(tmp_path):
    c = read_edited(tmp_path / "a.xlsx", lambda sheet: sheet.cell(5, 2, sheet["B5"].value + "\n旧的目标"))
    assert c.projects["midterm_goal"].tolist() == [SEED_FORM.midterm_goal]
    assert c.issues[["cell", "code"]].values.tolist() == [["B5", "unclaimed_cell"]]


def test_the_goals_row_deleted_leaves_them_missing_not_read_from_the_tables_header(tmp_path):
    c = read_edited(tmp_path / "a.xlsx", lambda sheet: delete_rows_as_excel(sheet, 6))
    assert c.projects[["midterm_goal", "annual_goal"]].values.tolist() == [["", ""]]
    assert c.issues[["cell", "code"]].values.tolist() == [["B6", "missing_field"], ["F6", "missing_field"]]
    assert len(c.indicators) == len(SEED_INDICATORS)


def test_a_column_missing_from_the_header_loses_nothing(tmp_path):
    # No 年度 指标值 header: the column is not the table's, so its values are reported, not dropped.
    labels = {**OFFICIAL_LABELS, "annual_value": ""}
    path = write_workbook(tmp_path / "a.xlsx", [("项目1", SEED_FORM, Layout(labels=labels))])
    c = read_workbook(path)
    midterm = c.indicators[c.indicators.period == "中期"]
    annual = c.indicators[c.indicators.period == "年度"]
    rows = SEED_FORM.rows
    assert midterm.value.tolist() == [row.midterm.value for row in rows if row.midterm.value]
    assert set(annual.value) == {""} and len(annual) == sum(1 for row in rows if row.annual.level3)
    unclaimed = c.issues[c.issues.code == "unclaimed_cell"]
    assert sorted(unclaimed.message.str.extract(r"“(.*)”")[0]) == sorted(row.annual.value for row in rows if row.annual.value)
    assert (c.issues.code == "level3_without_value").sum() == len(annual)
