"""Reading the form that :func:`~sheetsync.locate.locate` found in one sheet: its lines and
fields, its indicator table, and every non-empty cell that none of them took.

    >>> layout = locate(grid, spec)                                  # doctest: +SKIP
    >>> read, issues = read_sheet(grid, layout, "收回/财务科.xlsx")    # doctest: +SKIP
    >>> read.form.project_name, len(read.form.indicators)            # doctest: +SKIP
    ('CO出证认证EDI管理系统CA证书费用', 12)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from . import checks
from .checks import IndicatorRow, SheetRead
from .identity import Identity
from .issues import Issue
from .locate import Area, Layout, area_at, label_key, spec_labels
from .model import Indicator, ProjectForm
from .spec import FieldSpec, FormSpec, cell_ref, column_letter
from .values import BARE_VALUE_STARTS, clean_text, is_bare_value, parse_amount, without_amount_note
from .workbook import Grid

_SPACE = re.compile(r"\s+")
# An unclaimed cell's text is quoted in its issue up to this many characters; a sheet's
# unclaimed cells are listed one by one up to this many (a block pasted beside the form can
# hold millions), the rest counted in one issue.
_QUOTE_CHARS = 60
_MAX_UNCLAIMED_LISTED = 200


def read_sheet(grid: Grid, layout: Layout, file: str, *, identity: Identity | None = None) -> tuple[SheetRead, list[Issue]]:
    """Read the form ``layout`` found in ``grid``; return it with all its issues but those of
    its identity record (which the workbook's reader matches to it: see :mod:`sheetsync.reader`)."""
    sheet = _SheetReader(grid, layout, file, identity)
    read = sheet.read()
    found = checks.field_issues(read) + checks.indicator_issues(read)
    found += sheet.unclaimed()
    return read, found


def _text(value: object) -> str:
    return value.strip() if type(value) is str else clean_text(value)


_LETTERS = [column_letter(c) for c in range(702)]
# What calamine gives for a cell Excel holds as a date, a time or a duration.
_DATE_TYPES = (dt.date, dt.datetime, dt.time, dt.timedelta)
# What it gives for a number: an .xls holds whole numbers as integers (RK records).
_NUMBER_TYPES = (float, int)
# A formula as text: = and a function, a cell or another sheet's cell (=SUM(, =D8, =项目1!E8),
# not a target value written with = (=100%).
FORMULA_TEXT = re.compile(r"=\s*(?:[A-Za-z][A-Za-z0-9.]*\s*\(|\$?[A-Za-z]{1,3}\$?\d+\b|'?[^'!=]+'?!)")


def _ref(row: int, col: int) -> str:
    """:func:`cell_ref` for the hot loop: column letters looked up, not computed."""
    return f"{_letter(col)}{row + 1}"


def _letter(col: int | None) -> str:
    """The column's letters (``""`` for no column), looked up for the first 702 columns."""
    if col is None:
        return ""
    return _LETTERS[col] if col < len(_LETTERS) else column_letter(col)


def _same_key(value: object) -> str:
    """Two cells hold the same datum when they read the same once spaces and brackets are normalised."""
    return label_key(value) if type(value) is str and len(value) <= 200 else _text(value)


def _compact(text: str) -> str:
    return _SPACE.sub("", text)


_canonical_levels: dict[str, dict[tuple[str, str], tuple[str, str]]] = {}


@dataclass(frozen=True)
class _TableArea:
    """The indicator rows' cells that the table takes: any non-empty cell in a table column,
    and 绩效指标 repeated down its label column (a merge undone with its value copied)."""

    first_row: int
    end_row: int
    columns: frozenset[int]
    label_columns: frozenset[int]
    label_keys: frozenset[str]

    def takes(self, row: int, col: int, value: object) -> bool:
        if not self.first_row <= row < self.end_row:
            return False
        return col in self.columns or (col in self.label_columns and label_key(_text(value)) in self.label_keys)


class _PeriodPlan(NamedTuple):
    """Where one period's 二级, 三级 and 指标值 are, and their column letters."""

    name: str
    level2: int
    level3: int
    value: int
    level2_letter: str
    level3_letter: str
    value_letter: str


class _TablePlan(NamedTuple):
    """How to read the rows under one header layout.

    A column the header lacks points at column ``width`` (letter ""): each row is cut to the
    header's columns and a blank cell put there, so a column without a header reads as blank.
    """

    level1: int
    level1_letter: str
    periods: tuple[_PeriodPlan, ...]
    width: int  # one past the header's last column
    complete: bool  # every column is in the header: rows are read as they are

    def cells(self, row: list[object]) -> list[object]:
        """``row`` with every cell the plan reads."""
        if self.complete:
            return row if len(row) >= self.width else [*row, *[""] * (self.width - len(row))]
        cells = row[:self.width]
        return [*cells, *[""] * (self.width + 1 - len(cells))]


_plans: dict[tuple[str, tuple[tuple[tuple[str, str], int], ...]], _TablePlan] = {}


@lru_cache(maxsize=1024)
def _covered_cells(first: int, end: int, columns: frozenset[int],
                   merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...]) -> tuple[tuple[int, int, int, int], ...]:
    """(row, col, first row, first col of its merge) of every table cell a merge covers, its
    first cell aside; the forms of a round share a few layouts, so each is worked out once."""
    low, high = min(columns), max(columns)
    return tuple(
        (r, c, r1, c1)
        for (r1, c1), (r2, c2) in merged
        if not (r2 < first or r1 >= end or c2 < low or c1 > high) and (r2 - r1 + 1) * (c2 - c1 + 1) <= _MAX_COVERED_CELLS
        for r in range(max(r1, first), min(r2 + 1, end))
        for c in range(c1, c2 + 1)
        if (r, c) != (r1, c1) and c in columns
    )


class _BlankSide(NamedTuple):
    """A row's side of the table (中期 or 年度) whose 三级指标 and 指标值 read empty."""

    period: str
    row: int
    col3: int
    letter3: str
    value_col: int
    value_letter: str


def _table_plan(spec: FormSpec, columns: dict[tuple[str, str], int]) -> _TablePlan:
    """The plan for ``columns`` (the header found in a sheet), made once per layout."""
    key = (spec.hash, tuple(columns.items()))
    plan = _plans.get(key)
    if plan is None:
        width = max(columns.values(), default=-1) + 1

        def at(period: str, role: str) -> tuple[int, str]:
            col = columns.get((period, role))
            return (width, "") if col is None else (col, _letter(col))

        periods = []
        for p in spec.indicators.periods:
            (col2, letter2), (col3, letter3), (value_col, value_letter) = (
                at(p.name, role) for role in ("level2", "level3", "value"))
            periods.append(_PeriodPlan(p.name, col2, col3, value_col, letter2, letter3, value_letter))
        level1_col, level1_letter = at("", "level1")
        complete = len(columns) == 1 + 3 * len(periods)
        plan = _TablePlan(level1_col, level1_letter, tuple(periods), width, complete)
        if len(_plans) < 10_000:
            _plans[key] = plan
    return plan


_NO_TABLE = _TableArea(0, 0, frozenset(), frozenset(), frozenset())
# A merged range larger than this is no cell's value repeated down the table.
_MAX_COVERED_CELLS = 10_000
# Blank rows or columns a department may have inserted between a label and its value.
_MAX_INSERTED_BLANKS = 3


class _SheetReader:
    def __init__(self, grid: Grid, layout: Layout, file: str, identity: Identity | None) -> None:
        self.grid = grid
        self.layout = layout
        self.spec = layout.spec
        # What the fields took; checked against the non-empty cells only at the end, since
        # most cells of a merge are empty and most of the table is taken whole.
        self.claimed: set[tuple[int, int]] = set()
        self.repeated: list[tuple[Area, object]] = []
        self.table: _TableArea | None = None
        self._covered: dict[tuple[int, int], tuple[int, int]] | None = None  # cell → the merge's first, above it
        self.identity = identity
        # The same 一级/二级 spellings recur on every sheet: their tree labels are kept per spec.
        self._canonical = _canonical_levels.setdefault(self.spec.hash, {})
        form = ProjectForm(file=file, sheet=grid.name, form=self.spec.id)
        if identity is not None:
            form.template_version = identity.spec_version
            form.generated_at = identity.generated_at
        self.read_result = SheetRead(self.spec, form, file, grid.name)

    # -- claiming cells

    def claim(self, row: int, col: int) -> None:
        self.claimed.add((row, col))

    def claim_repeats(self, area: Area, value: object) -> None:
        """Claim the cells of ``area`` that repeat ``value``: a merge undone with its value copied."""
        if area[0] != area[2] or area[1] != area[3]:
            self.repeated.append((area, value))

    def _is_claimed(self, row: int, col: int, value: object,
                    repeated_by_row: dict[int, list[tuple[Area, object]]]) -> bool:
        if self.table is not None and self.table.takes(row, col, value):
            return True
        for (_r1, c1, _r2, c2), repeated in repeated_by_row.get(row, ()):
            if c1 <= col <= c2 and (value == repeated or _same_key(value) == _same_key(repeated)):
                return True
        return False

    def _repeated_by_row(self) -> dict[int, list[tuple[Area, object]]]:
        by_row: dict[int, list[tuple[Area, object]]] = {}
        for area, value in self.repeated:
            for row in range(area[0], min(area[2] + 1, len(self.grid.rows))):
                by_row.setdefault(row, []).append((area, value))
        return by_row

    # -- the whole form

    def read(self) -> SheetRead:
        self._read_lines()
        for f in (*self.spec.fields, *self.spec.footer):
            self._read_field(f)
        self._read_blocks()
        if self.layout.header_row is not None:
            self._read_table()
        return self.read_result

    def _line_area(self, row: int, col: int) -> Area:
        return (row, col, row, col + self.spec.columns - 1)

    def _read_lines(self) -> None:
        layout, read = self.layout, self.read_result
        if layout.title is not None:
            r, c = layout.title
            self.claim(r, c)
            self.claim_repeats(self._line_area(r, c), self.grid.value(r, c))
        if layout.year is not None:
            r, c, year = layout.year
            read.form.year = year
            read.year_found = True
            self.claim(r, c)
            self.claim_repeats(self._line_area(r, c), self.grid.value(r, c))
        elif self.identity is not None and self.identity.year.isdigit():
            read.form.year = int(self.identity.year)
        if layout.unit is not None:
            r, c = layout.unit
            self.claim(r, c)
            text = _text(self.grid.value(r, c))
            self.claim_repeats(self._line_area(r, c), text)
            unit = _after_label(text, (self.spec.unit_line.label or "", *self.spec.unit_line.variants))
            read.unit_cell = _ref(r, c)
            if not unit:
                # A hand-made form may put the unit's name in the next non-empty cell.
                for col in range(c + 1, c + self.spec.columns):
                    value = _text(self.grid.value(r, col))
                    if value:
                        unit = value
                        self.claim(r, col)
                        self.claim_repeats((r, col, r, c + self.spec.columns - 1), value)
                        read.unit_cell = _ref(r, col)
                        break
            read.form.budget_unit, read.unit_more = _unit_name(unit)
            self._claim_amount_notes(r, c)
        elif (line := self._unlabelled_unit()) is not None:
            r, c, unit = line
            self.claim(r, c)
            self.claim_repeats(self._line_area(r, c), self.grid.value(r, c))
            read.unit_cell, read.unit_unlabelled = _ref(r, c), True
            read.form.budget_unit, read.unit_more = _unit_name(unit)
            self._claim_amount_notes(r, c)

    def _claim_amount_notes(self, r: int, c: int) -> None:
        """The amounts' unit noted in a cell of its own on the unit line (单位：万元) is part of the line."""
        for col in range(c + 1, c + self.spec.columns):
            value = self.grid.value(r, col)
            if type(value) is str and value.strip() and not without_amount_note(" " + value).strip():
                self.claim(r, col)

    def _unlabelled_unit(self) -> tuple[int, int, str] | None:
        """The unit's name typed over the unit line's label (东莞市某局 where 预算单位：东莞市某局
        belongs): the one text, no label's colon in it, of the one row between the form's title
        or year line and its first field."""
        layout = self.layout
        lines = [at for at in (layout.title, layout.year and layout.year[:2]) if at is not None]
        if not lines or not layout.fields:
            return None
        top, first = max(r for r, _c in lines), min(r for r, _c in layout.fields.values())
        rows = [(r, cols) for r, cols in layout.filled if top < r < first]
        if len(rows) != 1:
            return None
        r, cols = rows[0]
        values = [self.grid.rows[r][c] for c in cols]
        if any(type(value) is not str for value in values) or {self.grid.value(*at) for at in lines} & set(values):
            return None
        texts = [(c, text) for c, value in zip(cols, values) if (text := without_amount_note(" " + value).strip())]
        if len({text for _c, text in texts}) != 1 or any(sep in texts[0][1] for sep in "：:"):
            return None
        return r, *texts[0]

    def _read_blocks(self) -> None:
        spans = dict(self.spec.labels)
        for r, c, text in self.layout.blocks:
            self.claim(r, c)
            self.claim_repeats(area_at(self.grid, r, c, spans[text]), self.grid.value(r, c))

    def _read_field(self, f: FieldSpec) -> None:
        read = self.read_result
        where = self.layout.fields.get(f.name)
        if where is None:
            read.unlocated.append(f.name)
            return
        r, c = where
        label_value = self.grid.rows[r][c]  # a label found in the sheet, so within it
        label_area = area_at(self.grid, r, c, f.label_at)
        dr, dc = f.offset
        # The value sits beside or below the label, past the label's own merge.
        vr = label_area[2] + 1 if dr > 0 else r + dr
        vc = label_area[3] + 1 if dc > 0 else c + dc
        value_area = area_at(self.grid, vr, vc, f.value_at)
        raw, at = _first_value(self.grid.rows, value_area)
        if raw == "" and (moved := self._past_blank_cells(value_area, f, down=dr > 0)) is not None:
            value_area, raw, at = moved
        if raw != "" and self._in_table_or_label(r, at):
            raw, at = "", (value_area[0], value_area[1])  # the goals' row deleted: the table's header is no goal
        # Text typed into the label's own cell, after the label (中期滚动目标（…）⏎三年内…), is the
        # value, or with the value in its place, the label's cell is left to be reported unclaimed.
        typed = _beyond_label(label_value, f.label.prefix) if type(label_value) is str else ""
        if typed and raw == "":
            value_area, raw, at = (r, c, r, c), typed, where
        if not typed or at == where:
            self.claimed.add(where)
            self.claim_repeats(label_area, label_value)
        if raw != "":
            self.claimed.add(at)
            self.claim_repeats(value_area, raw)
            if self._under_merge(value_area, at):
                read.hidden_fields[f.name] = _ref(value_area[0], value_area[1])
        elif f.required:
            # Only where the blank is reported: an optional field is left blank on most forms
            # (批复意见 on all of them), and looking costs a read of the sheet's part.
            self._note_error(*at)
        read.cells[f.name] = _ref(*at)
        if f.kind == "amount":
            amount = parse_amount(raw)
            if type(raw) in _NUMBER_TYPES and self.grid.units_shown and (shown := self.grid.shown(*at)) is not None:
                # A number shown with a unit (#,##0"元" shows 22500 as 22,500元) or scaled
                # (0!.0000 shows 225000 as 22.5000) is read as it shows.
                text = shown.text(raw)
                if (with_unit := parse_amount(text)).value is not None:
                    amount = replace(with_unit, as_text=False, stored=float(raw) if shown.scale else None)
                    raw = text
            read.amounts[f.name] = amount
            setattr(read.form, f.name, amount.wan)
        else:
            setattr(read.form, f.name, _text(raw))
        read.raw[f.name] = raw
        if f.period_field:
            if period := f.period_in(_text(label_value)):
                setattr(read.form, f.period_field, period)
                read.period_cells[f.period_field] = _ref(r, c)

    def _in_table_or_label(self, label_row: int, at: tuple[int, int]) -> bool:
        """Whether the cell ``at``, taken for the value of a field labelled on ``label_row``, is in the
        indicator table below that label, or is another field's label."""
        header = self.layout.header_row
        if header is not None and label_row < header <= at[0]:
            return True
        return at in self.layout.fields.values()

    def _past_blank_cells(self, area: Area, f: FieldSpec, down: bool) -> tuple[Area, object, tuple[int, int]] | None:
        """The value of a field when blank rows or columns were inserted between it and its label
        (the goals a row under 中期滚动目标, an amount a column right of its label): the first
        value within a few cells, before any other label and, below, above the table."""
        layout, rows = self.layout, self.grid.rows
        labels = {*layout.fields.values(), *((r, c) for r, c, _t in layout.blocks)}
        if down:
            end = min(area[2] + 1 + _MAX_INSERTED_BLANKS, len(rows))
            if layout.header_row is not None:
                end = min(end, layout.header_row)
            cells = [(row, area[1]) for row in range(area[2] + 1, end)]
            label_rows = {r for r, _c in labels}
            ends = [row in label_rows for row, _c in cells]
        else:
            end = min(area[3] + 1 + _MAX_INSERTED_BLANKS, len(rows[area[0]]))
            cells = [(area[0], col) for col in range(area[3] + 1, end)]
            ends = [cell in labels for cell in cells]
        for (row, col), is_label in zip(cells, ends):
            if is_label:
                return None
            lower = area_at(self.grid, row, col, f.value_at)
            raw, at = _first_value(rows, lower)
            if raw != "":
                return lower, raw, at
        return None

    def _under_merge(self, area: Area, at: tuple[int, int]) -> bool:
        """Whether ``at``, a cell of ``area`` other than its first, lies under a merge starting
        there: its text shows nowhere (the merge made again over a value typed after unmerging)."""
        first = (area[0], area[1])
        if at == first or (last := self.grid.merge_end(*first)) is None:
            return False
        return at[0] <= last[0] and at[1] <= last[1]

    # -- the indicator table

    def _read_table(self) -> None:
        layout, spec, read = self.layout, self.spec, self.read_result
        header = layout.header_row
        columns = layout.columns
        self.claimed.update((header, col) for col in columns.values())
        self.claimed.update(layout.table_labels)
        self.table = _TableArea(header + 1, layout.table_end, frozenset(columns.values()),
                                frozenset(c for _r, c in layout.table_labels), spec_labels(spec).table_label)
        plan = _table_plan(spec, columns)
        level1_col, level1_letter, periods = plan.level1, plan.level1_letter, plan.periods
        level1, level2 = "", [""] * len(periods)
        rows, indicators, canonical = self.grid.rows, read.form.indicators, self._canonical
        level1_cells, level2_cells, groups = read.level1_cells, read.level2_cells, read.groups
        header_cells = plan.cells(rows[header])
        read.table_cell = _ref(header, min(columns.values()))
        for _slot, col, label in layout.renamed_columns:
            read.renamed_columns.append((_ref(header, col), _text(header_cells[col]), label))
        # The header pasted again inside the table (for a second printed page) is no indicator.
        marker_col = periods[0].level3
        labels = spec_labels(spec)
        header_keys, starts = labels.header, labels.first_chars
        blank_sides: list[_BlankSide] = []
        longest3, longest_value = spec.indicators.level3_max_length, spec.indicators.value_max_length
        hidden = self._hidden_by_merges(header + 1, layout.table_end, frozenset(columns.values()))
        hidden_rows = {r for r, _c in hidden}
        for r in range(header + 1, layout.table_end):
            row = plan.cells(rows[r])
            if r in hidden_rows:
                row = ["" if (r, c) in hidden else value for c, value in enumerate(row)]
            marker = row[marker_col]
            if type(marker) is str and marker[:1] in starts and _repeats_header(row, columns, header_keys):
                continue
            typed1 = row[level1_col]
            typed1 = typed1.strip() if type(typed1) is str else clean_text(typed1)
            row_number = str(r + 1)
            if typed1 and typed1 != level1:
                level1 = typed1
                level2 = [""] * len(periods)
                level1_cells.append((typed1, level1_letter + row_number))
            for index, (period, col2, col3, value_col, letter2, letter3, value_letter) in enumerate(periods):
                typed2, level3, raw = row[col2], row[col3], row[value_col]
                typed2 = typed2.strip() if type(typed2) is str else clean_text(typed2)
                level3 = level3.strip() if type(level3) is str else clean_text(level3)
                value = raw.strip() if type(raw) is str else clean_text(raw)
                shown = self.grid.shown(r, value_col) if type(raw) in _NUMBER_TYPES else None
                if shown is not None:
                    value = shown.text(raw)
                if typed2:
                    if typed2 != level2[index]:
                        level2_cells.append((period, level1, typed2, letter2 + row_number))
                    level2[index] = typed2
                if not (level3 or value) or (level3 == "0" and value in ("0", "") and type(row[col3]) in _NUMBER_TYPES):
                    # 三级指标 0 is a formula referring to an empty cell (=D8 copied down to spare rows).
                    if level3 and letter3:
                        read.zero_rows.append(letter3 + row_number)
                    blank_sides.append(_BlankSide(period, r, col3, letter3, value_col, value_letter))
                    continue
                if letter3 and type(row[col3]) is str and level3[:1] == "=" and FORMULA_TEXT.match(level3):
                    read.formula_texts.append((period, "level3", level3, letter3 + row_number))
                if value_letter and type(raw) is str and value[:1] == "=" and FORMULA_TEXT.match(value):
                    read.formula_texts.append((period, "value", value, value_letter + row_number))
                value_cell = value_letter + row_number if value_letter else ""
                if letter3 and level3[:1] in BARE_VALUE_STARTS and is_bare_value(level3):
                    read.value_names.append((period, level3, value, letter3 + row_number))
                if len(level3) > longest3 and letter3:
                    read.long_texts.append((period, "level3", len(level3), longest3, letter3 + row_number))
                if len(value) > longest_value and value_cell:
                    read.long_texts.append((period, "value", len(value), longest_value, value_cell))
                if "\n" in level3 and "\n" in value and (count := _line_count(level3)) > 1 and count == _line_count(value):
                    read.crammed_rows.append((period, count, letter3 + row_number))
                groups.add((period, level1))
                if type(raw) in _NUMBER_TYPES and 0 < raw < 1 and shown is None:
                    read.fraction_values.append((period, value, value_cell))
                elif type(raw) in _DATE_TYPES:
                    read.date_values.append((period, value, value_cell))
                current2 = level2[index]  # typed on this row or above
                if not (level3 and value):
                    # One 指标值 merged down over several 三级指标 (or the reverse) holds for each.
                    level3 = level3 or self._merged_from_above(r, col3)
                    value = value or self._merged_from_above(r, value_col)
                if not (level1 and current2 and level3 and value):
                    level3_cell = letter3 + row_number if letter3 else ""
                    if not value and value_letter:
                        self._note_error(r, value_col)
                    if not level3 and letter3:
                        self._note_error(r, col3)
                    read.incomplete_rows.append(
                        IndicatorRow(period, level1, current2, level3, value, level3_cell, value_cell))
                canon1, canon2 = canonical.get((level1, current2)) or self._levels(level1, current2)
                indicators.append(Indicator(period, canon1, canon2, level3, value, value_cell))
        if blank_sides and self._errors_may_hide_rows():
            for side in blank_sides:
                self._note_error_row(side)

    def _hidden_by_merges(self, first: int, end: int, columns: frozenset[int]) -> set[tuple[int, int]]:
        """The table's cells covered by a merge that still hold other text than its first cell
        (LibreOffice keeps it when asked to): hidden under the merge, they are not read but reported."""
        rows, hidden = self.grid.rows, set()
        for r, c, r1, c1 in _covered_cells(first, end, columns, tuple(self.grid.merged_ranges)):
            if r >= len(rows) or c >= len(rows[r]) or rows[r][c] == "":
                continue
            if (text := self._cell_text(r, c)) and text != self._cell_text(r1, c1):
                hidden.add((r, c))
                self.claimed.add((r, c))
                self.read_result.merged_hidden.append((_ref(r, c), _ref(r1, c1), text))
        return hidden

    def _errors_may_hide_rows(self) -> bool:
        """Whether to look for rows that read empty because their formulas failed: when the
        sheet's error cells are known already, or a side of the table read no indicator (its
        formulas referred to a sheet since deleted, say). Looking costs a read of the sheet's part,
        which a row among rows that read is not worth on every sheet."""
        if self.grid.errors_known:
            return True
        return len({period for period, _level1 in self.read_result.groups}) < len(self.spec.period_names)

    def _note_error_row(self, side: _BlankSide) -> None:
        """Keep the error values of a row side that reads empty because its 三级指标's formula
        failed. A 指标值 failing beside an empty 三级指标 is a spare row a formula was copied down to."""
        if not side.letter3 or self.grid.error_at(side.row, side.col3) is None:
            return
        for col, letter, name in ((side.col3, side.letter3, "level3"), (side.value_col, side.value_letter, "value")):
            if letter and (error := self.grid.error_at(side.row, col)) is not None:
                cell = letter + str(side.row + 1)
                self.read_result.error_cells[cell] = error
                self.read_result.error_rows.append((side.period, name, cell))

    def _merged_from_above(self, row: int, col: int) -> str:
        """The text of the merged range that covers (row, col) from a row above it, or ""."""
        if self._covered is None:
            self._covered = {}
            for (r1, c1), (r2, c2) in self.grid.merged_ranges:
                if r1 < r2 and (r2 - r1) * (c2 - c1 + 1) <= _MAX_COVERED_CELLS:
                    self._covered.update(((r, c), (r1, c1)) for r in range(r1 + 1, r2 + 1) for c in range(c1, c2 + 1))
        first = self._covered.get((row, col))
        return "" if first is None else self._cell_text(*first)

    def _cell_text(self, row: int, col: int) -> str:
        """A cell's text; a number as its format shows it (0.95 shown as 95% → 95%, 3 as 3次 → 3次)."""
        raw = self.grid.value(row, col)
        if type(raw) in _NUMBER_TYPES and (shown := self.grid.shown(row, col)) is not None:
            return shown.text(raw)
        return _text(raw)

    def _note_error(self, row: int, col: int) -> None:
        """Keep the error value of a cell read as empty where a value belongs (a formula that failed)."""
        error = self.grid.error_at(row, col)
        if error is not None:
            self.read_result.error_cells[_ref(row, col)] = error

    def _levels(self, level1: str, level2: str) -> tuple[str, str]:
        """The tree labels of a 一级 and 二级 as typed, else the text without spaces."""
        key = (level1, level2)
        found = self._canonical.get(key)
        if found is None:
            canon1 = self.spec.canonical_level1(level1)
            canon2 = self.spec.canonical_level2(canon1, level2) if canon1 else None
            found = (canon1 or _compact(level1), canon2 or _compact(level2))
            if len(self._canonical) < 50_000:
                self._canonical[key] = found
        return found

    # -- what no field took

    def unclaimed(self) -> list[Issue]:
        """The cells no field took, each an issue; a second form below the table, one issue."""
        found = []
        rows, read, claimed = self.grid.rows, self.read_result, self.claimed
        table = self.table or _NO_TABLE
        first, end, columns = table.first_row, table.end_row, table.columns
        filled_rows = self.layout.filled
        if self.layout.second_form_beside:
            r, c = self.layout.second_form
            cells = sum(1 for _row, filled in filled_rows for col in filled if col >= c)
            found.append(read.issue("second_form_beside", cell=cell_ref(r, c), column=column_letter(c), cells=cells))
            filled_rows = [(row, [col for col in filled if col < c]) for row, filled in filled_rows]
        elif self.layout.second_form is not None:
            r, c = self.layout.second_form
            cut = next(i for i, (row, _filled) in enumerate(filled_rows) if row >= r)
            cells = sum(len(filled) for _row, filled in filled_rows[cut:])
            found.append(read.issue("second_form", cell=cell_ref(r, c), row=r + 1, cells=cells))
            filled_rows = filled_rows[:cut]
        # Most cells are a field's or in a table column: those go first, without a call each.
        left = []
        for r, filled in filled_rows:
            if first <= r < end:
                if columns.issuperset(filled):
                    continue
                filled = [c for c in filled if c not in columns]
            left += [(r, c) for c in filled if (r, c) not in claimed]
        repeated_by_row = self._repeated_by_row() if left else {}
        listed, more, first_more = 0, 0, ""
        for r, c in left:
            value = rows[r][c]
            if self._is_claimed(r, c, value, repeated_by_row):
                continue
            text = _text(value)
            if not text:
                continue  # only spaces: nothing to move or lose
            if listed == _MAX_UNCLAIMED_LISTED:
                more += 1
                first_more = first_more or cell_ref(r, c)
                continue
            listed += 1
            if len(text) > _QUOTE_CHARS:
                text = text[:_QUOTE_CHARS] + "…"
            found.append(read.issue("unclaimed_cell", cell=cell_ref(r, c), text=text))
        if more:
            found.append(read.issue("unclaimed_more", cell=first_more, count=more, shown=listed))
        return found


def _repeats_header(row: list[object], columns: dict[tuple[str, str], int], header_keys: dict[str, frozenset[int]]) -> bool:
    """Whether ``row`` holds the table's header again: two or more cells in the table's columns,
    each a header label in any accepted spelling. Its 一级指标 cell may be missing, under the
    merge of the 一级 it was pasted into."""
    cells = [row[col] for col in columns.values() if row[col] != ""]
    return len(cells) >= 2 and all(type(cell) is str and label_key(cell) in header_keys for cell in cells)


def _first_value(rows: list[list[object]], area: Area) -> tuple[object, tuple[int, int]]:
    """The first non-empty cell of ``area``, row by row: a value typed anywhere in its merge.

    An empty area gives ``""`` and its first cell.
    """
    first_row, first_col, last_row, last_col = area
    if first_row < len(rows) and first_col < len(rows[first_row]) and rows[first_row][first_col] != "":
        return rows[first_row][first_col], (first_row, first_col)
    for r in range(first_row, min(last_row + 1, len(rows))):
        row = rows[r]
        for c in range(first_col, min(last_col + 1, len(row))):
            if row[c] != "":
                return row[c], (r, c)
    return "", (first_row, first_col)


def _line_count(text: str) -> int:
    return sum(1 for line in text.split("\n") if line.strip())


# The period a label names, in brackets after it: 中期滚动目标（2026年--2028年）.
_LABEL_PERIOD = re.compile(r"^\s*[（(][^（）()]*[）)]")


def _beyond_label(text: str, prefix: str) -> str:
    """What was typed after a label matched by its ``prefix`` and the period in brackets after
    it, in the label's own cell: ``中期滚动目标（2026年--2028年）⏎三年内举办9次会议`` → ``三年内举办9次会议``."""
    if not prefix:
        return ""
    at = 0
    for char in prefix:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text) or text[at] != char:
            return ""
        at += 1
    return _LABEL_PERIOD.sub("", text[at:], count=1).strip(" \t\r\n\u3000：:")


# A seal's place noted after the unit's name: 东莞市某局（盖章）.
_SEAL_NOTE = re.compile(r"\s*[（(](?:单位)?(?:盖章|公章|签章|加盖公章)[）)]\s*$")


def _unit_name(line: str) -> tuple[str, str]:
    """The unit's name on the unit line, its first line without a seal's note, and the lines after
    it (填报人：张三 电话：…)."""
    first, _, more = line.strip().partition("\n")
    return _SEAL_NOTE.sub("", first).strip(), more.strip()


def _after_label(text: str, labels: tuple[str, ...]) -> str:
    """``预算单位：东莞市某局`` → ``东莞市某局`` (any colon, spaces, or none; or another of the
    line's ``labels``), without the amount unit noted after it (``东莞市某局    单位：万元``)."""
    stripped = without_amount_note(text.strip())
    for sep in ("：", ":"):
        if sep in stripped:
            return stripped.split(sep, 1)[1].strip()
    compact = stripped.replace(" ", "").replace("\u3000", "")
    return next((compact[len(label):].strip() for label in labels if label and compact.startswith(label)), "")
