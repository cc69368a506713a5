"""One published form: its text rows read into a :class:`ProjectForm` and its issues.

The form is found by the spec's labels, line by line: title, year line, unit line, project row,
goal labels and goal texts, the indicator table (:mod:`sheetsync.text_table`) and the opinion;
the lines after the opinion are the overflow of cut-off cells (:mod:`sheetsync.text_overflow`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from .checks import SheetRead, field_issues
from .issues import Issue, issue
from .model import ProjectForm
from .spec import FieldSpec, FormSpec, normalize_label
from .text_overflow import Slot, looks_truncated, place_fragments
from .text_rows import Row, line_ref
from .text_table import TableReader, is_spaced
from .values import parse_amount, without_amount_note

_PROJECT_FIELDS = ("project_name", "midterm_budget_wan", "annual_budget_wan")
_TAIL_LENGTH = 8


@dataclass
class ImportedForm:
    """One form read from the text, with the issues found in it (their sheet filled in later)."""

    form: ProjectForm
    issues: list[Issue] = field(default_factory=list)


def is_title(row: Row, spec: FormSpec) -> bool:
    return any(_title(text, spec) is not None for _, text in row.filled())


def _title(text: str, spec: FormSpec) -> re.Match | None:
    """The form's title, as published: after an annex number (附件1：), before the year in brackets."""
    pattern = r"(?:附件[\d一二三四五六七八九十]*[：:]?)?" + re.escape(normalize_label(spec.title)) + r"(?:（(\d{4})年度?）)?"
    return re.fullmatch(pattern, normalize_label(text))


def _is_amount_note(text: str) -> bool:
    """Whether a cell is only the amount unit noted on the unit line (单位：万元)."""
    return not without_amount_note(" " + text).strip()  # a note is taken only after a space


def _line_number(ref: str) -> int:
    digits = re.search(r"\d+", ref)
    return int(digits.group()) if digits else 0


class FormText:
    """The rows of one form, from its title line to the line before the next title."""

    def __init__(self, spec: FormSpec, file: str, rows: list[Row]):
        self.spec = spec
        self.file = file
        self.rows = rows
        self.form = ProjectForm(file=file, form=spec.id)
        # What was read where, for the checks a form read from a workbook gets (the cells are lines).
        self.sheet_read = SheetRead(spec, self.form, file, sheet="", unit_cell=rows[0].ref)
        self.issues: list[Issue] = []
        self.slots: list[Slot] = []
        self.seen: dict[str, int] = {}  # field → line it was read from

    def _issue(self, code: str, cell: str = "", field: str = "", **params: object) -> None:
        self.issues.append(issue(code, file=self.file, cell=cell, field=field, **self.spec.message_labels, **params))

    def read(self) -> ImportedForm:
        table_reader = TableReader(self.spec, self.file)
        header: Row | None = None
        table_rows: list[Row] = []
        trailing: list[Row] = []
        goal_labels: Row | None = None
        phase = "head"
        titles = {col: m for col, text in self.rows[0].filled() if (m := _title(text, self.spec))}
        self._claim(self.rows[0], set(titles))
        for row in self.rows[1:]:
            if row.is_blank:
                continue
            if row.is_separator:
                self._issue("text_separator", row.ref, text=row.raw.strip())
            elif row.is_page_number:
                self._issue("text_page_number", row.ref, text=row.raw.strip())
            elif phase == "tail":
                trailing.append(row)
            elif self._opinion(row):
                # After the table the opinion ends the form; a line moved above it is read in place.
                phase = "tail" if phase == "table" else phase
            elif phase == "table":
                if self._is_header(row):
                    self._issue("text_header_repeated", row.ref)
                else:
                    table_rows.append(row)
            elif self._is_header(row):
                header, phase = row, "table"
            elif goal_labels is not None and not self._has_label(row):
                self._goals(goal_labels, row)
                goal_labels = None
            elif self._year(row) or self._unit(row) or self._project(row):
                continue
            elif self._is_goal_labels(row):
                goal_labels = row
            else:
                self._issue("text_unclaimed_line", row.ref, text=row.text())
        if years := [int(m.group(1)) for m in titles.values() if m.group(1)]:
            if self.form.year is None:
                self.form.year = years[0]  # no year line: the title's
            elif years[0] != self.form.year:
                self._issue("text_year_mismatch", self.rows[0].ref, "year", title_year=years[0], year=self.form.year)
        if header is None:
            self._issue("text_no_indicators", self.rows[0].ref, field="indicators", label=self.spec.indicators.label.text)
        else:
            table_reader.read_header(header)
            table = table_reader.read_rows(table_rows)
            self.issues += table.issues
            self.slots += table.slots
            self._overflow(trailing)
            for a, b in table.pairs:
                self._truncated(a, b)
                self._truncated(b, a)
            self.form.indicators = [draft.indicator() for draft in table.indicators]
        self._field_checks()
        self.issues.sort(key=lambda i: _line_number(i.cell))
        return ImportedForm(self.form, self.issues)

    # --- lines above the table -------------------------------------------------------

    def _year(self, row: Row) -> bool:
        if self.form.year is not None:
            return False
        m = re.search(self.spec.year_line.pattern or r"(\d{4})", row.text())
        if m and len(row.filled()) == 1:
            self.form.year = int(m.group(1))
            return True
        return False

    def _unit(self, row: Row) -> bool:
        """The unit line: the name after the label, in its cell or the next (the PDF's cells
        split by tabs), and the amount unit noted after it (单位：万元), in any cell."""
        label = self.spec.unit_line.label or ""
        filled = row.filled()
        if not label or not filled or not normalize_label(filled[0][1]).startswith(normalize_label(label)):
            return False
        pattern = r"\s*".join(map(re.escape, label)) + r"\s*[：:]?\s*"
        name = re.sub(r"^" + pattern, "", without_amount_note(filled[0][1])).strip()
        rest = [text for _, text in filled[1:] if not _is_amount_note(text)]
        if not name and rest:
            name = without_amount_note(rest.pop(0)).strip()
        if rest:
            self._issue("text_unclaimed_line", row.ref, text=" ".join(rest))
        self.form.budget_unit = name
        self.sheet_read.unit_cell = row.ref
        return True

    def _project(self, row: Row) -> bool:
        fields = [self.spec.field(name) for name in _PROJECT_FIELDS]
        claimed = set()
        for col, text in row.filled():
            label, inline = _label_and_value(text)
            spec_field = next((f for f in fields if f.label.matches(label)), None)
            if spec_field is None:
                continue
            self._label_spaces(row, label, self._label(spec_field))
            value_col, value = (col, inline) if inline else self._value_after(row, col)
            self._set(spec_field, value, row, value_col)
            claimed |= {col, value_col}
        if claimed:
            self._claim(row, claimed)
        return bool(claimed)

    def _claim(self, row: Row, claimed: set[int]) -> None:
        """Report the cells of ``row`` that no field took."""
        extra = [text for col, text in row.filled() if col not in claimed]
        if extra:
            self._issue("text_unclaimed_line", row.ref, text=" ".join(extra))

    def _value_after(self, row: Row, col: int) -> tuple[int, str]:
        """The first non-empty cell right of ``col`` that is not itself a field label."""
        for next_col, text in row.filled():
            if next_col <= col:
                continue
            if any(f.label.matches(_label_and_value(text)[0]) for f in (*self.spec.fields, *self.spec.footer)):
                return -1, ""
            return next_col, text
        return -1, ""

    def _set(self, spec_field: FieldSpec, value: str, row: Row, col: int) -> None:
        label = self._label(spec_field)
        if spec_field.name in self.seen:
            if value:
                self._issue("text_duplicate_field", row.ref, spec_field.name, label=label,
                            line=self.seen[spec_field.name], text=value)
            return
        self.seen[spec_field.name] = row.number
        if col >= 0 and (tags := row.tags.get(col)):
            self._issue("text_html_removed", row.ref, spec_field.name, label=label, tags="".join(tags))
        if spec_field.kind == "amount":
            # Every amount of a text is text: only a unit (7500元) or a slip is worth a word.
            amount = self.sheet_read.amounts[spec_field.name] = dataclasses.replace(parse_amount(value), as_text=False)
            setattr(self.form, spec_field.name, amount.wan)
        else:
            setattr(self.form, spec_field.name, value)
        self.sheet_read.raw[spec_field.name] = value
        self.sheet_read.cells[spec_field.name] = row.ref

    def _label(self, spec_field: FieldSpec) -> str:
        """A field's label as the form prints it (the medium-term years filled in when known)."""
        text = spec_field.label.text
        if "{" not in text:
            return text
        if self.form.year is None:
            return spec_field.label.prefix or text
        return text.format(start=self.form.year, end=self.form.year + self.spec.midterm_years - 1)

    def _label_spaces(self, row: Row, text: str, label: str) -> None:
        if is_spaced(text):
            self._issue("text_label_spaced", row.ref, text=text, label=label)

    # --- goals ---------------------------------------------------------------------------

    def _goal_fields(self) -> list[FieldSpec]:
        return [f for f in self.spec.fields if f.kind == "long_text"]

    def _has_label(self, row: Row) -> bool:
        """Whether a cell of ``row`` is a field's label: such a line holds no goal values."""
        return any(f.label.matches(text) for f in (*self.spec.fields, *self.spec.footer) for _, text in row.filled())

    def _is_goal_labels(self, row: Row) -> bool:
        return any(f.label.matches(text) for f in self._goal_fields() for _, text in row.filled())

    def _goals(self, labels: Row, values: Row) -> None:
        """Goal values sit under their labels; a row that lost cells is read in order instead."""
        placed = []
        block_labels = {normalize_label(text) for text, _ in self.spec.labels}
        self._claim(labels, {col for col, text in labels.filled() if normalize_label(text) in block_labels
                             or any(f.label.matches(text) for f in self._goal_fields())})
        for col, text in labels.filled():
            spec_field = next((f for f in self._goal_fields() if f.label.matches(text)), None)
            if spec_field is None:
                continue
            self._label_spaces(labels, text, self._label(spec_field))
            if spec_field.period_field and (period := spec_field.period_in(text)):
                setattr(self.form, spec_field.period_field, period)
                self.sheet_read.period_cells[spec_field.period_field] = labels.ref
            placed.append((spec_field, col))
        filled = values.filled()
        if filled and len(filled) <= len(placed) and not {col for col, _ in filled} <= {col for _, col in placed}:
            self._issue("text_row_shifted", values.ref, count=placed[0][1] - filled[0][0],
                        anchor=self._label(placed[0][0]))
            placed = [(f, col) for (f, _), (col, _) in zip(placed, filled)]
        for spec_field, col in placed:
            self._set(spec_field, values.cell(col), values, col)
        self._claim(values, {col for _, col in placed})
        goals = [f for f, _ in placed]
        if len(goals) == 2:
            a, b = goals
            for target, other in ((a, b), (b, a)):
                self.slots.append(Slot(self.form, target.name, target.name, self._label(target), values.number,
                                       lambda other=other: getattr(self.form, other.name)))

    # --- the indicator table ---------------------------------------------------------

    def _is_header(self, row: Row) -> bool:
        ind = self.spec.indicators
        return ind.label.matches(row.cell(ind.label_column)) or sum(
            label.matches(row.cell(col)) for col, label in ind.header_labels()) >= len(ind.header_labels()) // 2 + 1

    def _opinion(self, row: Row) -> bool:
        for spec_field in self.spec.footer:
            for col, text in row.filled():
                if spec_field.label.matches(text):
                    self._label_spaces(row, text, self._label(spec_field))
                    value_col, value = self._value_after(row, col)
                    self._set(spec_field, value, row, value_col)
                    self._claim(row, {col, value_col})
                    return True
        return False

    # --- after the table -------------------------------------------------------------------

    def _overflow(self, trailing: list[Row]) -> None:
        fragments = [(row.number, text) for row in trailing for _, text in row.filled()]
        for placement in place_fragments(fragments, self.slots):
            ref = line_ref(placement.line)
            if placement.slot is None:
                self._issue("text_fragment_unplaced", ref, fragment=placement.fragment)
            else:
                slot = placement.slot
                self._issue("text_fragment_placed", ref, slot.field, fragment=placement.fragment, line=slot.line,
                            label=slot.label, gap=placement.gap, context=placement.context())
        goals = [s for s in self.slots if s.field in {f.name for f in self._goal_fields()}]
        for slot in goals:
            self._truncated(slot, None)

    def _truncated(self, slot: Slot, other: Slot | None) -> None:
        reference = other.get() if other is not None else slot.reference()
        if looks_truncated(slot.get(), reference):
            self._issue("text_truncated", line_ref(slot.line), slot.field, label=slot.label,
                        tail=slot.get()[-_TAIL_LENGTH:])

    def _field_checks(self) -> None:
        """The checks of a form's fields, as for a workbook; a field not found is placed at the title."""
        first = self.rows[0].ref
        self.issues += [i if i.cell else dataclasses.replace(i, cell=first) for i in field_issues(self.sheet_read)]


_LABEL_COLON = re.compile(r"([^：:]*)[：:](.*)", re.S)


def _label_and_value(text: str) -> tuple[str, str]:
    """A cell's text as a label and the value typed after its colon in the same cell
    (``项目名称：会议组织``); the value is "" when the cell holds no colon or nothing after it."""
    m = _LABEL_COLON.match(text)
    return (m.group(1).strip(), m.group(2).strip()) if m else (text, "")
