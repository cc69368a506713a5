"""Each check of a read form, as issue rows with their cells."""

from __future__ import annotations

from dataclasses import replace

import openpyxl
import pandas as pd
import pytest

from fixtures_forms import SEED_FORM, SEED_ROWS, Layout, Row, Side, add_identity, read_edited, write_workbook, with_rows
from sheetsync.identity import Identity, SheetIdentity
from sheetsync.reader import read_workbook
from sheetsync.spec import load_spec


def read(tmp_path, data, layout=Layout()):
    path = write_workbook(tmp_path / "f.xlsx", [("项目1", data, layout)])
    return read_workbook(path)


def codes(c) -> list[list[str]]:
    return c.issues[["cell", "field", "severity", "code"]].values.tolist()


def test_missing_required_fields(tmp_path):
    data = replace(SEED_FORM, name="", midterm_budget=None, annual_goal="  ")
    c = read(tmp_path, data)
    assert codes(c) == [
        ["B4", "project_name", "error", "missing_field"],
        ["F4", "midterm_budget_wan", "error", "missing_field"],
        ["F6", "annual_goal", "error", "missing_field"],
    ]
    assert c.issues.message.iloc[0] == "未填写“项目名称”，请补充。"
    assert c.projects.loc[0, "project_name"] == ""
    assert pd.isna(c.projects.loc[0, "midterm_budget_wan"])


@pytest.mark.parametrize("midterm, annual, expected", [
    (10, 20, [["H4", "annual_budget_wan", "error", "annual_above_midterm"]]),
    ("六十六", 1, [["F4", "midterm_budget_wan", "error", "bad_amount"]]),
    (-5, -6, [["F4", "midterm_budget_wan", "error", "negative_amount"], ["H4", "annual_budget_wan", "error", "negative_amount"]]),
    (660000, 220000, [["F4", "midterm_budget_wan", "warning", "amount_in_yuan"], ["H4", "annual_budget_wan", "warning", "amount_in_yuan"]]),
    ("660000元", 22, [["F4", "midterm_budget_wan", "warning", "amount_converted"]]),
    ("66元", 22, [["F4", "midterm_budget_wan", "warning", "amount_converted"], ["H4", "annual_budget_wan", "error", "annual_above_midterm"]]),
    ("9" * 400, 1, [["F4", "midterm_budget_wan", "error", "amount_too_large"]]),
    ("220千元", "0.0022亿元", [["F4", "midterm_budget_wan", "warning", "amount_converted"], ["H4", "annual_budget_wan", "warning", "amount_converted"]]),
])
def test_amounts(tmp_path, midterm, annual, expected):
    c = read(tmp_path, replace(SEED_FORM, midterm_budget=midterm, annual_budget=annual))
    assert codes(c) == expected


def test_messages_name_the_form_parts_by_the_specs_labels(tmp_path):
    rows = (Row("预期产出指标", Side("数量指标", "场次", ""), Side("数量指标", "场次", "≥3场")),)
    c = read(tmp_path, replace(with_rows(SEED_FORM, rows), midterm_budget=10, annual_budget=20))
    assert c.issues.message.tolist()[:2] == [
        "“本年度申请市财政预算资金”（20万元）超过“中期市财政预算”（10万元），请核对。",
        "中期三级指标“场次”未填写指标值，请补充。",
    ]


def test_an_amount_written_in_yuan_is_converted_to_wan(tmp_path):
    c = read(tmp_path, replace(SEED_FORM, midterm_budget="7,500元", annual_budget=0.25))
    assert c.projects.loc[0, "midterm_budget_wan"] == 0.75
    assert c.issues.message.iloc[0] == "“中期市财政预算（万元）”填的是“7,500元”（元），已换算为0.75万元读取，请改为以万元为单位的数字。"


@pytest.mark.parametrize("text, wan", [("7500千元", 750), ("1.2亿元", 12000), ("0.5亿", 5000), ("22万", 22),
                                       ("2.01亿元", 20100), ("0.7千元", 0.07), ("7,500元", 0.75)])
def test_an_amount_in_thousands_or_hundred_millions_is_converted_to_wan(tmp_path, text, wan):
    c = read(tmp_path, replace(SEED_FORM, midterm_budget=text, annual_budget=0.25))
    assert c.projects.loc[0, "midterm_budget_wan"] == wan


def test_level3_without_value_and_value_without_level3(tmp_path):
    rows = (
        Row("预期产出指标", Side("数量指标", "举办展会场次", ""), Side("数量指标", "", "≥3场")),
        *SEED_ROWS[1:],
    )
    c = read(tmp_path, with_rows(SEED_FORM, rows))
    assert codes(c) == [
        ["E8", "value", "error", "level3_without_value"],
        ["G8", "level3", "error", "value_without_level3"],
    ]
    assert c.issues.message.tolist() == [
        "中期三级指标“举办展会场次”未填写指标值，请补充。",
        "年度指标值“≥3场”没有对应的三级指标名称，请补充。",
    ]
    # Both stay in the table: nothing typed is dropped.
    first = c.indicators.iloc[:2][["period", "level2", "level3", "value"]].values.tolist()
    assert first == [["中期", "数量指标（或建筑规模指标）", "举办展会场次", ""], ["年度", "数量指标（或建筑规模指标）", "", "≥3场"]]


def test_level2_from_another_tree_and_unknown_level1(tmp_path):
    rows = (
        Row("预期产出指标", Side("成本指标", "人均成本", "≤90万元"), Side("数量指标", "场次", "每年两场")),
        Row("绩效", Side("其他", "x", "有效"), Side("其他", "x", "有效")),
        Row("满意度", Side("服务对象满意度", "满意度", "≥90%"), Side("服务对象满意度指标", "满意度", "≥90%")),
        # The same stray on both sides of the table: each side's cell has its issue.
        Row("预期产出指标", Side("社会效益指标", "就业", "≥10人"), Side("社会效益指标", "就业", "≥10人")),
    )
    c = read(tmp_path, with_rows(SEED_FORM, rows))
    assert codes(c) == [
        ["B9", "level1", "warning", "unknown_level1"],
        ["C8", "level2", "warning", "unknown_level2"],
        ["C11", "level2", "warning", "unknown_level2"],
        ["F11", "level2", "warning", "unknown_level2"],
    ]
    got = c.indicators[["level1", "level2", "value_op", "value_num", "value_unit"]].astype(object)
    assert got.where(got.notna(), None).values.tolist() == [
        ["预期产出指标", "成本指标", "≤", 90.0, "万元"],
        ["预期产出指标", "数量指标（或建筑规模指标）", "=", 2.0, "场"],
        ["绩效", "其他", "", None, ""],
        ["绩效", "其他", "", None, ""],
        ["满意度指标", "服务对象满意度指标", "≥", 90.0, "%"],
        ["满意度指标", "服务对象满意度指标", "≥", 90.0, "%"],
        ["预期产出指标", "社会效益指标", "≥", 10.0, "人"],
        ["预期产出指标", "社会效益指标", "≥", 10.0, "人"],
    ]


def test_a_level1_group_without_indicators(tmp_path):
    rows = (*SEED_ROWS[:4], Row("效果指标", Side("社会、经济、生态效益指标"), Side("社会、经济、生态效益指标")), *SEED_ROWS[6:])
    c = read(tmp_path, with_rows(SEED_FORM, rows))
    assert codes(c) == [["B12", "level1", "error", "empty_level1"], ["B12", "level1", "error", "empty_level1"]]
    assert c.issues.message.tolist() == [
        "一级指标“效果指标”下没有填写任何中期三级指标，请至少填写一项。",
        "一级指标“效果指标”下没有填写任何年度三级指标，请至少填写一项。",
    ]


def test_text_too_long(tmp_path):
    c = read(tmp_path, replace(SEED_FORM, annual_goal="很" * 2001))
    assert codes(c) == [["F6", "annual_goal", "warning", "text_too_long"]]


def _identity(spec, **changes) -> Identity:
    base = dict(form_id=spec.id, spec_version=str(spec.version), spec_hash=spec.hash, year="2021",
                budget_unit=SEED_FORM.unit, framework="dongguan", generated_at="2026-11-25T19:30:00+08:00")
    base.update(changes)
    identity = Identity(**base)
    identity.sheets["项目1"] = SheetIdentity("项目1", "P-001", "P-001", SEED_FORM.unit, SEED_FORM.name)
    return identity


def test_identity_sheet_gives_version_and_project_code(tmp_path):
    spec = load_spec()
    path = add_identity(write_workbook(tmp_path / "ours.xlsx", [("项目1", SEED_FORM, Layout())]), _identity(spec))
    c = read_workbook(path)
    assert c.projects[["project_code", "template_version", "generated_at"]].values.tolist() == [
        ["P-001", str(spec.version), "2026-11-25T19:30:00+08:00"]]
    assert c.issues.empty


def test_sheet_contradicting_its_identity_record(tmp_path):
    spec = load_spec()
    identity = _identity(spec)
    identity.sheets["项目2"] = SheetIdentity("项目2", "P-002", "P-002", SEED_FORM.unit, "另一个项目")
    changed = replace(SEED_FORM, name="改过的项目名称")
    path = add_identity(write_workbook(tmp_path / "ours.xlsx", [("项目1", changed, Layout())]), identity)
    c = read_workbook(path)
    assert c.issues[["sheet", "cell", "code"]].values.tolist() == [
        ["项目2", "", "sheet_deleted"], ["项目1", "B4", "identity_mismatch"]]
    assert "改过的项目名称" in c.issues.message.iloc[1]


def test_prefilled_amounts_changed_are_reported(tmp_path):
    spec = load_spec()
    identity = _identity(spec)
    entry = identity.sheets["项目1"]
    identity.sheets["项目1"] = replace(entry, midterm_budget_wan=str(SEED_FORM.midterm_budget), annual_budget_wan="999")
    path = add_identity(write_workbook(tmp_path / "ours.xlsx", [("项目1", SEED_FORM, Layout())]), identity)
    c = read_workbook(path)
    assert c.issues[["cell", "field", "code"]].values.tolist() == [["H4", "annual_budget_wan", "identity_mismatch"]]
    assert "应为“999”，现为“0.25”" in c.issues.message.iloc[0]


def test_a_prefilled_amount_typed_over_with_words_is_quoted_not_called_blank(tmp_path):
    spec = load_spec()
    identity = _identity(spec)
    identity.sheets["项目1"] = replace(identity.sheets["项目1"], midterm_budget_wan="15")
    path = add_identity(write_workbook(tmp_path / "ours.xlsx", [("项目1", replace(SEED_FORM, midterm_budget="十五"), Layout())]),
                        identity)
    c = read_workbook(path)
    mismatch = c.issues.query("code == 'identity_mismatch'")
    assert mismatch.cell.tolist() == ["F4"]
    assert "应为“15”，现为“十五”" in mismatch.message.iloc[0]


def test_older_spec_version(tmp_path):
    spec = load_spec()
    path = add_identity(write_workbook(tmp_path / "old.xlsx", [("项目1", SEED_FORM, Layout())]),
                        _identity(spec, spec_version=str(spec.version - 1)))
    c = read_workbook(path)
    assert c.issues[["code", "severity"]].values.tolist() == [["old_template", "warning"]]


BLANK = replace(SEED_FORM, name="", midterm_budget=None, annual_budget=None, midterm_goal="", annual_goal="",
                rows=(), opinion="")


def test_renamed_sheet_is_matched_by_project_name_and_spare_blank_sheets_are_skipped(tmp_path):
    spec = load_spec()
    identity = _identity(spec)
    identity.sheets["项目2"] = SheetIdentity("项目2", "")  # a spare blank sheet, no project assigned
    path = add_identity(write_workbook(tmp_path / "ours.xlsx", [("CA证书", SEED_FORM, Layout()), ("项目2", BLANK, Layout())]),
                        identity)
    c = read_workbook(path)
    assert c.projects[["sheet", "project_code"]].values.tolist() == [["CA证书", "P-001"]]
    assert c.issues[["sheet", "severity", "code"]].values.tolist() == [["项目2", "info", "blank_form"]]


def test_an_assigned_project_left_blank_is_read_with_its_errors(tmp_path):
    spec = load_spec()
    identity = _identity(spec)
    identity.sheets["项目2"] = SheetIdentity("项目2", "P-002", "P-002", SEED_FORM.unit, "")
    path = add_identity(write_workbook(tmp_path / "ours.xlsx", [("项目1", SEED_FORM, Layout()), ("项目2", BLANK, Layout())]),
                        identity)
    c = read_workbook(path)
    assert c.projects.sheet.tolist() == ["项目1", "项目2"]
    assert set(c.issues[c.issues.sheet == "项目2"].code) == {"missing_field", "no_indicators"}


def test_newer_spec_version_and_foreign_form_id(tmp_path):
    spec = load_spec()
    newer = add_identity(write_workbook(tmp_path / "new.xlsx", [("项目1", SEED_FORM, Layout())]),
                         _identity(spec, spec_version=str(spec.version + 1)))
    other = add_identity(write_workbook(tmp_path / "other.xlsx", [("项目1", SEED_FORM, Layout())]),
                         _identity(spec, form_id="monitoring"))
    same_version = add_identity(write_workbook(tmp_path / "edited.xlsx", [("项目1", SEED_FORM, Layout())]),
                                _identity(spec, spec_hash="0000000000000000"))
    assert read_workbook(newer).issues.code.tolist() == ["unknown_template"]
    assert read_workbook(other).issues.code.tolist() == ["unknown_template"]
    assert read_workbook(same_version).issues.empty


def test_a_percentage_excel_stored_as_a_number_is_flagged(tmp_path):
    import openpyxl

    from fixtures_forms import SEED_FORM, Layout, write_workbook
    from sheetsync.reader import read_workbook

    path = write_workbook(tmp_path / "pct.xlsx", [("项目1", SEED_FORM, Layout())])
    book = openpyxl.load_workbook(path)
    sheet = book["项目1"]
    # A fraction whose format does not say it is a percentage (an .xlsx shown as a
    # percentage is read as one: test_number_format.py).
    sheet["E14"] = 0.95
    sheet["E15"] = 1  # one system, one Ukey: a count, not 100%
    book.save(path)
    result = read_workbook(path)
    flagged = result.issues[result.issues["code"] == "value_as_fraction"]
    assert flagged[["cell", "severity"]].values.tolist() == [["E14", "warning"]]
    assert result.indicators.loc[result.indicators["cell"] == "E14", "value"].tolist() == ["0.95"]


def test_a_letter_o_in_a_number_is_read_as_zero_and_flagged(tmp_path):
    from fixtures_forms import read_edited

    result = read_edited(tmp_path / "o.xlsx", {"H14": "≥9O%", "E14": "O2O平台满意度≥95%"})
    assert result.issues[["cell", "code", "severity"]].values.tolist() == [["H14", "letter_o_in_number", "warning"]]
    assert "“≥90%”" in result.issues["message"].iloc[0]
    row = result.indicators.loc[result.indicators["cell"] == "H14"].iloc[0]
    assert (row["value"], row["value_op"], row["value_num"], row["value_unit"]) == ("≥9O%", "≥", 90.0, "%")


def test_several_indicators_typed_into_one_row_are_flagged(tmp_path):
    from fixtures_forms import read_edited

    edits = {"D8": "举办会议次数\n参会企业数", "E8": "≥3次\n≥100家",
             "G8": "举办会议次数", "H8": "≥3次\n全年"}  # 年度: one 三级指标, its value on two lines: no flag
    result = read_edited(tmp_path / "two.xlsx", edits)
    assert result.issues[["cell", "code", "severity"]].values.tolist() == [["D8", "indicators_in_one_row", "warning"]]
    assert "中期三级指标和指标值都分2行填写" in result.issues["message"].item()


def test_a_medium_term_period_from_another_year(tmp_path):
    path = write_workbook(tmp_path / "f.xlsx", [("项目1", SEED_FORM, Layout())])
    book = openpyxl.load_workbook(path)
    book["项目1"]["A2"] = "（2022 年度）"  # last year's form, its year line updated but not its period
    book.save(path)
    c = read_workbook(path)
    assert codes(c) == [["B5", "midterm_period", "warning", "period_not_from_year"]]
    assert c.issues.message.iloc[0] == "“中期滚动目标”的期间为2021-2023，没有从本表年度2022年开始，可能沿用了往年的表格，请核对年度和期间。"


@pytest.mark.parametrize("label", ["中期滚动目标（2020年度-2022年度）", "中期滚动目标（２０２０年－２０２２年）",
                                   "中期滚动目标（2020年――2022年）", "中期滚动目标（2020年到2022年）"])
def test_a_medium_term_period_is_read_however_its_years_are_written(tmp_path, label):
    c = read_edited(tmp_path / "f.xlsx", {"B5": label})
    assert c.projects.midterm_period.tolist() == ["2020-2022"]
    assert codes(c) == [["B5", "midterm_period", "warning", "period_not_from_year"]]


def test_a_value_merged_down_over_several_indicators_holds_for_each(tmp_path):
    rows = (
        Row("预期产出指标", Side("数量指标", "场次", "≥3场"), Side("数量指标", "场次", "≥3场")),
        Row(None, Side("数量指标", "人次", ""), Side("数量指标", "人次", "≥100人")),
        Row(None, Side("质量指标", "合格率", "100%"), Side("质量指标", "合格率", "")),
    )
    path = write_workbook(tmp_path / "f.xlsx", [("项目1", with_rows(SEED_FORM, rows), Layout())])
    book = openpyxl.load_workbook(path)
    book["项目1"].merge_cells("E8:E9")  # one 中期 value for 场次 and 人次
    book["项目1"]["H8"], book["项目1"]["H9"] = 0.95, None  # a typed 95%, as Excel stores it
    book["项目1"]["H8"].number_format = "0%"
    book["项目1"].merge_cells("H8:H9")
    book.save(path)
    c = read_workbook(path)
    assert codes(c) == [["H10", "value", "error", "level3_without_value"]]  # a blank not under a merge
    values = c.indicators.set_index(["period", "level3"])["value"]
    assert values[("中期", "人次")] == "≥3场" and values[("中期", "场次")] == "≥3场"
    assert values[("年度", "人次")] == "95%" and values[("年度", "场次")] == "95%"


def test_an_amount_beyond_any_budget_is_its_own_error(tmp_path):
    path = write_workbook(tmp_path / "f.xlsx", [("项目1", replace(SEED_FORM, midterm_budget=2e15), Layout())])
    c = read_workbook(path)
    found = c.issues.query("code == 'amount_too_large'")
    assert found[["cell", "severity"]].values.tolist() == [["F4", "error"]]
    assert "bad_amount" not in c.issues.code.tolist()


def test_indicator_text_longer_than_the_spec_allows_is_a_warning_on_its_cell(tmp_path):
    # Pasting goes past the template's length validation.
    c = read_edited(tmp_path / "f.xlsx", {"D8": "指" * 250, "H8": "值" * 300})
    long = c.issues.query("code == 'text_too_long'")
    assert long[["cell", "field", "severity"]].values.tolist() == [["D8", "level3", "warning"], ["H8", "value", "warning"]]
    assert "中期三级指标" in long["message"].iloc[0] and "250" in long["message"].iloc[0]
    assert c.indicators.query("cell == 'E8'")["level3"].iloc[0] == "指" * 250  # read whole all the same
