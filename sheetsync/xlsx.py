"""A thin, checked layer over XlsxWriter: every rejected call raises :class:`TemplateError`.

XlsxWriter reports many problems by returning -1 or -2 and warning, not by raising: a data
validation with an input message over 255 characters, a string over 32,767 characters, a
cell outside the sheet. Unchecked, the validation or the text silently disappears.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError, XlsxWriterException

from .errors import TemplateError
from .spec import Span

# Fonts: 宋体 is what the finance bureau's own forms use; Excel, WPS and LibreOffice fall
# back to another CJK font where it is missing.
# Excel's paper codes.
A4, A3 = 9, 8
FONT = "宋体"
FONT_SIZE = 11

_BORDERED = {"border": 1, "text_wrap": True, "valign": "vcenter"}
STYLES: dict[str, dict] = {
    "title": {"bold": True, "font_size": 18, "align": "center", "valign": "vcenter"},
    "year": {"align": "center", "valign": "vcenter", "font_size": 12},
    "unit": {"align": "left", "valign": "vcenter", "font_size": 12},
    "label": {**_BORDERED, "bold": True, "align": "center", "bg_color": "#F2F2F2"},
    # Text cells are formatted as text ("@"): Excel would otherwise turn a typed 95% into
    # the number 0.95, and the 指标值 the clerk wrote would be lost.
    "text": {**_BORDERED, "align": "left", "num_format": "@"},
    "long_text": {**_BORDERED, "align": "left", "valign": "top", "num_format": "@"},
    "amount": {**_BORDERED, "align": "right", "num_format": "0.00"},
    "level": {**_BORDERED, "align": "center"},
    "plain": {"text_wrap": True, "valign": "top"},
    "heading": {"bold": True, "font_size": 14},
}


def check(code: object, what: str, sheet: str) -> None:
    if isinstance(code, int) and code < 0:
        raise TemplateError(f"XlsxWriter rejected {what} on sheet {sheet!r} (return code {code})")


class Sheet:
    """One worksheet whose writes, merges and validations are checked."""

    def __init__(self, book: Book, worksheet) -> None:
        self.book = book
        self.ws = worksheet
        self.name = worksheet.get_name()

    def text(self, row: int, col: int, value: str, style: str = "plain", locked: bool = True) -> None:
        # write_string, never write(): a department's "=1+1" or "http://..." stays text.
        check(self.ws.write_string(row, col, value, self.book.format(style, locked)), f"text at row {row + 1} col {col + 1}", self.name)

    def number(self, row: int, col: int, value: float, style: str = "amount", locked: bool = True) -> None:
        check(self.ws.write_number(row, col, value, self.book.format(style, locked)), f"number at row {row + 1} col {col + 1}", self.name)

    def blank(self, row: int, col: int, style: str, locked: bool = True) -> None:
        check(self.ws.write_blank(row, col, None, self.book.format(style, locked)), f"blank at row {row + 1} col {col + 1}", self.name)

    def put(self, span: Span, value: str | float | None, style: str, locked: bool = True) -> None:
        """Write ``value`` into ``span``, merging it when it covers more than one cell."""
        if span.is_merged:
            fmt = self.book.format(style, locked)
            try:
                code = self.ws.merge_range(span.first_row, span.first_col, span.last_row, span.last_col, "", fmt)
            except XlsxWriterException as exc:
                raise TemplateError(f"XlsxWriter rejected the merge {span} on sheet {self.name!r}: {exc}") from exc
            check(code, f"the merge {span}", self.name)
        if value is None or value == "":
            self.blank(span.first_row, span.first_col, style, locked)
        elif isinstance(value, str):
            self.text(span.first_row, span.first_col, value, style, locked)
        else:
            self.number(span.first_row, span.first_col, float(value), style, locked)

    def validate(self, span: Span, options: dict) -> None:
        code = self.ws.data_validation(span.first_row, span.first_col, span.last_row, span.last_col, options)
        check(code, f"the data validation on {span} ({options.get('validate')})", self.name)

    def column_width(self, col: int, width: float) -> None:
        check(self.ws.set_column(col, col, width), f"the width of column {col + 1}", self.name)

    def row_height(self, row: int, height: float) -> None:
        check(self.ws.set_row(row, height), f"the height of row {row + 1}", self.name)


class Book:
    """An XlsxWriter workbook with one format per (style, locked) and checked sheets."""

    def __init__(self, path: Path | str) -> None:
        # strings_to_formulas/urls off: text never becomes a formula or hyperlink, whatever
        # method writes it.
        # in_memory: XlsxWriter otherwise writes every part to a temporary file first, and
        # creating and removing those costs more than the sheets themselves.
        self.wb = xlsxwriter.Workbook(str(path), {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "in_memory": True,
        })
        self._formats: dict[tuple[str, bool], object] = {}

    def format(self, style: str, locked: bool = True):
        key = (style, locked)
        if key not in self._formats:
            self._formats[key] = self.wb.add_format({"font_name": FONT, "font_size": FONT_SIZE, **STYLES[style], "locked": locked})
        return self._formats[key]

    def add_sheet(self, name: str) -> Sheet:
        try:
            return Sheet(self, self.wb.add_worksheet(name))
        except XlsxWriterException as exc:
            raise TemplateError(f"XlsxWriter rejected the sheet name {name!r}: {exc}") from exc

    def close(self) -> None:
        try:
            close_workbook(self.wb)
        except XlsxWriterException as exc:
            raise TemplateError(f"could not write the workbook: {exc}") from exc


def close_workbook(workbook: xlsxwriter.Workbook) -> None:
    """Write ``workbook`` out. XlsxWriter wraps an OSError (a full disk) in its FileCreateError:
    it is raised as the OSError, which the output's atomic_path reports under the output's name."""
    try:
        workbook.close()
    except FileCreateError as exc:
        raise (exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))) from None
