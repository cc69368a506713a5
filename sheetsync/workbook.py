"""Opening a workbook of any format with python-calamine: sheets as grids of cell values.

    >>> book, problem = open_workbook("收回/财务科.xls", "xls")     # doctest: +SKIP
    >>> grid = book.grid("项目1")                                     # doctest: +SKIP
    >>> grid.rows[3][1], grid.merges[:1]                              # doctest: +SKIP
    ('CO出证认证EDI管理系统CA证书费用', [Span(first_row=3, first_col=1, last_row=3, last_col=3)])

Positions are absolute and zero-based: row 0 is the sheet's first row even when it is empty.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Sequence

from python_calamine import CalamineWorkbook, PasswordError, SheetVisibleEnum

from .cell_errors import ErrorCells, error_cells_of
from .cell_scan import OdsMergedRanges, OdsTabbedText, SheetCells, SheetParts
from .extent import LargeSheet, Sheets, sparse_sheet
from .issues import Issue, issue
from .number_format import Shown, ShownCells, shown_cells_of, xls_shows_units
from .spec import Span

# calamine loads an .ods whole when it opens it, and refuses one whose sheets would take more
# than 100 million cells with this message.
_CELL_LIMIT = re.compile(r"Cell limit exceeded \((\d+) cells requested")
_SUFFIX_OF_KIND = {"xlsx": (".xlsx", ".xlsm"), "xlsb": (".xlsb",), "xls": (".xls",), "ods": (".ods",)}


@dataclass
class Grid:
    """One sheet's cells: ``rows[r][c]`` is the value (``""`` when empty); merged ranges as spans.

    Rows may be of different lengths: a sheet read sparsely has each row as long as its last value.
    """

    name: str
    rows: Sequence[Sequence[object]]
    # As calamine gives them, ((first row, first col), (last row, last col)): most are never
    # looked at, so they become Spans only on request.
    merged_ranges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    visible: bool = True
    # The cells that show more than their number (a percentage, a unit), (row, col) → how, and
    # those that show an error value, (row, col) → "#DIV/0!"; each read on first use.
    shown_cells: Callable[[], dict[tuple[int, int], Shown]] | None = field(default=None, repr=False, compare=False)
    # Whether a number may show a unit or be scaled through its format, and looking costs
    # little: amounts, on every sheet, are looked up only then.
    units_shown: bool = field(default=False, repr=False, compare=False)
    error_cells: Callable[[], ErrorCells] | None = field(default=None, repr=False, compare=False)
    _shown: dict[tuple[int, int], Shown] | None = field(default=None, repr=False, compare=False)
    _errors: ErrorCells | None = field(default=None, repr=False, compare=False)
    _merge_starts: dict[tuple[int, int], tuple[int, int]] | None = field(default=None, repr=False, compare=False)

    @property
    def merges(self) -> list[Span]:
        return [Span(r1, c1, r2, c2) for (r1, c1), (r2, c2) in self.merged_ranges]

    def merge_at(self, row: int, col: int) -> Span | None:
        """The merged range whose first cell is (row, col), if any."""
        last = self.merge_end(row, col)
        return None if last is None else Span(row, col, *last)

    def merge_end(self, row: int, col: int) -> tuple[int, int] | None:
        """The last (row, col) of the merged range whose first cell is (row, col), if any."""
        if self._merge_starts is None:
            self._merge_starts = {first: last for first, last in self.merged_ranges}
        return self._merge_starts.get((row, col))

    def shown(self, row: int, col: int) -> Shown | None:
        """How the cell shows its number when its format shows more than the digits (95% for
        0.95, 3次 for 3); None when it shows the number alone, or its format is unknown (an
        .xlsb, or a part that cannot be read)."""
        if self._shown is None:
            self._shown = self.shown_cells() if self.shown_cells is not None else {}
        return self._shown.get((row, col))

    def error_at(self, row: int, col: int) -> str | None:
        """The error value (``#DIV/0!``) the cell shows, which calamine reads as empty; None
        when it shows none, or the file cannot tell."""
        if self._errors is None:
            self._errors = self.error_cells() if self.error_cells is not None else {}
        return self._errors.get((row, col))

    @property
    def errors_known(self) -> bool:
        """Whether the sheet's error cells were looked up already."""
        return self._errors is not None

    def value(self, row: int, col: int) -> object:
        if 0 <= row < len(self.rows):
            cells = self.rows[row]
            if 0 <= col < len(cells):
                return cells[col]
        return ""


class Book:
    """An open workbook; sheets are loaded one at a time by :meth:`grid`.

    ``large`` are the sheets (by name) that calamine must not load: they are read sparsely,
    or refused with a ``sheet_too_large`` issue. ``shown`` finds the cells showing more than
    their number (:mod:`sheetsync.number_format`) and ``units_shown`` says whether any may show a unit,
    ``errors`` those showing an error value
    (:mod:`sheetsync.cell_errors`); ``merges`` gives an .ods's merged ranges, which calamine does not,
    and ``tabbed`` the text of its cells holding a tab, which calamine drops.
    """

    def __init__(self, workbook: CalamineWorkbook, file: str, large: dict[str, LargeSheet] | None = None,
                 shown: SheetCells[Shown] | None = None, errors: SheetCells[str] | None = None,
                 merges: OdsMergedRanges | None = None, tabbed: OdsTabbedText | None = None,
                 units_shown: bool = False) -> None:
        self._workbook = workbook
        self.file = file
        self.sheet_names: list[str] = list(workbook.sheet_names)
        self._states = {m.name: _state(m.visible) for m in workbook.sheets_metadata}
        self._large = large or {}
        self._shown = shown
        self._units_shown = units_shown and shown is not None
        self._errors = errors
        self._merges = merges
        self._tabbed = tabbed

    def state(self, name: str) -> str:
        """``visible``, ``hidden`` or ``veryHidden`` (hidden so that only a macro can show it),
        as Excel and openpyxl name a sheet's state."""
        return self._states.get(name, "visible")

    def grid(self, name: str) -> Grid | Issue:
        """The sheet's cells and merges, or an ``unreadable_sheet`` or ``sheet_too_large`` issue."""
        if name in self._large:
            return self._sparse_grid(name, self._large[name])
        try:
            sheet = self._workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges
            if merged is None and self._merges is not None:
                merged = self._merges.of_sheet(self.sheet_names.index(name))
            if self._tabbed is not None:
                _put_text(rows, self._tabbed.of_sheet(self.sheet_names.index(name)))
        except BaseException as exc:
            _reraise_fatal(exc)
            return issue("unreadable_sheet", file=self.file, sheet=name, detail=_detail(exc))
        return self._grid(name, rows, list(merged or ()))

    def _sparse_grid(self, name: str, large: LargeSheet) -> Grid | Issue:
        too_large = issue("sheet_too_large", file=self.file, sheet=name, extent=large.extent.ref,
                          rows=large.extent.rows, cols=large.extent.cols)
        if not large.sparse:
            return too_large
        try:
            with open(self.file, "rb") as fh:
                read = sparse_sheet(fh, large, len(self.sheet_names))
        except BaseException as exc:
            _reraise_fatal(exc)
            return issue("unreadable_sheet", file=self.file, sheet=name, detail=_detail(exc))
        if read is None:
            return too_large
        rows, merged = read
        return self._grid(name, rows, merged)

    def _grid(self, name: str, rows: Sequence[Sequence[object]], merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> Grid:
        index = self.sheet_names.index(name)
        return Grid(name, rows, merged, self.state(name) == "visible",
                    shown_cells=None if self._shown is None else partial(self._shown.of_sheet, index),
                    units_shown=self._units_shown,
                    error_cells=None if self._errors is None else partial(self._errors.of_sheet, index))

    def close(self) -> None:
        self._workbook.close()
        for cells in (self._shown, self._errors):
            if cells is not None:
                cells.close()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _put_text(rows: list[list[object]], texts: dict[tuple[int, int], str]) -> None:
    for (r, c), text in texts.items():
        if r < len(rows) and c < len(rows[r]) and isinstance(rows[r][c], str):
            rows[r][c] = text


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _state(visible: SheetVisibleEnum) -> str:
    if visible == SheetVisibleEnum.Hidden:
        return "hidden"
    return "veryHidden" if visible == SheetVisibleEnum.VeryHidden else "visible"


def _reraise_fatal(exc: BaseException) -> None:
    # A Rust panic inside calamine surfaces as pyo3's PanicException, a BaseException: it is
    # a bad file like any other. Only interrupts and exhaustion stop the run.
    if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
        raise exc


def _detail(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def open_workbook(path: str | os.PathLike, kind: str, sheets: Sheets | None = None) -> tuple[Book | None, Issue | None]:
    """Open ``path`` (already sniffed as ``kind`` by :mod:`sheetsync.safety`, which also measured
    its ``sheets``) read-only."""
    file = str(path)
    try:
        if Path(path).suffix.lower() in _SUFFIX_OF_KIND.get(kind, ()) and _is_utf8(file):
            workbook = CalamineWorkbook.from_path(file)
        else:
            # The name says one format and the content another (a .xls renamed .xlsx):
            # calamine picks its parser by content only when given the bytes. A name that is
            # not UTF-8 (GBK, from unzip or a Windows share) calamine cannot open by name.
            with open(path, "rb") as fh:
                workbook = CalamineWorkbook.from_filelike(fh)
    except PasswordError:
        return None, issue("encrypted_file", file=file)
    except BaseException as exc:
        _reraise_fatal(exc)
        too_many = _CELL_LIMIT.search(str(exc))
        if too_many:
            return None, issue("range_too_large", file=file, cells=f"{int(too_many.group(1)):,}")
        return None, issue("corrupt_file", file=file, detail=_detail(exc))
    names = list(workbook.sheet_names)
    if sheets is None:
        return Book(workbook, file, shown=shown_cells_of(kind, file, names),
                    errors=error_cells_of(kind, file, names, None),
                    merges=OdsMergedRanges(file, names) if kind == "ods" else None,
                    tabbed=OdsTabbedText(file, names) if kind == "ods" else None,
                    units_shown=kind == "ods" or (kind == "xls" and xls_shows_units(file))), None
    if len(names) != sheets.count:
        if sheets.large:
            # Which of calamine's sheets is the large one is unknown: none of them may be loaded.
            workbook.close()
            biggest = max(sheets.large, key=lambda sheet: sheet.extent.cells)
            return None, issue("range_too_large", file=file, cells=f"{biggest.extent.cells:,}")
        return Book(workbook, file), None
    large = {names[sheet.index]: sheet for sheet in sheets.large}
    parts = SheetParts(file, sheets.parts, sheets.located) if sheets.parts else None
    shown = ShownCells(parts, sheets.shown) if parts is not None and sheets.shown else None
    units_shown = any(way.before or way.after or way.scale for way in (sheets.shown or {}).values())
    return Book(workbook, file, large, shown, error_cells_of(kind, file, names, parts), units_shown=units_shown), None
