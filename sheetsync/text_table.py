"""The indicator table of one published form, from its text rows to :class:`Indicator` records.

The PDF extraction loses the leading empty cells of some rows and wraps long labels onto the
next row. A row is put back in its columns by the 年度 二级指标 label, which every row of the
seed carries: a label found one column left of its place means one leading cell is missing.
A wrapped label (``满意度`` then ``指标`` on the next row) is joined when only the joined text
is a label of an indicator tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .checks import row_problems
from .issues import Issue, issue
from .model import Indicator
from .spec import FormSpec, PeriodSpec, normalize_label
from .text_overflow import OPERATORS, Cell, Slot
from .text_rows import Row

_SPACE = re.compile(r"\s+")


def label_text(text: str) -> str:
    """A label as kept when no tree knows it: trimmed, without spaces or line breaks."""
    return _SPACE.sub("", text)


def is_spaced(text: str) -> bool:
    """Whether a label has spaces inside it (``市财 政局 批复 意见``)."""
    return bool(re.search(r"\S\s+\S", text))


@dataclass
class Draft:
    """An imported indicator whose texts may still get an overflowed fragment back."""

    period: str
    level1: str
    level2: str
    level3: str
    value: str
    cell: str

    def indicator(self) -> Indicator:
        return Indicator(self.period, self.level1, self.level2, self.level3, self.value, self.cell)


@dataclass
class Table:
    """What one form's indicator table gave: indicators, issues and cells open to repair."""

    indicators: list[Draft] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    pairs: list[tuple[Slot, Slot]] = field(default_factory=list)


@dataclass
class _Aligned:
    row: Row
    cells: list[str]
    shift: int = 0  # leading cells the row lost: the row's column of a value cell is col - shift


class TableReader:
    """Reads the rows of one indicator table; ``file`` names the source in issues."""

    def __init__(self, spec: FormSpec, file: str):
        self.spec = spec
        self.file = file
        ind = spec.indicators
        self.level1_col = ind.level1.column
        self.periods: tuple[PeriodSpec, ...] = ind.periods
        self.anchor_col = self.periods[-1].level2.column
        self.level2_cols = {p.level2.column for p in self.periods}
        self.width = spec.columns
        self.column_names = {ind.level1.column: ind.level1.label.text}
        self.column_fields = {ind.level1.column: ind.level1.role}  # as the issues' field column names them
        for p in self.periods:
            for col in (p.level2, p.level3, p.value):
                self.column_names[col.column] = f"{p.name}{col.label.text}"
                self.column_fields[col.column] = col.role
        self.table = Table()
        self.level1 = ""  # the 一级 of the rows aligned so far

    # --- labels --------------------------------------------------------------------

    def _level1_of(self, text: str) -> str | None:
        return self.spec.canonical_level1(text)

    def _any_level2(self, text: str) -> str | None:
        for tree in self.spec.trees.values():
            for level1 in tree.level1:
                if (canon := tree.canonical_level2(level1.label, text)) is not None:
                    return canon
        return None

    def _issue(self, code: str, row: Row, field: str = "", **params: object) -> None:
        self.table.issues.append(issue(code, file=self.file, cell=row.ref, field=field, **self.spec.message_labels, **params))

    # --- the header ----------------------------------------------------------------

    def read_header(self, header: Row) -> None:
        """Check the header's labels; a cell that differs from its label may take back overflow."""
        columns = {col for col, _ in self.spec.indicators.header_labels()} | {self.spec.indicators.label_column}
        extra = [text for col, text in header.filled() if col not in columns]
        if extra:
            self._issue("text_unclaimed_line", header, text=" ".join(extra))
        for col, label in self.spec.indicators.header_labels():
            text = header.cell(col)
            if not label.matches(text):
                self._issue("text_header_mismatch", header, text=text, label=label.text)
            elif is_spaced(text):
                self._issue("text_label_spaced", header, text=text, label=label.text)
            if normalize_label(text) != normalize_label(label.text):
                cell = Cell(text)
                self.table.slots.append(Slot(cell, "text", "", f"表头{label.text}", header.number,
                                             lambda label=label: label.text))

    # --- aligning rows -------------------------------------------------------------

    def _shift(self, cells: list[str]) -> int:
        """How many leading cells the row lost, judged by where its 年度 二级指标 label sits."""
        tail = self.width - 1 - self.anchor_col
        # At most the cells left of the first 二级 column can be lost: a row that lost more would
        # be read as a row with only a 中期 二级 label.
        for shift in range(0, self.periods[0].level2.column + 1):
            col = self.anchor_col - shift
            if col < len(cells) and self._any_level2(cells[col]) and not any(cells[col + tail + 1:]):
                return shift
        return 0

    def _align(self, row: Row) -> _Aligned:
        cells = list(row.cells)
        shift = self._shift(cells)
        if shift == 0:
            return _Aligned(row, (cells + [""] * self.width)[: max(self.width, len(cells))])
        anchor = cells[self.anchor_col - shift]
        self._issue("text_row_shifted", row, count=shift, anchor=anchor)
        first_value_col = self.periods[0].level3.column
        head = [""] * shift + cells[: first_value_col - shift]
        labels = [(col, text) for col, text in enumerate(head) if text]
        placed = [""] * first_value_col
        if len(labels) == 1:
            col, text = labels[0]
            target = self._column_of_label(text, default=col)
            if target != col:
                self._issue("text_label_moved", row, field="level1" if target == self.level1_col else "level2",
                            text=text, found=self.column_names.get(col, ""),
                            label=self.column_names[target])
            placed[target] = text
        else:
            for (_, text), col in zip(labels, range(first_value_col - len(labels), first_value_col)):
                placed[col] = text
        rest = cells[first_value_col - shift:]
        aligned = placed + rest
        return _Aligned(row, (aligned + [""] * self.width)[: max(self.width, len(aligned))], shift)

    def _column_of_label(self, text: str, default: int) -> int:
        """The column a lone label belongs in: 二级 of the 一级 above, else 一级, else any 二级.

        成本指标 is a 一级 in one tree and a 二级 in another; the 一级 above decides.
        """
        level2_col = self.periods[0].level2.column
        if self.level1 and self.spec.canonical_level2(self.level1, text) is not None:
            return level2_col
        if self._level1_of(text) is not None:
            return self.level1_col
        if self._any_level2(text) is not None:
            return level2_col
        return default

    # --- wrapped labels ------------------------------------------------------------

    def _label_of(self, col: int, text: str) -> str | None:
        """The tree label ``text`` stands for in column ``col`` (一级 or 二级), or None."""
        return self._level1_of(text) if col == self.level1_col else self._any_level2(text)

    def _join_wrapped(self, rows: list[_Aligned]) -> None:
        """Join a label cell continued on the next row, when only the joined text is a label."""
        for before, row in zip(rows, rows[1:]):
            for col in (self.level1_col, *sorted(self.level2_cols)):
                first, rest = before.cells[col], row.cells[col]
                if not first or not rest or self._label_of(col, rest) is not None:
                    continue
                if (label := self._label_of(col, first + rest)) is not None:
                    before.cells[col], row.cells[col] = first + rest, ""
                    self._issue("text_label_wrapped", before.row, field="level1" if col == self.level1_col else "level2",
                                first=first, rest=rest, label=label)

    def _join_wrapped_values(self, rows: list[_Aligned]) -> list[_Aligned]:
        """Join a row holding only 指标值 cells to the row above when each value above ends in an
        operator (``企业满意度≥`` then ``95%``): the value was wrapped, not a row of its own."""
        value_cols = {p.value.column for p in self.periods}
        kept: list[_Aligned] = []
        for row in rows:
            filled = [(col, text) for col, text in enumerate(row.cells) if text]
            above = kept[-1] if kept else None
            if above is None or not filled or any(col not in value_cols for col, _ in filled) or not all(
                    above.cells[col] and above.cells[col][-1] in OPERATORS for col, _ in filled):
                kept.append(row)
                continue
            for col, text in filled:
                self._issue("text_value_wrapped", row.row, field=self.column_fields[col], label=self.column_names[col],
                            first=above.cells[col], rest=text)
                above.cells[col] += text
        return kept

    # --- indicators ----------------------------------------------------------------

    def read_rows(self, rows: list[Row]) -> Table:
        aligned = []
        self.level1 = ""
        for row in rows:
            if not row.is_blank:
                aligned.append(self._align(row))
                self.level1 = self._level1_of(aligned[-1].cells[self.level1_col]) or self.level1
        aligned = self._join_wrapped_values(aligned)
        self._join_wrapped(aligned)
        level1 = ""
        level1_known = False
        level2 = {p.name: "" for p in self.periods}
        for item in aligned:
            row, cells = item.row, item.cells
            first = cells[self.spec.indicators.label_column]
            extra = [c for c in ("" if self.spec.indicators.label.matches(first) else first, *cells[self.width:]) if c]
            if extra:
                self._issue("text_unclaimed_line", row, text=" ".join(extra))
            if cells[self.level1_col]:
                raw = cells[self.level1_col]
                canon = self._level1_of(raw)
                level1, level1_known = canon or label_text(raw), canon is not None
                if canon is None:
                    self._issue("unknown_level1", row, field="level1", level1=raw)
                level2 = {p.name: "" for p in self.periods}
            sides = []
            for period in self.periods:
                raw2 = cells[period.level2.column]
                level3, value = cells[period.level3.column], cells[period.value.column]
                if raw2:
                    canon2 = self.spec.canonical_level2(level1, raw2)
                    level2[period.name] = canon2 or label_text(raw2)
                    if canon2 is None and level1_known:
                        self._issue("unknown_level2", row, field="level2", level1=level1, level2=raw2)
                    if not level3 and not value:
                        self._issue("text_empty_level2", row, field="level2", level2=level2[period.name],
                                    period=period.name)
                if not level3 and not value:
                    sides.append(None)
                    continue
                self._check(row, period.name, level1, level2[period.name], level3, value)
                self._tags(item, period)
                indicator = Draft(period.name, level1, level2[period.name], level3, value, row.ref)
                self.table.indicators.append(indicator)
                sides.append(indicator)
            self._pair(row, sides)
        return self.table

    def _tags(self, item: _Aligned, period: PeriodSpec) -> None:
        for col in (period.level3.column, period.value.column):
            if tags := item.row.tags.get(col - item.shift):
                self._issue("text_html_removed", item.row, field=self.column_fields[col],
                            label=self.column_names[col], tags="".join(tags))

    def _check(self, row: Row, period: str, level1: str, level2: str, level3: str, value: str) -> None:
        for code, name, params in row_problems(period, level1, level2, level3, value):
            self._issue(code, row, field=name, **params)

    def _pair(self, row: Row, sides: list[Draft | None]) -> None:
        """Each side's level-3 and value cells, with the other side's as their counterpart."""
        present = [(period, ind) for period, ind in zip(self.periods, sides) if ind is not None]
        if len(present) != 2:
            return
        (p1, a), (p2, b) = present
        for attr, role in (("level3", "level3"), ("value", "value")):
            col1 = getattr(p1, role).column
            col2 = getattr(p2, role).column
            s1 = Slot(a, attr, attr, self.column_names[col1], row.number, lambda b=b, attr=attr: getattr(b, attr))
            s2 = Slot(b, attr, attr, self.column_names[col2], row.number, lambda a=a, attr=attr: getattr(a, attr))
            self.table.slots += [s1, s2]
            self.table.pairs.append((s1, s2))
