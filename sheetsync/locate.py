"""Finding a form in a sheet by its labels, wherever they are.

Departments insert rows, shift the form down or right, retype labels with other brackets
or line breaks. :func:`locate` scans every cell once, matches the spec's labels in their
normalised spelling and returns where each label sits; nothing relies on fixed cells::

    >>> layout = locate(grid, load_spec())          # doctest: +SKIP
    >>> layout.fields["project_name"], layout.header_row   # doctest: +SKIP
    ((3, 0), 6)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .spec import FormSpec, Span, normalize_label
from .workbook import Grid

# Labels are short; longer text is data and is never normalised for matching.
_MAX_LABEL_CHARS = 60
_norm_cache: dict[str, str] = {}


def label_key(text: str) -> str:
    """:func:`normalize_label`, remembered: the same labels recur on every sheet."""
    key = _norm_cache.get(text)
    if key is None:
        key = normalize_label(text)
        if len(_norm_cache) < 100_000:
            _norm_cache[text] = key
    return key


@dataclass(frozen=True)
class Labels:
    """The spec's labels by normalised spelling, built once per spec."""

    exact: dict[str, tuple[str, str]]  # key → (kind, name): kind field | footer | block | title | table
    prefixes: tuple[tuple[str, str, str], ...]  # (prefix key, kind, name): kind field | unit
    header: dict[str, frozenset[int]]  # key → indices into header_slots
    header_slots: tuple[tuple[str, str], ...]  # (period, role) left to right; period "" for level1
    slot_columns: tuple[int, ...]  # each slot's column in the spec's own layout
    slot_labels: tuple[str, ...]  # each slot's label as the form prints it
    year_pattern: re.Pattern[str] | None
    # First characters a label cell can start with (before normalising): most data cells
    # start otherwise and are never normalised.
    first_chars: frozenset[str]
    footer_names: frozenset[str]
    table_label: frozenset[str]  # the keys of 绩效指标 and its variants
    # Cell text as typed → what it is (see _classify); the same texts recur on every sheet.
    seen: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    years: dict[str, int | None] = field(default_factory=dict)  # cell text → the year it names
    # A header row's cells from its first label on → where its labels are, counted from there.
    headers: dict[tuple[object, ...], dict[tuple[str, str], int]] = field(default_factory=dict)


# A short label and a colon, with or without its datum after it (填表人：张三, 联系电话:).
_LABELLED = re.compile(r"\s*[^\s：:]{1,8}\s*[：:]")
# What a cell's text is, besides the exact and prefix labels' (kind, name).
_HEADER = ("header", "")
_SEEN_LIMIT = 100_000
_UNSEEN = object()


_labels_of: dict[int, tuple[FormSpec, Labels]] = {}


def spec_labels(spec: FormSpec) -> Labels:
    """The labels of ``spec``, built once (hashing a whole FormSpec per sheet would cost more)."""
    cached = _labels_of.get(id(spec))
    if cached is None or cached[0] is not spec:
        cached = _labels_of[id(spec)] = (spec, _build_labels(spec))
    return cached[1]


def _build_labels(spec: FormSpec) -> Labels:
    exact: dict[str, tuple[str, str]] = {}
    prefixes: list[tuple[str, str, str]] = []
    for kind, fields in (("field", spec.fields), ("footer", spec.footer)):
        for f in fields:
            if f.label.prefix:
                prefixes.append((normalize_label(f.label.prefix), kind, f.name))
            else:
                for key in f.label.accepted:
                    exact[key] = (kind, f.name)
    for text, _span in spec.labels:
        exact[normalize_label(text)] = ("block", text)
    exact[normalize_label(spec.title)] = ("title", spec.title)
    for key in spec.indicators.label.accepted:
        exact[key] = ("table", "label")
    for label in filter(None, (spec.unit_line.label, *spec.unit_line.variants)):
        prefixes.append((normalize_label(label), "unit", spec.unit_line.field or ""))

    slots: list[tuple[str, str]] = []
    slot_columns: list[int] = []
    labels = []
    ind = spec.indicators
    columns = [(ind.level1.column, "", ind.level1)]
    for period in ind.periods:
        columns += [(c.column, period.name, c) for c in (period.level2, period.level3, period.value)]
    for _col, period, column in sorted(columns, key=lambda c: c[0]):
        slots.append((period, column.role))
        slot_columns.append(_col)
        labels.append(column.label)
    header: dict[str, set[int]] = {}
    for index, label in enumerate(labels):
        for key in label.accepted:
            header.setdefault(key, set()).add(index)
    pattern = spec.year_line.pattern
    return Labels(
        exact=exact,
        prefixes=tuple(prefixes),
        header={k: frozenset(v) for k, v in header.items()},
        header_slots=tuple(slots),
        slot_columns=tuple(slot_columns),
        slot_labels=tuple(label.text for label in labels),
        year_pattern=re.compile(pattern) if pattern else None,
        first_chars=_first_chars([*exact, *header, *(p for p, _k, _n in prefixes)]),
        footer_names=frozenset(f.name for f in spec.footer),
        table_label=spec.indicators.label.accepted,
    )


def _classify(labels: Labels, text: str) -> tuple[str, str] | None:
    """(kind, name) of the label ``text`` spells, :data:`_HEADER`, or None; remembered in ``labels.seen``."""
    key = label_key(text)
    hit = labels.exact.get(key)
    if hit is None and key in labels.header:
        hit = _HEADER
    elif hit is None:
        hit = next(((kind, name) for prefix, kind, name in labels.prefixes if key.startswith(prefix)), None)
    if len(labels.seen) < _SEEN_LIMIT:
        labels.seen[text] = hit
    return hit


def _unit_line(labels: Labels, text: str) -> tuple[str, str] | None:
    """The unit line's label when ``text``, longer than any label, starts with it: the line holds
    a unit's name as long as the form allows (预算单位：<200 characters>)."""
    key = label_key(text[:_MAX_LABEL_CHARS])
    return next(((kind, name) for prefix, kind, name in labels.prefixes if kind == "unit" and key.startswith(prefix)), None)


def _first_chars(keys: list[str]) -> frozenset[str]:
    """Every raw character that normalises to a key's first character, plus leading blanks."""
    firsts = {key[0] for key in keys if key}
    raw = {chr(code) for code in range(0x20, 0x10000)
           if not 0xD800 <= code <= 0xDFFF and unicodedata.normalize("NFKC", chr(code))[:1] in firsts}
    return frozenset(raw | firsts | set(" \t\r\n\u3000\xa0"))


@dataclass
class Layout:
    """Where a form's labels are in one sheet (zero-based cells)."""

    spec: FormSpec
    fields: dict[str, tuple[int, int]] = field(default_factory=dict)  # label cell of each field and footer
    blocks: list[tuple[int, int, str]] = field(default_factory=list)  # 总体目标 and the like
    title: tuple[int, int] | None = None
    year: tuple[int, int, int] | None = None  # row, col, year
    unit: tuple[int, int] | None = None
    header_row: int | None = None
    columns: dict[tuple[str, str], int] = field(default_factory=dict)  # (period, role) → column
    table_labels: list[tuple[int, int]] = field(default_factory=list)  # 绩效指标 cells
    # Header cells read by their position, their text not the spec's label: (slot, col, label).
    renamed_columns: list[tuple[tuple[str, str], int, str]] = field(default_factory=list)
    table_end: int = 0  # first row after the indicator rows
    second_form: tuple[int, int] | None = None  # where another form starts, below this one's table or beside it
    second_form_beside: bool = False  # the other form is right of this one's table, not below it
    filled: list[tuple[int, list[int]]] = field(default_factory=list)  # each non-empty row's non-empty columns

    @property
    def is_form(self) -> bool:
        """A sheet is a form when it has the indicator table or field labels on two rows at least
        (a list of projects, the labels heading its columns in one row, is none)."""
        return self.header_row is not None or len({row for row, _ in self.fields.values()}) >= 2

    @property
    def score(self) -> int:
        return len(self.fields) + len(self.columns) + (self.header_row is not None)


def locate(grid: Grid, spec: FormSpec) -> Layout:
    """Find the labels of ``spec`` in ``grid``."""
    labels = spec_labels(spec)
    layout = Layout(spec)
    exact_hits: list[tuple[int, int, str, str]] = []
    header_hits: list[tuple[int, int]] = []
    filled_rows = layout.filled
    starts, seen = labels.first_chars, labels.seen
    for r, row in enumerate(grid.rows):
        filled = [c for c, value in enumerate(row) if value != ""]
        if not filled:
            continue
        filled_rows.append((r, filled))
        for c in filled:
            value = row[c]
            if type(value) is not str:
                continue
            hit = seen.get(value, _UNSEEN)
            if hit is _UNSEEN:
                if value[0] not in starts:
                    continue
                hit = _classify(labels, value) if len(value) <= _MAX_LABEL_CHARS else _unit_line(labels, value)
            if hit is _HEADER:
                header_hits.append((r, c))
            elif hit is not None:
                exact_hits.append((r, c, *hit))

    _find_header(grid, layout, labels, header_hits)
    header_row = layout.header_row
    layout.second_form = _second_form(exact_hits, header_row)
    if layout.second_form is not None:
        exact_hits = [hit for hit in exact_hits if hit[0] < layout.second_form[0]]
    elif (beside := _form_beside(exact_hits, header_hits, layout, labels)) is not None:
        layout.second_form, layout.second_form_beside = beside, True
        exact_hits = [hit for hit in exact_hits if hit[1] < beside[1]]
    for r, c, kind, name in exact_hits:
        if kind == "footer":
            if header_row is not None and r <= header_row:
                continue
            layout.fields.setdefault(name, (r, c))
        elif kind == "field":
            if header_row is not None and r >= header_row:
                continue
            layout.fields.setdefault(name, (r, c))
        elif kind == "block":
            layout.blocks.append((r, c, name))
        elif kind == "title":
            layout.title = layout.title or (r, c)
        elif kind == "table":
            layout.table_labels.append((r, c))
        elif kind == "unit" and layout.unit is None:
            if header_row is not None and r >= header_row:
                continue  # 预算单位满意度 in the table is an indicator, not the unit line
            layout.unit = (r, c)
    if header_row is not None:
        _place_renamed_columns(grid, layout, labels)
    layout.table_end = _table_end(grid, layout, labels)
    _find_year(grid, layout, labels)
    return layout


def _find_header(grid: Grid, layout: Layout, labels: Labels, hits: list[tuple[int, int]]) -> None:
    """The header row: the first row whose column labels, read from its first one on, name
    more than half of the table's columns. ``hits`` are header label cells row by row."""
    tried = -1
    for r, c in hits:
        if r == tried:
            continue
        tried = r
        cells = tuple(grid.rows[r][c:])
        columns = labels.headers.get(cells)
        if columns is None:
            columns = _header_columns(labels, cells)
            if len(labels.headers) < _SEEN_LIMIT:
                labels.headers[cells] = columns
        if len(columns) >= len(labels.header_slots) // 2 + 1:
            layout.header_row = r
            layout.columns = {slot: c + offset for slot, offset in columns.items()}
            return


def _place_renamed_columns(grid: Grid, layout: Layout, labels: Labels) -> None:
    """Place the columns whose header label was retyped (一级指标名称, 指标值 where 计划指标值
    belongs) where the spec has them beside the columns found, when the header cell there
    holds other text and lies between its neighbours'."""
    cells = grid.rows[layout.header_row]
    taken = set(layout.columns.values()) | {c for r, c in layout.table_labels if r == layout.header_row}
    slots = labels.header_slots
    for index, slot in enumerate(slots):
        if slot in layout.columns:
            continue
        found = [(labels.slot_columns[i], layout.columns[other]) for i, other in enumerate(slots) if other in layout.columns]
        spec_col = labels.slot_columns[index]
        near_spec, near_col = min(found, key=lambda pair: abs(pair[0] - spec_col))
        col = near_col + spec_col - near_spec
        left = max((c for s, c in found if s < spec_col), default=-1)
        right = min((c for s, c in found if s > spec_col), default=len(cells))
        if (left < col < right and col not in taken and type(cells[col]) is str and cells[col].strip()):
            layout.columns[slot] = col
            taken.add(col)
            layout.renamed_columns.append((slot, col, labels.slot_labels[index]))


def _header_columns(labels: Labels, cells: tuple[object, ...]) -> dict[tuple[str, str], int]:
    """Where each header label is in ``cells`` (a header row from its first label on), counted from there."""
    columns: dict[tuple[str, str], int] = {}
    slots = labels.header_slots
    pointer = 0
    for col, value in enumerate(cells):
        if not isinstance(value, str) or not value or len(value) > _MAX_LABEL_CHARS:
            continue
        accepted = labels.header.get(label_key(value), frozenset())
        for index in range(pointer, len(slots)):
            if index in accepted:
                columns[slots[index]] = col
                pointer = index + 1
                break
    return columns


def _second_form(hits: list[tuple[int, int, str, str]], header_row: int | None) -> tuple[int, int] | None:
    """The first cell of another form pasted below the table: its title or fields, at least two
    different ones (one label alone may be an indicator's text)."""
    if header_row is None:
        return None
    below = [(r, c, name) for r, c, kind, name in hits if r > header_row and kind in ("title", "field")]
    if len({name for _r, _c, name in below}) < 2:
        return None
    r, c, _name = min(below)
    return r, c


def _form_beside(hits: list[tuple[int, int, str, str]], header_hits: list[tuple[int, int]], layout: Layout,
                 labels: Labels) -> tuple[int, int] | None:
    """The top left corner of another form pasted right of this one: its title or fields (at
    least two different ones) and a table header, all beyond the form's width in the spec."""
    if layout.header_row is None:
        return None
    first = min(layout.columns.values()) - min(labels.slot_columns)  # the form's first column
    beyond = first + layout.spec.columns
    if not any(c >= beyond for _r, c in header_hits):
        return None
    beside = [(r, c, name) for r, c, kind, name in hits if c >= beyond and kind in ("title", "field")]
    if len({name for _r, _c, name in beside}) < 2:
        return None
    return min(r for r, _c, _name in beside), min(c for _r, c, _name in beside)


def _table_end(grid: Grid, layout: Layout, labels: Labels) -> int:
    """The first row after the indicator rows: the footer's, another form's, else, without a
    footer, a signature line's (below the first indicator row, every cell of the table's
    columns ``填表人：张三`` or the like, where a 一级 belongs too), else the sheet's end."""
    if layout.header_row is None:
        return 0
    footer_rows = [r for name, (r, _c) in layout.fields.items()
                   if r > layout.header_row and name in labels.footer_names]
    if layout.second_form is not None and not layout.second_form_beside:
        footer_rows.append(layout.second_form[0])
    if footer_rows:
        return min(footer_rows)
    level1_col = layout.columns.get(("", "level1"))
    if level1_col is None:
        return len(grid.rows)
    columns = list(layout.columns.values())
    return next((r for r in range(layout.header_row + 2, len(grid.rows))
                 if _is_signature_line(grid.rows[r], level1_col, columns, layout.spec)), len(grid.rows))


def _is_signature_line(row: list[object], level1_col: int, columns: list[int], spec: FormSpec) -> bool:
    """Labelled text (``填表人：张三``) where the 一级 belongs, not a 一级 of any tree, and nothing
    but labelled text in the table's other columns."""
    first = row[level1_col]
    return (type(first) is str and _LABELLED.match(first) is not None and spec.canonical_level1(first) is None
            and all(row[c] == "" or (type(row[c]) is str and _LABELLED.match(row[c])) for c in columns))


def _find_year(grid: Grid, layout: Layout, labels: Labels) -> None:
    """The year line: the first cell above the form's fields holding ``2021 年度`` or the like."""
    if labels.year_pattern is None:
        return
    first_field_row = min((r for r, _c in layout.fields.values()), default=len(grid.rows))
    if layout.header_row is not None:
        first_field_row = min(first_field_row, layout.header_row)
    for r, filled in layout.filled:
        if r >= first_field_row:
            break
        row = grid.rows[r]
        for c in filled:
            year = _year_in(labels, row[c]) if type(row[c]) is str else None
            if year is not None:
                layout.year = (r, c, year)
                return


def _year_in(labels: Labels, text: str) -> int | None:
    """The year ``text`` names (``（2021 年度）`` → 2021), remembered: titles and year lines recur."""
    year = labels.years.get(text, _UNSEEN)
    if year is _UNSEEN:
        m = labels.year_pattern.search(unicodedata.normalize("NFKC", text))
        year = int(m.group(1)) if m else None
        if len(labels.years) < _SEEN_LIMIT:
            labels.years[text] = year
    return year


# (first row, first col, last row, last col), zero-based and inclusive: a Span without the
# cost of a frozen dataclass, for the cells of every sheet.
Area = tuple[int, int, int, int]


def area_at(grid: Grid, row: int, col: int, spec_span: Span) -> Area:
    """The cells a label or value at (row, col) covers: its merge in the sheet, else the spec's size."""
    last = grid.merge_end(row, col)
    if last is not None:
        return (row, col, *last)
    return (row, col, row + spec_span.last_row - spec_span.first_row, col + spec_span.last_col - spec_span.first_col)
