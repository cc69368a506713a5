"""The checks of a read form, each problem an :class:`~sheetsync.issues.Issue` with its cell.

The sheet reader (:mod:`sheetsync.sheet_reader`) hands over a :class:`SheetRead`: the form as read and
where each datum came from. These functions only look at it and return issues::

    >>> issues = field_issues(read) + indicator_issues(read)   # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .identity import Identity, SheetIdentity
from .issues import Issue, issue
from .model import ProjectForm
from .spec import FieldSpec, FormSpec, normalize_label, period_years, without_bracketed
from .values import Amount, clean_text, letter_o_as_zero, parse_amount

# An amount in 万元 this large (10亿元 and up) on one city project is almost surely 元.
YUAN_LIKELY_FROM = 100_000


@dataclass
class IndicatorRow:
    """One period's side of one table row, as read, with the cells it came from."""

    period: str
    level1: str  # the text in force: typed on this row or inherited from the rows above
    level2: str
    level3: str
    value: str
    level3_cell: str
    value_cell: str


@dataclass
class SheetRead:
    """A form as read from one sheet, and where every datum sits."""

    spec: FormSpec
    form: ProjectForm
    file: str
    sheet: str
    raw: dict[str, object] = field(default_factory=dict)  # field → cell value as stored
    amounts: dict[str, Amount] = field(default_factory=dict)  # amount field → its value as read
    cells: dict[str, str] = field(default_factory=dict)  # field → A1 of its value
    unlocated: list[str] = field(default_factory=list)  # fields whose label is not on the sheet
    # Indicator rows missing their 一级, 二级, 三级 or value: the others need no row check.
    incomplete_rows: list[IndicatorRow] = field(default_factory=list)
    groups: set[tuple[str, str]] = field(default_factory=set)  # (period, 一级 as typed) of every indicator row
    level1_cells: list[tuple[str, str]] = field(default_factory=list)  # (一级 text, cell) typed in the table
    level2_cells: list[tuple[str, str, str, str]] = field(default_factory=list)  # (period, 一级, 二级, cell)
    # (period, value as read, cell) of 指标值 stored as a fraction such as 0.95: Excel makes
    # one of a typed "95%" in a cell not formatted as text. In an .xlsx the cell's format tells
    # (sheetsync.number_format); in an .xlsb, or a cell shown as a plain number, the clerk is asked.
    fraction_values: list[tuple[str, str, str]] = field(default_factory=list)
    # (period, lines, cell of the 三级指标) of a row whose 三级指标 and 指标值 hold as many lines:
    # several indicators typed into one row.
    crammed_rows: list[tuple[str, int, str]] = field(default_factory=list)
    # (period, 三级, 指标值, A1 of the 三级) of 三级指标 holding a target value (≥95%), not a name.
    value_names: list[tuple[str, str, str, str]] = field(default_factory=list)
    # (period, value as read, cell) of 指标值 Excel holds as a date: a typed 2021年12月 becomes one.
    date_values: list[tuple[str, str, str]] = field(default_factory=list)
    # 三级 cells holding the number 0 (a formula such as =D8 copied down to a spare row), read as blank.
    zero_rows: list[str] = field(default_factory=list)
    # (period, field, text, cell) of 三级 and 指标值 holding a formula as text (=D8 in a cell formatted as text).
    formula_texts: list[tuple[str, str, str, str]] = field(default_factory=list)
    # A1 → the error value (#DIV/0!) of a cell read as empty where a value belongs.
    error_cells: dict[str, str] = field(default_factory=dict)
    # (A1, A1 of the merge's first cell, text) of table cells covered by a merge that hold text.
    merged_hidden: list[tuple[str, str, str]] = field(default_factory=list)
    hidden_fields: dict[str, str] = field(default_factory=dict)  # field read under a merge → the merge's first cell
    # (period, field, A1) of the 三级 and 指标值 cells of a row holding nothing but error values.
    error_rows: list[tuple[str, str, str]] = field(default_factory=list)
    # (period, field, length, the spec's most, A1) of 三级 and 指标值 longer than the spec allows
    # (pasted past the template's validation).
    long_texts: list[tuple[str, str, int, int, str]] = field(default_factory=list)
    year_found: bool = False
    unit_cell: str = ""
    unit_more: str = ""  # lines after the unit's name on its line (填报人：张三 电话：…)
    unit_unlabelled: bool = False  # the unit's name typed over the line's label (东莞市某局, no 预算单位：)
    table_cell: str = ""  # the first cell of the indicator table's header; "" when it was not found
    renamed_columns: list[tuple[str, str, str]] = field(default_factory=list)  # (cell, text, label) of retyped headers
    period_cells: dict[str, str] = field(default_factory=dict)  # period field → A1 of the label naming it

    def issue(self, code: str, *, cell: str = "", field: str = "", **params: object) -> Issue:
        return issue(code, file=self.file, sheet=self.sheet, cell=cell, field=field,
                     **self.spec.message_labels, **params)


def _is_blank(value: object) -> bool:
    return not value.strip() if type(value) is str else clean_text(value) == ""


_labelled_fields: dict[str, tuple[tuple[FieldSpec, str], ...]] = {}


def _fields_with_labels(spec: FormSpec) -> tuple[tuple[FieldSpec, str], ...]:
    """Every field and footer of ``spec`` with the label its issues quote, built once per spec."""
    found = _labelled_fields.get(spec.hash)
    if found is None:
        found = _labelled_fields[spec.hash] = tuple(
            (f, f.label.prefix or spec.label_of(f.name)) for f in (*spec.fields, *spec.footer))
    return found


def field_issues(read: SheetRead) -> list[Issue]:
    """Missing labels and fields, amounts, text lengths, the year and the budget unit."""
    spec, form = read.spec, read.form
    found: list[Issue] = []
    if not read.year_found and form.year is None:
        found.append(read.issue("missing_year", field="year"))
    if not form.budget_unit:
        found.append(read.issue("missing_unit", cell=read.unit_cell, field=spec.unit_line.field or "budget_unit"))
    else:
        if read.unit_unlabelled:
            found.append(read.issue("unit_label_missing", cell=read.unit_cell, field=spec.unit_line.field or "budget_unit",
                                    unit=form.budget_unit))
        if read.unit_more:
            found.append(read.issue("unit_line_more", cell=read.unit_cell, field=spec.unit_line.field or "budget_unit",
                                    text=read.unit_more, unit=form.budget_unit))
    for f, label in _fields_with_labels(spec):
        if f.period_field and f.period_field in read.period_cells:
            found += _period_issues(read, f.period_field, label)
        cell = read.cells.get(f.name, "")
        if f.name in read.unlocated:
            found.append(read.issue("missing_label", field=f.name, label=label))
            if f.required:
                found.append(read.issue("missing_field", field=f.name, label=label))
            continue
        raw = read.raw.get(f.name, "")
        if _is_blank(raw):
            if f.required or cell in read.error_cells:
                found.append(_blank(read, cell, f.name, f"“{label}”", "missing_field", label=label))
            continue
        if f.name in read.hidden_fields:
            found.append(read.issue("merged_hidden_field", cell=cell, field=f.name, label=label,
                                    merge=read.hidden_fields[f.name]))
        if f.kind == "amount":
            found += _amount_issues(read, f.name, label, raw, cell)
        elif f.max_length and len(clean_text(raw)) > f.max_length:
            found.append(read.issue("text_too_long", cell=cell, field=f.name, label=label,
                                    max_length=f.max_length, length=len(clean_text(raw))))
        if f.not_above:
            found += _not_above(read, f.name, f.not_above, cell)
    return found


def _period_issues(read: SheetRead, name: str, label: str) -> list[Issue]:
    """A period (中期滚动目标（2020年--2022年）) that does not start in the form's year."""
    period, year = getattr(read.form, name), read.form.year
    years = period_years(period)
    if year is None or years is None or years[0] == year:
        return []
    return [read.issue("period_not_from_year", cell=read.period_cells[name], field=name, label=label, period=period, year=year)]


def _amount_issues(read: SheetRead, name: str, label: str, raw: object, cell: str) -> list[Issue]:
    amount = read.amounts[name] if name in read.amounts else parse_amount(raw)
    text = clean_text(raw)
    if amount.value is None:
        return [read.issue("amount_too_large" if amount.too_large else "bad_amount", cell=cell, field=name, label=label, text=text)]
    found = []
    if amount.value < 0:
        found.append(read.issue("negative_amount", cell=cell, field=name, label=label, value=_number(amount.wan)))
    if amount.stored is not None:
        found.append(read.issue("amount_scaled", cell=cell, field=name, label=label, stored=clean_text(amount.stored),
                                text=text, value=_number(amount.wan)))
    if amount.converted:
        if amount.stored is None:
            found.append(read.issue("amount_converted", cell=cell, field=name, label=label, text=text,
                                    unit=amount.unit, value=_number(amount.wan)))
        return found
    if amount.as_text:
        found.append(read.issue("amount_as_text", cell=cell, field=name, label=label, text=text,
                                value=_number(amount.value)))
    if amount.value >= YUAN_LIKELY_FROM:
        found.append(read.issue("amount_in_yuan", cell=cell, field=name, label=label, value=text))
    return found


def _not_above(read: SheetRead, name: str, other: str, cell: str) -> list[Issue]:
    value, limit = getattr(read.form, name), getattr(read.form, other, None)
    if value is None or limit is None or value <= limit:
        return []
    return [read.issue("annual_above_midterm", cell=cell, field=name, label=without_bracketed(read.spec.label_of(name)),
                       value=_number(value), limit_label=without_bracketed(read.spec.label_of(other)), limit=_number(limit))]


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else str(value)


_stray_level2: dict[str, dict[tuple[str, str], str | None]] = {}


def _level1_of_stray_level2(spec: FormSpec, level1: str, level2: str) -> str | None:
    """The tree label of ``level1`` when ``level2`` is in none of its trees, else None.

    Remembered per spec: the same pairs recur on every sheet.
    """
    known = _stray_level2.setdefault(spec.hash, {})
    key = (level1, level2)
    if key not in known:
        canon1 = spec.canonical_level1(level1)
        stray = canon1 is not None and spec.canonical_level2(canon1, level2) is None
        if len(known) >= 50_000:
            return canon1 if stray else None
        known[key] = canon1 if stray else None
    return known[key]


def _blank(read: SheetRead, cell: str, name: str, what: str, code: str, **params: object) -> Issue:
    """Issue ``code`` for an empty cell, or ``formula_error`` when the cell shows an error value."""
    if cell in read.error_cells:
        return read.issue("formula_error", cell=cell, field=name, what=what, error=read.error_cells[cell])
    return read.issue(code, cell=cell, field=name, **params)


def _header_labels(spec: FormSpec) -> list[str]:
    """The table's column labels, the first period's only: 一级指标, 二级指标, 三级指标, 指标值…"""
    ind = spec.indicators
    first = ind.periods[0]
    return [ind.level1.label.text, first.level2.label.text, first.level3.label.text, first.value.label.text]


def row_problems(period: str, level1: str, level2: str, level3: str, value: str) -> list[tuple[str, str, dict[str, str]]]:
    """What one side of an indicator row lacks, as (issue code, field at fault, message params):
    the rules a row of the table is held to, in a workbook and in imported text alike."""
    found = []
    if level3 and not value:
        found.append(("level3_without_value", "value", {"period": period, "level3": level3}))
    elif value and not level3:
        found.append(("value_without_level3", "level3", {"period": period, "value": value}))
    if not level1:
        found.append(("missing_level1", "level1", {"period": period, "level3": level3 or value}))
    elif not level2:
        found.append(("missing_level2", "level2", {"period": period, "level3": level3 or value}))
    return found


def indicator_issues(read: SheetRead) -> list[Issue]:
    """Per row: 三级 without 指标值 and the reverse, missing 一级/二级; per table: trees and empty groups."""
    spec = read.spec
    labels = spec.message_labels
    found: list[Issue] = []
    for row in read.incomplete_rows:
        for code, name, params in row_problems(row.period, row.level1, row.level2, row.level3, row.value):
            # A side whose header lacks a column has no cell there: the row's other cell says where.
            cell = (row.value_cell if name == "value" else row.level3_cell) or row.level3_cell or row.value_cell
            if name in ("level3", "value"):
                other = "value" if name == "level3" else "level3"
                what = f"{row.period}{labels[other + '_label']}“{getattr(row, other)}”的{labels[name + '_label']}"
                found.append(_blank(read, cell, name, what, code, **params))
            else:
                found.append(read.issue(code, cell=cell, field=name, **params))
    for cell, merge, text in read.merged_hidden:
        found.append(read.issue("merged_hidden_text", cell=cell, merge=merge, text=text))
    for period, name, length, most, cell in read.long_texts:
        found.append(read.issue("text_too_long", cell=cell, field=name, label=f"{period}{labels[name + '_label']}",
                                max_length=most, length=length))
    for period, name, cell in read.error_rows:
        found.append(read.issue("formula_error", cell=cell, field=name, what=f"{period}{labels[name + '_label']}",
                                error=read.error_cells[cell]))

    if not read.form.indicators:
        table = spec.indicators.label.text
        if read.table_cell:
            found.append(read.issue("no_indicators", cell=read.table_cell, table=table))
        else:
            headers = "、".join(f"“{label}”" for label in _header_labels(spec))
            found.append(read.issue("missing_table", table=table, headers=headers))
    for cell, text, label in read.renamed_columns:
        found.append(read.issue("renamed_column", cell=cell, text=text, label=label))
    for period, value, cell in read.fraction_values:
        found.append(read.issue("value_as_fraction", cell=cell, field="value", period=period, value=value))
    for period, count, cell in read.crammed_rows:
        found.append(read.issue("indicators_in_one_row", cell=cell, field="level3", period=period, count=count))
    for period, level3, value, cell in read.value_names:
        swapped = value and not any(char.isdigit() for char in value)  # the name typed where the value belongs
        found.append(read.issue("swapped_columns" if swapped else "level3_is_value", cell=cell, field="level3",
                                period=period, level3=level3, value=value))
    for period, value, cell in read.date_values:
        found.append(read.issue("value_as_date", cell=cell, field="value", period=period, value=value))
    for indicator in read.form.indicators:
        if (read_as := letter_o_as_zero(indicator.value)) != indicator.value:
            found.append(read.issue("letter_o_in_number", cell=indicator.cell, field="value",
                                    period=indicator.period, value=indicator.value, read_as=read_as))
    if read.zero_rows:
        found.append(read.issue("zero_rows", cell=read.zero_rows[0], field="level3", count=len(read.zero_rows),
                                cells="、".join(read.zero_rows[:10]) + ("等" if len(read.zero_rows) > 10 else "")))
    for period, name, text, cell in read.formula_texts:
        found.append(read.issue("formula_as_text", cell=cell, field=name, what=f"{period}{spec.message_labels[name + '_label']}",
                                text=text[:60]))

    seen: set[tuple[str, ...]] = set()
    for text, cell in read.level1_cells:
        if spec.canonical_level1(text) is None and (text,) not in seen:
            seen.add((text,))
            found.append(read.issue("unknown_level1", cell=cell, field="level1", level1=text))
    strays = _stray_level2.setdefault(spec.hash, {})
    for period, level1, level2, cell in read.level2_cells:
        pair = (level1, level2)
        canon1 = strays[pair] if pair in strays else _level1_of_stray_level2(spec, level1, level2)
        if canon1 is None or (period, canon1, level2) in seen:
            continue
        seen.add((period, canon1, level2))  # once per side of the table: each side's cell is marked
        found.append(read.issue("unknown_level2", cell=cell, field="level2", level1=canon1, level2=level2))

    if not read.form.indicators:
        return found  # no_indicators says it once for every empty group
    filled = {(period, normalize_label(level1)) for period, level1 in read.groups}
    reported: set[str] = set()
    periods = spec.period_names
    for text, cell in read.level1_cells:
        key = normalize_label(text)
        if key in reported:
            continue
        reported.add(key)
        for period in periods:
            if (period, key) not in filled:
                found.append(read.issue("empty_level1", cell=cell, field="level1",
                                        level1=spec.canonical_level1(text) or text, period=period))
    return found


def identity_issues(read: SheetRead, entry: SheetIdentity | None) -> list[Issue]:
    """The sheet against its record on the identity sheet: prefilled name, unit and amounts unchanged."""
    if entry is None:
        return []
    found = []
    for name, cell in (("project_name", read.cells.get("project_name", "")), ("budget_unit", read.unit_cell)):
        expected, typed = getattr(entry, name), getattr(read.form, name)
        if expected and normalize_label(expected) != normalize_label(typed):
            detail = f"“{read.spec.label_of(name)}”应为“{expected}”，现为“{typed}”"
            found.append(read.issue("identity_mismatch", cell=cell, field=name, detail=detail))
    for name in ("midterm_budget_wan", "annual_budget_wan"):
        expected, typed = parse_amount(getattr(entry, name)).value, getattr(read.form, name)
        if expected is not None and (typed is None or not math.isclose(typed, expected, rel_tol=1e-9, abs_tol=1e-9)):
            shown = f"“{text}”" if (text := clean_text(read.raw.get(name))) else "空"
            detail = f"“{read.spec.label_of(name)}”应为“{clean_text(expected)}”，现为{shown}"
            found.append(read.issue("identity_mismatch", cell=read.cells.get(name, ""), field=name, detail=detail))
    return found


def template_issues(spec: FormSpec, identity: Identity, file: str) -> list[Issue]:
    """The workbook's identity record against the spec it is read with."""
    if identity.form_id and identity.form_id != spec.id:
        return [issue("unknown_template", file=file, detail=f"表格规范“{identity.form_id}”")]
    try:
        version = int(identity.spec_version)
    except ValueError:
        return [issue("unknown_template", file=file, detail=f"版本号“{identity.spec_version}”")]
    if version < spec.version:
        return [issue("old_template", file=file, found=version, current=spec.version)]
    # The spec hash changes with any edit of the TOML files (a prompt, a row height); only the
    # version says the layout changed, so a different hash at the same version is no problem.
    if version > spec.version:
        return [issue("unknown_template", file=file, detail=f"第{version}版，比本程序的第{spec.version}版新")]
    return []
