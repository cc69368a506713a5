"""The 填表说明 sheet: what a department clerk fills in, where and how.

The text names the form's fields by their labels from the spec, so it follows the spec.
"""

from __future__ import annotations

from .spec import FormSpec, Tree

INSTRUCTIONS_SHEET = "填表说明"
COLUMN_WIDTH = 110


def instruction_lines(spec: FormSpec, tree: Tree, *, year: int | None, password: bool) -> list[tuple[str, str]]:
    """(style, text) per row of the sheet: a heading, then numbered points."""
    ind = spec.indicators
    name = spec.label_of("project_name")
    midterm, annual = spec.label_of("midterm_budget_wan"), spec.label_of("annual_budget_wan")
    goal_annual = spec.label_of("annual_goal")
    opinion = spec.footer[0].label.text if spec.footer else ""
    level1, level2 = ind.level1.label.text, ind.periods[0].level2.label.text
    level3, value = ind.periods[0].level3.label.text, ind.periods[0].value.label.text
    periods = "、".join(spec.period_names)
    tree_lines = [f"    {l1.label}：{'；'.join(l1.level2)}" for l1 in tree.level1]
    points = [
        f"本工作簿用于填报{year or ''}年度“{spec.title}”，每个项目一张工作表（工作表名为项目名称）。请不要增删、改名或调换工作表，不要修改灰色标签文字。",
        f"“{name}”“{midterm}”“{annual}”已预填的，请勿修改；未预填的请按项目实际填写。",
        f"金额单位为万元，只填数字（可保留两位小数），不要写“万元”或“元”；“{annual}”不得超过“{midterm}”。",
        f"“{spec.field('midterm_goal').label.prefix}”填写项目{spec.midterm_years}年的总体目标，“{goal_annual}”填写本年度目标。",
        f"绩效指标分{periods}两部分：“{level1}”已预填；“{level2}”从下拉列表选择；每个{level2}下至少填写一项“{level3}”和对应的“{value}”。",
        f"“{value}”中定量指标请写明符号、数值和单位，如“≥95%”“≥3次”“≤10万元”；定性指标写“有效”“及时”“达到预期”等。",
        f"每个{level2}下预留了{ind.rows_per_level2}行，用不完的可留空；不够时可在该{level2}的行中间插入整行（工作表保护允许插入行）。",
        f"“{opinion}”由财政部门填写，预算单位无需填写。" if opinion else "",
        "工作表已保护（" + ("设有密码，请向下发单位索取" if password else "无密码，可在“审阅—撤销工作表保护”中取消")
        + "），只有需要填写的单元格可以编辑。请勿复制粘贴整张表格，以免破坏格式。",
        "填写完成后请以.xlsx格式保存（不要另存为.xls或.pdf），按原文件名提交。",
    ]
    rows = [("heading", f"{spec.title}  填表说明"), ("plain", "")]
    rows += [("plain", f"{i}. {text}") for i, text in enumerate((p for p in points if p), 1)]
    rows += [("plain", ""), ("plain", f"本表使用的绩效指标体系：{tree.name}"), *(("plain", line) for line in tree_lines)]
    return rows
