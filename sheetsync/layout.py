"""Where every cell, merge, row and validation of one project sheet goes, from the form spec.

:func:`plan_sheet` turns a :class:`ProjectForm` (blank or filled) into a :class:`SheetPlan`:
a list of placed cells and validations in the spec's coordinates, with nothing of
XlsxWriter in it. The template writer renders the plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from .errors import TemplateError
from .model import Indicator, ProjectForm
from .spec import FieldSpec, FormSpec, PeriodSpec, Span, Tree, column_letter, normalize_label, period_years

# Excel's largest row height, in points.
MAX_ROW_HEIGHT = 409
LINE_HEIGHT = 15
# Excel's limits on a data validation's input title and message.
INPUT_TITLE_MAX = 32
INPUT_MESSAGE_MAX = 255
# Excel holds at most this many characters in one cell.
EXCEL_CELL_CHARS = 32767


@dataclass(frozen=True)
class Placed:
    """A value written into a cell or merged range, with its style and lock state."""

    span: Span
    value: str | float | None
    style: str
    locked: bool = True


@dataclass
class SheetPlan:
    cells: list[Placed] = field(default_factory=list)
    validations: list[tuple[Span, dict]] = field(default_factory=list)
    row_heights: dict[int, float] = field(default_factory=dict)
    last_row: int = 0

    def place(self, span: Span, value: str | float | None, style: str, locked: bool = True) -> None:
        self.cells.append(Placed(span, value, style, locked))
        self.last_row = max(self.last_row, span.last_row)

    def height(self, row: int, points: float) -> None:
        self.row_heights[row] = min(MAX_ROW_HEIGHT, max(self.row_heights.get(row, 0), points))


@dataclass
class Level2Block:
    """Rows of one 二级 of one 一级: its label on each side and the indicators of each side."""

    labels: dict[str, str]
    indicators: dict[str, list[Indicator]]
    choosable: bool  # the 二级 belongs to the chosen tree, so the dropdown applies

    def rows(self, minimum: int) -> int:
        return max(minimum, *(len(v) for v in self.indicators.values()))


@dataclass
class Level1Group:
    label: str
    canonical: str | None  # the chosen tree's 一级 this group is, or None
    blocks: list[Level2Block]


# --- the indicator table -------------------------------------------------------------


def choose_tree(spec: FormSpec, indicators: list[Indicator]) -> Tree:
    """The tree whose 一级 (then 二级) labels best match the indicators; the spec's default on a tie."""
    def score(tree: Tree) -> tuple[int, int]:
        level1 = {i.level1 for i in indicators if tree.canonical_level1(i.level1)}
        level2 = {(i.level1, i.level2) for i in indicators if i.level1 in level1 and tree.canonical_level2(i.level1, i.level2)}
        return len(level1), len(level2)

    ordered = [spec.trees[spec.default_framework], *(t for k, t in spec.trees.items() if k != spec.default_framework)]
    return max(ordered, key=score) if indicators else ordered[0]


def _distinct(texts) -> list[str]:
    return list(dict.fromkeys(texts))


def group_indicators(spec: FormSpec, tree: Tree, indicators: list[Indicator]) -> list[Level1Group]:
    """Indicators in table order: the tree's 一级 and 二级 first, unknown ones after, in order of appearance."""
    periods = spec.period_names
    for ind in indicators:
        if ind.period not in periods:
            raise TemplateError(f"indicator {ind.level3!r} has period {ind.period!r}; the form has {', '.join(periods)}")
    level1_texts = _distinct(i.level1 for i in indicators)
    groups: list[Level1Group] = []
    for level1 in tree.level1:
        texts = [t for t in level1_texts if tree.canonical_level1(t) == level1.label] or [level1.label]
        groups += [_group(spec, tree, level1.label, t, indicators) for t in texts]
    for text in level1_texts:
        if tree.canonical_level1(text) is None:
            groups.append(_group(spec, tree, None, text, indicators))
    # A blank 一级 or 二级 cell reads as "same as above" (forms leave merged labels blank on
    # every row but the first), so indicators without one go first, where there is no above.
    groups.sort(key=lambda g: g.label != "")
    return groups


def _group(spec: FormSpec, tree: Tree, canonical: str | None, text: str, indicators: list[Indicator]) -> Level1Group:
    mine = [i for i in indicators if i.level1 == text]
    known = tree.level2_of(canonical) if canonical else ()

    def key(level2: str) -> str:
        return (canonical and tree.canonical_level2(canonical, level2)) or normalize_label(level2)

    keys = list(known) + [k for k in _distinct(key(i.level2) for i in mine) if k not in known]
    keys.sort(key=lambda k: k != "")
    blocks = []
    for k in keys:
        spellings = {p: _distinct(i.level2 for i in mine if i.period == p and key(i.level2) == k) for p in spec.period_names}
        for j in range(max(1, *(len(s) for s in spellings.values()))):
            labels = {p: s[j] if j < len(s) else (k if k in known else "") for p, s in spellings.items()}
            by_period = {p: [i for i in mine if i.period == p and j < len(s) and i.level2 == s[j]] for p, s in spellings.items()}
            blocks.append(Level2Block(labels, by_period, choosable=k in known))
    return Level1Group(text, canonical, blocks)


# --- the sheet -------------------------------------------------------------------------


def text_lines(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a cell ``width`` characters wide (a CJK character is two)."""
    lines = 0
    for paragraph in str(text).splitlines() or [""]:
        units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in paragraph)
        lines += max(1, math.ceil(units / max(1.0, width - 1)))
    return lines


def _fit_text(plan: SheetPlan, spec: FormSpec, span: Span, text: object, base: float) -> None:
    width = sum(spec.column_widths[c] for c in range(span.first_col, span.last_col + 1))
    needed = text_lines(str(text or ""), width) * LINE_HEIGHT + 6
    for row in range(span.first_row, span.last_row + 1):
        plan.height(row, max(base, needed / span.height))


def _input_message(title: str, prompt: str) -> dict:
    return {"input_title": title[:INPUT_TITLE_MAX], "input_message": prompt[:INPUT_MESSAGE_MAX]}


def _absolute_ref(span: Span) -> str:
    return f"${column_letter(span.first_col)}${span.first_row + 1}"


def _length_validation(limit: int) -> dict:
    return {"validate": "length", "criteria": "<=", "value": limit, "error_message": f"不超过{limit}字。"}


def _field_validation(spec: FormSpec, f: FieldSpec, title: str) -> dict:
    if f.kind == "amount":
        options = {"validate": "decimal", "criteria": ">=", "value": 0}
        below = next((g for g in spec.fields if g.not_above == f.name), None)
        rule = "须为不小于0的数字"
        if f.not_above:
            ref = _absolute_ref(spec.field(f.not_above).value_at)
            # Excel reads an empty cell as 0 in a validation bound: until the other amount is
            # filled in, the bound is Excel's largest number instead.
            maximum = f"=IF(ISBLANK({ref}),9.99E+307,{ref})"
            options = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": maximum}
            rule += f"，且不得超过“{spec.field(f.not_above).label.text}”"
        elif below is not None:
            # The amount the other may not exceed: at least the other once it is filled in
            # (prefilled from a roster, say).
            options["value"] = f"=MAX(0,{_absolute_ref(below.value_at)})"
            rule += f"，且不得低于“{below.label.text}”"
        options["error_message"] = f"{rule}。{f.prompt}"[:INPUT_MESSAGE_MAX]
    else:
        options = _length_validation(f.max_length or EXCEL_CELL_CHARS)
    options["error_title"] = title[:INPUT_TITLE_MAX]
    return {**options, **_input_message(title, f.prompt)}


def _field_label(spec: FormSpec, f: FieldSpec, period: tuple[int | str, int | str]) -> str:
    return f.label.text.format(start=period[0], end=period[1])


def midterm_years(spec: FormSpec, form: ProjectForm, year: int | None) -> tuple[int | str, int | str]:
    """The medium-term period printed on the form: the form's own, else from the budget year (if known)."""
    if (years := period_years(form.midterm_period)) is not None:
        return years
    if year is None:
        return "", ""
    return year, year + spec.midterm_years - 1


def plan_sheet(
    spec: FormSpec,
    form: ProjectForm,
    *,
    year: int | None,
    budget_unit: str,
    tree: Tree,
    list_source: Callable[[Tree, str], str],
    rows_per_level2: int,
) -> SheetPlan:
    """The layout of one project sheet holding ``form`` (blank fields stay empty and unlocked).

    Prefilled identity (project name, amounts) is locked; ``rows_per_level2`` is the least
    number of rows under each 二级; ``list_source(tree, level1)`` gives the range of the 二级
    dropdown of that 一级.
    """
    plan = SheetPlan()
    heights = spec.row_heights
    last_col = spec.columns - 1
    plan.place(Span(0, 0, 0, last_col), spec.title, "title")
    plan.height(0, heights.get("title", 0))
    plan.place(spec.year_line.at, spec.year_line.text.format(year="" if year is None else year), "year")
    plan.height(spec.year_line.at.first_row, heights.get("line", 0))
    plan.place(spec.unit_line.at, spec.unit_line.text.format(budget_unit=budget_unit), "unit", locked=bool(budget_unit))
    if not budget_unit and spec.unit_line.prompt:
        unit_cell = Span(spec.unit_line.at.first_row, spec.unit_line.at.first_col, spec.unit_line.at.first_row, spec.unit_line.at.first_col)
        plan.validations.append((unit_cell, {"validate": "any", **_input_message(spec.unit_line.label or "", spec.unit_line.prompt)}))
    plan.height(spec.unit_line.at.first_row, heights.get("line", 0))
    for text, span in spec.labels:
        plan.place(span, text, "label")
    period = midterm_years(spec, form, year)
    for f in spec.fields:
        _place_field(plan, spec, f, getattr(form, f.name), 0, period)
    plan.height(spec.field("project_name").label_at.first_row, heights.get("project", 0))
    for f in spec.fields:
        if f.kind == "long_text" and f.label_at.first_row != f.value_at.first_row:
            plan.height(f.label_at.first_row, heights.get("period_label", 0))
    table_end = _place_indicators(plan, spec, form, tree, list_source, rows_per_level2)
    for f in spec.footer:
        _place_field(plan, spec, f, getattr(form, f.name), table_end + 1, period)
    return plan


def _place_field(plan: SheetPlan, spec: FormSpec, f: FieldSpec, value: object, row_offset: int, period: tuple[int | str, int | str]) -> None:
    label_at, value_at = f.label_at.shifted(rows=row_offset), f.value_at.shifted(rows=row_offset)
    title = _field_label(spec, f, period)
    plan.place(label_at, title, "label")
    prefilled = f.kind != "long_text" and value not in (None, "")
    style = {"amount": "amount", "long_text": "long_text"}.get(f.kind, "text")
    if f.kind == "amount":
        cell_value = None if value is None else float(value)
    else:
        cell_value = "" if value is None else str(value)
    plan.place(value_at, cell_value, style, locked=prefilled)
    plan.validations.append((Span(value_at.first_row, value_at.first_col, value_at.first_row, value_at.first_col), _field_validation(spec, f, title)))
    if f.row_height:
        plan.height(value_at.first_row, f.row_height)
    if isinstance(cell_value, str) and cell_value:
        _fit_text(plan, spec, value_at, cell_value, plan.row_heights.get(value_at.first_row, 0))


def _place_indicators(plan, spec: FormSpec, form: ProjectForm, tree: Tree, list_source, rows_per_level2: int) -> int:
    """Place the indicator table; return its last row."""
    ind = spec.indicators
    header = ind.header_row
    plan.place(Span(header, ind.level1.column, header, ind.level1.column), ind.level1.label.text, "label")
    for p in ind.periods:
        for col in (p.level2, p.level3, p.value):
            plan.place(Span(header, col.column, header, col.column), col.label.text, "label")
    plan.height(header, spec.row_heights.get("indicator_header", 0))
    row = ind.first_row
    row_height = spec.row_heights.get("indicator", 0)
    for group in group_indicators(spec, tree, form.indicators):
        group_start = row
        for block in group.blocks:
            n = block.rows(rows_per_level2)
            for p in ind.periods:
                _place_block(plan, spec, p, block, row, n, row_height)
            row += n
        plan.place(Span(group_start, ind.level1.column, row - 1, ind.level1.column), group.label, "level")
        if group.canonical is not None:
            source = list_source(tree, group.canonical)
            for p in ind.periods:
                options = {"validate": "list", "source": source, "error_type": "warning",
                           "error_message": ind.level2_prompt[:INPUT_MESSAGE_MAX],
                           **_input_message(p.level2.label.text, ind.level2_prompt)}
                plan.validations.append((Span(group_start, p.level2.column, row - 1, p.level2.column), options))
    last = row - 1
    plan.place(Span(header, ind.label_column, last, ind.label_column), ind.label.text, "label")
    for p in ind.periods:
        for col, limit, prompt in ((p.level3, ind.level3_max_length, ind.level3_prompt), (p.value, ind.value_max_length, ind.value_prompt)):
            options = {**_length_validation(limit), **_input_message(f"{p.name}{col.label.text}", prompt)}
            plan.validations.append((Span(ind.first_row, col.column, last, col.column), options))
    return last


def _place_block(plan: SheetPlan, spec: FormSpec, p: PeriodSpec, block: Level2Block, row: int, n: int, row_height: float) -> None:
    level2_span = Span(row, p.level2.column, row + n - 1, p.level2.column)
    plan.place(level2_span, block.labels[p.name], "level", locked=False)
    indicators = block.indicators[p.name]
    _fit_text(plan, spec, level2_span, block.labels[p.name], row_height)
    for i in range(n):
        plan.height(row + i, row_height)
        level3, value = (indicators[i].level3, indicators[i].value) if i < len(indicators) else ("", "")
        plan.place(Span(row + i, p.level3.column, row + i, p.level3.column), level3, "text", locked=False)
        plan.place(Span(row + i, p.value.column, row + i, p.value.column), value, "text", locked=False)
        for col, text in ((p.level3.column, level3), (p.value.column, value)):
            if text:
                _fit_text(plan, spec, Span(row + i, col, row + i, col), text, row_height)
