"""Hand-made copies of the official 批复表 layout, written cell by cell with openpyxl.

These stand in for the forms departments build themselves, in every variant the reader must
survive: shifted, with blank or inserted rows, merges undone (value in the first cell only,
or repeated on every cell), labels retyped with other brackets, spaces and line breaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import openpyxl
from openpyxl.worksheet.cell_range import CellRange

TITLE = "东莞市财政项目支出绩效目标批复表"
OPINION = ("根据预算管理的有关规定，绩效目标由预算单位申报，作为预算审核安排、绩效运行监控、绩效自评、"
           "重点绩效评价的重要依据之一。")


@dataclass(frozen=True)
class Side:
    """One period's cells of a table row; ``level2=None`` continues the 二级 of the row above."""

    level2: str | None
    level3: str = ""
    value: str = ""


@dataclass(frozen=True)
class Row:
    level1: str | None  # None: continues the 一级 of the row above
    midterm: Side
    annual: Side


@dataclass(frozen=True)
class FormData:
    unit: str = "中国国际贸易促进委员会东莞市委员会"
    year: int = 2021
    name: str = "CO出证认证EDI管理系统CA证书费用"
    midterm_budget: object = 0.75
    annual_budget: object = 0.25
    midterm_goal: str = "支付进度为40%"
    annual_goal: str = "支付进度为95%"
    rows: tuple[Row, ...] = ()
    opinion: str = OPINION


# The first form of examples/seed_2021_dongguan_ccpit.txt, as published.
SEED_ROWS = (
    Row("预期产出指标", Side("数量指标（或建筑规模指标）", "计划缴纳CO出证认证EDI管理系统CA证书数量", "9个Ukey"),
        Side("数量指标（或建筑规模指标）", "缴纳CO出证认证证书数量", "9个Ukey")),
    Row(None, Side("质量指标", "为企业办证服务质量", "企业满意度"), Side("质量指标", "为企业办证服务质量", "企业满意度≥95%")),
    Row(None, Side("时效指标（工期指标）", "（实际缴纳数量应缴纳数量）100%", "及时"),
        Side("时效指标（工期指标）", "计划进度完成时效", "及时")),
    Row(None, Side("预算（或投资规模）控制指标", "预算执行率", "每年≥95%"),
        Side("预算（或投资规模）控制指标", "预算执行率", "每年≥95%")),
    Row("效果指标", Side("社会、经济、生态效益指标", "CA证书成功续期", "有效"),
        Side("社会、经济、生态效益指标", "CA证书成功续期", "确保审证人员的CA证书正常使用")),
    Row(None, Side("可持续影响指标", "业务系统网络安全和数据安全", "有效"),
        Side("可持续影响指标", "业务系统网络安全和数据安全", "有效")),
    Row("满意度指标", Side("服务对象满意度指标", "企业满意度", "≥95%"),
        Side("服务对象满意度指标", "申办原产地证书的企业满意度", "≥95%")),
    Row(None, Side(""), Side("受访人群满意度")),
)
SEED_FORM = FormData(rows=SEED_ROWS)

# Two level-3 indicators inserted under 质量指标, the 二级 cell left blank (or merged over them).
INSERTED_ROWS = (
    SEED_ROWS[:2]
    + (Row(None, Side(None, "证书办理准确率", "≥98%"), Side(None, "证书办理准确率", "≥98%")),
       Row(None, Side(None, "", ""), Side(None, "退件率", "≤2%")))
    + SEED_ROWS[2:]
)

OFFICIAL_LABELS = {
    "project_name": "项目名称",
    "midterm_budget": "中期市财政预算（万元）",
    "annual_budget": "本年度申请市财政预算资金（万元）",
    "goals": "总体目标",
    "midterm_goal": "中期滚动目标（{start}年--{end}年）",
    "annual_goal": "年度目标",
    "table": "绩效指标",
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "midterm_value": "指标值（或计划水平）",
    "annual_value": "计划指标值（或计划水平）",
    "opinion": "市财政局批复意见",
}
# Retyped by hand: half-width brackets, spaces, line breaks, the variants of the spec.
RETYPED_LABELS = {
    **OFFICIAL_LABELS,
    "project_name": "项目 名称",
    "midterm_budget": "中期市财政预算\n(万元)",
    "annual_budget": "本年度申请市财政预算资金 (万元)",
    "midterm_goal": "中期滚动目标 ({start}年-{end}年)",
    "level1": "一级\n指标",
    "midterm_value": "指标值",
    "annual_value": "计划指标值(或计划水平)",
    "opinion": "财政局批复意见：",
}


@dataclass(frozen=True)
class Layout:
    """How a department laid the form out."""

    top: int = 0  # rows above the title
    left: int = 0  # columns left of column A of the form
    merges: str = "merged"  # merged | first (merges undone, value in the first cell) | repeated
    labels: dict = field(default_factory=lambda: OFFICIAL_LABELS)
    blank_rows_before_table: int = 0
    unit_in_next_cell: bool = False


def write_form(ws, data: FormData, layout: Layout = Layout()) -> None:
    """Write one form on ``ws`` the way a department would by hand."""
    L = layout.labels
    top, left = layout.top, layout.left

    def put(row: int, col: int, value: object, last_row: int | None = None, last_col: int | None = None) -> None:
        last_row = row if last_row is None else last_row
        last_col = col if last_col is None else last_col
        r, c, r2, c2 = row + top + 1, col + left + 1, last_row + top + 1, last_col + left + 1
        if layout.merges == "repeated":
            for rr in range(r, r2 + 1):
                for cc in range(c, c2 + 1):
                    ws.cell(rr, cc, value)
            return
        ws.cell(r, c, value)
        if layout.merges == "merged" and (r, c) != (r2, c2):
            ws.merge_cells(start_row=r, start_column=c, end_row=r2, end_column=c2)

    put(0, 0, TITLE, last_col=7)
    put(1, 0, f"（{data.year} 年度）", last_col=7)
    if layout.unit_in_next_cell:
        put(2, 0, "预算单位：")
        put(2, 1, data.unit, last_col=7)
    else:
        put(2, 0, f"预算单位：{data.unit}", last_col=7)
    put(3, 0, L["project_name"])
    put(3, 1, data.name, last_col=3)
    put(3, 4, L["midterm_budget"])
    put(3, 5, data.midterm_budget)
    put(3, 6, L["annual_budget"])
    put(3, 7, data.annual_budget)
    put(4, 0, L["goals"], last_row=5)
    put(4, 1, L["midterm_goal"].format(start=data.year, end=data.year + 2), last_col=4)
    put(4, 5, L["annual_goal"], last_col=7)
    put(5, 1, data.midterm_goal, last_col=4)
    put(5, 5, data.annual_goal, last_col=7)
    header = 6 + layout.blank_rows_before_table
    first, last = header + 1, header + len(data.rows)
    put(header, 0, L["table"], last_row=last)
    for col, key in enumerate(("level1", "level2", "level3", "midterm_value", "level2", "level3", "annual_value"), 1):
        put(header, col, L[key])
    _write_rows(put, data.rows, first)
    put(last + 1, 0, L["opinion"])
    put(last + 1, 1, data.opinion, last_col=7)


def _runs(values: list[object | None], first: int) -> list[tuple[int, int, object]]:
    """(first row, last row, value) of each run that a value starts and None continues."""
    runs: list[list] = []
    for offset, value in enumerate(values):
        if value is None and runs:
            runs[-1][1] = first + offset
        else:
            runs.append([first + offset, first + offset, value or ""])
    return [tuple(r) for r in runs]


def _write_rows(put, rows: tuple[Row, ...], first: int) -> None:
    for r1, r2, value in _runs([r.level1 for r in rows], first):
        put(r1, 1, value, last_row=r2)
    for col, side in ((2, "midterm"), (5, "annual")):
        for r1, r2, value in _runs([getattr(r, side).level2 for r in rows], first):
            if value:
                put(r1, col, value, last_row=r2)
        for offset, row in enumerate(rows):
            s = getattr(row, side)
            if s.level3:
                put(first + offset, col + 1, s.level3)
            if s.value:
                put(first + offset, col + 2, s.value)


def write_workbook(path: Path, sheets: list[tuple[str, FormData, Layout]], *, extra_first: dict | None = None) -> Path:
    """A workbook of forms; ``extra_first`` = {sheet name: [[cells]]} goes before them (an instructions sheet)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in (extra_first or {}).items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    for name, data, layout in sheets:
        write_form(wb.create_sheet(name), data, layout)
    wb.save(path)
    return path


def with_rows(data: FormData, rows: tuple[Row, ...]) -> FormData:
    return replace(data, rows=rows)


def add_identity(path: Path, identity) -> Path:
    """Add our very hidden identity sheet (:mod:`sheetsync.identity`) to a hand-made workbook."""
    from sheetsync.identity import IDENTITY_SHEET

    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet(IDENTITY_SHEET)
    for row in identity.rows():
        ws.append(row)
    ws.sheet_state = "veryHidden"
    wb.save(path)
    return path


def read_edited(path: Path, edit, data: FormData = SEED_FORM):
    """Write ``data`` as sheet 项目1 at ``path``, change it as a clerk would (through openpyxl:
    ``edit`` is a function of the sheet, or {cell: new value}), and read the workbook."""
    from sheetsync.reader import read_workbook

    write_workbook(path, [("项目1", data, Layout())])
    book = openpyxl.load_workbook(path)
    sheet = book["项目1"]
    if callable(edit):
        edit(sheet)
    else:
        for cell, value in edit.items():
            sheet[cell] = value
    book.save(path)
    return read_workbook(path)


def insert_rows_as_excel(sheet, at: int, count: int = 1) -> None:
    """Insert ``count`` rows before row ``at`` as Excel does: merges below move down with their
    cells, merges across the row grow (openpyxl's insert_rows leaves merges where they were)."""
    _insert_as_excel(sheet, at, count, rows=True)


def insert_cols_as_excel(sheet, at: int, count: int = 1) -> None:
    """Insert ``count`` columns before column ``at`` (1 for A) as Excel does; see insert_rows_as_excel."""
    _insert_as_excel(sheet, at, count, rows=False)


def delete_rows_as_excel(sheet, at: int, count: int = 1) -> None:
    """Delete ``count`` rows from row ``at`` as Excel does: merges below move up, merges across the
    rows shrink, merges within them go (openpyxl's delete_rows leaves merges where they were)."""
    merges = [CellRange(m.coord) for m in sheet.merged_cells.ranges]
    for merge in merges:
        sheet.unmerge_cells(merge.coord)
    sheet.delete_rows(at, count)
    last = at + count - 1
    for merge in merges:
        gone = max(0, min(merge.max_row, last) - max(merge.min_row, at) + 1)
        first = merge.min_row - count if merge.min_row > last else min(merge.min_row, at)
        end = first + merge.max_row - merge.min_row - gone
        if end >= first and (end > first or merge.max_col > merge.min_col):
            sheet.merge_cells(start_row=first, start_column=merge.min_col, end_row=end, end_column=merge.max_col)


def _insert_as_excel(sheet, at: int, count: int, rows: bool) -> None:
    merges = [CellRange(m.coord) for m in sheet.merged_cells.ranges]
    for merge in merges:
        sheet.unmerge_cells(merge.coord)
    (sheet.insert_rows if rows else sheet.insert_cols)(at, count)
    for merge in merges:
        first, last = (merge.min_row, merge.max_row) if rows else (merge.min_col, merge.max_col)
        if first >= at:
            merge.shift(**({"row_shift": count} if rows else {"col_shift": count}))
        elif last >= at:
            merge.expand(**({"down": count} if rows else {"right": count}))
        sheet.merge_cells(merge.coord)
