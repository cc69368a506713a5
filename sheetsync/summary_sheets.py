"""Writing tables into XlsxWriter worksheets: safely, row by row, formatted for reading.

Department text is always written with ``write_string``: XlsxWriter's ``write()`` would make
``=...`` a formula and ``http://...`` a hyperlink. Every write's return code is checked, since
XlsxWriter only warns when it rejects a cell.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Sequence

import pandas as pd
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .errors import SheetsyncError
from .xlsx import A3, A4

# Excel's row limit per sheet; the tests lower it to check the continuation sheets.
EXCEL_MAX_ROWS = 1_048_576
# Excel's limit on the characters of one cell; longer text is cut (the exports keep it whole).
EXCEL_MAX_CHARS = 32_767
# Column widths, in characters (a Chinese character counts two), that stay readable.
MIN_WIDTH, MAX_WIDTH = 6, 50
# What a landscape A4 page holds, in characters of column width, at the smallest scale that
# still reads well: an estimate, from about 125 characters at 100% and two thirds of that size.
# A wider table prints on A3.
A4_LANDSCAPE_READABLE_WIDTH = 190
WIDTH_SAMPLE = 2_000
BLOCK_ROWS = 20_000

TEXT, AMOUNT, COUNT, SHARE, NUMBER = "text", "amount", "count", "share", "number"
NUMBER_FORMATS = {TEXT: "@", AMOUNT: "0.00", COUNT: "0", SHARE: "0.0%", NUMBER: "General"}
# Row styles: problem rows are filled so they stand out when scrolling.
FILLS = {None: None, "error": "#FFC7CE", "warning": "#FFEB9C"}


def workbook_options() -> dict:
    """XlsxWriter options for the summary: flat memory, and no content turned into formulas or links."""
    return {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False}


@dataclass
class Formats:
    """The cell formats of one workbook, made once."""

    workbook: Workbook
    _cells: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.header = self.workbook.add_format({"bold": True, "text_wrap": True, "valign": "vcenter",
                                                "bg_color": "#DDEBF7", "border": 1})
        self.note = self.workbook.add_format({"bold": True, "font_color": "#C00000"})
        self.total_label = self.workbook.add_format({"bold": True, "top": 1})

    def cell(self, kind: str, style: str | None = None, total: bool = False):
        key = (kind, style, total)
        if key not in self._cells:
            props = {"num_format": NUMBER_FORMATS[kind], "valign": "top"}
            if FILLS[style]:
                props["bg_color"] = FILLS[style]
            if total:
                props.update(bold=True, top=1)
            self._cells[key] = self.workbook.add_format(props)
        return self._cells[key]


def _checked(result: int, sheet: Worksheet, row: int, col: int) -> None:
    if result not in (0, None):
        raise SheetsyncError(f"XlsxWriter rejected cell ({row}, {col}) of sheet {sheet.name!r} (code {result})")


def display_width(text: str) -> int:
    """Characters as Excel measures column width: CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _width(header: str, values: list, kind: str) -> float:
    if kind in (AMOUNT, COUNT, SHARE, NUMBER):
        widest = max([display_width(header) // 2, 10])
        return float(min(max(widest, MIN_WIDTH), MAX_WIDTH))
    sample = [display_width(str(v).split("\n", 1)[0]) for v in values[:WIDTH_SAMPLE] if v]
    # Headers wrap onto two lines, so they need only half their width.
    widest = max([display_width(header) // 2 + 1, *sample])
    return float(min(max(widest + 1, MIN_WIDTH), MAX_WIDTH))


def text_cell(sheet: Worksheet, row: int, col: int, text: str, fmt=None) -> None:
    """Write department text as text, whatever it starts with."""
    if len(text) > EXCEL_MAX_CHARS:
        text = text[:EXCEL_MAX_CHARS]
    _checked(sheet.write_string(row, col, text, fmt), sheet, row, col)


def number_cell(sheet: Worksheet, row: int, col: int, value: float, fmt=None) -> None:
    _checked(sheet.write_number(row, col, value, fmt), sheet, row, col)


@dataclass
class Table:
    """A table to write: its rows, a header and a kind per column, and a style per row."""

    frame: pd.DataFrame
    headers: Sequence[str]
    kinds: Sequence[str]
    styles: Sequence[str | None] | None = None
    totals: dict[int, float] | None = None  # column → total; a total row is written when set
    total_label: str = ""
    # A column filtered to its empty cells: the rows with a value there start hidden, and the
    # totals (SUBTOTAL of the visible rows) leave them out until the filter is cleared.
    blanks_only: int | None = None


def write_table(workbook: Workbook, formats: Formats, name: str, table: Table, *,
                start: int = 0, stop: int | None = None, note: str = "") -> Worksheet:
    """Write rows ``start:stop`` of ``table`` on a new sheet ``name`` with a frozen header and filter."""
    sheet = workbook.add_worksheet(name)
    frame = table.frame.iloc[start:stop]
    ncols, nrows = len(frame.columns), len(frame)
    sample = frame.iloc[:WIDTH_SAMPLE]
    widths = [_width(header, sample.iloc[:, col].tolist(), kind)
              for col, (header, kind) in enumerate(zip(table.headers, table.kinds))]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.set_row(0, 32)
    for col, header in enumerate(table.headers):
        text_cell(sheet, 0, col, header, formats.header)
    if note:
        sheet.set_column(ncols + 1, ncols + 1, MAX_WIDTH)
        text_cell(sheet, 0, ncols + 1, note, formats.note)
    sheet.freeze_panes(1, 0)
    _print_setup(sheet, sum(widths))
    styles = list(table.styles[start:stop]) if table.styles is not None else [None] * nrows
    cells = [{style: formats.cell(kind, style) for style in FILLS} for kind in table.kinds]
    hide = table.blanks_only
    # Python lists of a block of rows at a time: a whole column as Python objects would
    # cost far more memory than the DataFrame holding it.
    for first in range(0, nrows, BLOCK_ROWS):
        block = frame.iloc[first:first + BLOCK_ROWS]
        columns = [block.iloc[:, c].tolist() for c in range(ncols)]
        hidden = [bool(value) for value in columns[hide]] if hide is not None else None
        _write_rows(sheet, columns, first + 1, styles[first:first + BLOCK_ROWS], cells, hidden)
    if nrows:
        sheet.autofilter(0, 0, nrows, ncols - 1)
        if hide is not None:
            sheet.filter_column(hide, "x == Blanks")
    if table.totals is not None:
        _total_row(sheet, formats, table, nrows + 1)
    return sheet


def _print_setup(sheet: Worksheet, width: float) -> None:
    """Landscape, on A4 or, for a table of ``width`` characters too wide for it, A3; the
    columns fitted to the page's width, the header on every page."""
    sheet.set_landscape()
    sheet.set_paper(A4 if width <= A4_LANDSCAPE_READABLE_WIDTH else A3)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)


def _write_rows(sheet: Worksheet, columns: list[list], first_row: int, styles: list, cells: list[dict],
                hidden: list[bool] | None = None) -> None:
    write_string, write_number, write_blank = sheet.write_string, sheet.write_number, sheet.write_blank
    for r, style in enumerate(styles):
        row = first_row + r
        if hidden is not None and hidden[r]:
            _checked(sheet.set_row(row, None, None, {"hidden": True}), sheet, row, 0)
        for c, values in enumerate(columns):
            value = values[r]
            fmt = cells[c][style]
            if isinstance(value, str) and value:
                result = write_string(row, c, value[:EXCEL_MAX_CHARS], fmt)
            elif isinstance(value, str) or value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                # An empty cell needs writing only to carry the row's fill.
                result = write_blank(row, c, None, fmt) if style else 0
            else:
                result = write_number(row, c, float(value), fmt)
            if result:
                _checked(result, sheet, row, c)


def _total_row(sheet: Worksheet, formats: Formats, table: Table, row: int) -> None:
    text_cell(sheet, row, 0, table.total_label, formats.total_label)
    for col, value in table.totals.items():
        fmt = formats.cell(table.kinds[col], total=True)
        if table.kinds[col] in (AMOUNT, COUNT) and row > 1:
            # SUBTOTAL(109, ...) sums the visible rows only, so the total follows the filter;
            # the value written with it is what readers that do not recalculate show.
            ref = f"{xl_col_to_name(col)}2:{xl_col_to_name(col)}{row}"
            cached = 0.0 if math.isnan(value) else value
            _checked(sheet.write_formula(row, col, f"=SUBTOTAL(109,{ref})", fmt, cached), sheet, row, col)
        elif not (isinstance(value, float) and math.isnan(value)):
            number_cell(sheet, row, col, value, fmt)


def rows_per_sheet() -> int:
    """Data rows that fit on one sheet under its header row."""
    return EXCEL_MAX_ROWS - 1
