"""Percentages stored as numbers, recognised by the cells' number formats.

Typing ``95%`` in a cell not formatted as text makes Excel, WPS and LibreOffice store the
number 0.95 and show it through a percent format such as ``0%``; calamine gives the number
only. The format is looked up only for sheets that hold a number where text is expected:

- in an .xlsx, from the sheet's XML (each cell's style) and ``xl/styles.xml`` (each style's
  number format);
- in an .xls, with xlrd, which reads the cells' formats of the binary format;
- in an .ods, from ``content.xml``, where such a cell's value type is ``percentage`` and its
  text is the percentage shown.

::

    >>> percent_decimals('0.0%'), percent_decimals('#,##0.00'), percent_decimals('"%"0')
    (1, None, None)
    >>> percent_text(0.95, 0), percent_text(1.0, 2), percent_text(0.955, 0)
    ('95%', '100.00%', '95.5%')
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

from .cell_scan import ODS_OFFICE, OdsCells, SheetCells, XlsCells, ods_cells, ods_shown_text, read_part
from .extent import Sheets
from .spec import column_index
from .values import clean_text

# Excel's built-in number formats 9 and 10 are "0%" and "0.00%"; the others hold no percent.
_BUILTIN_PERCENT = {9: 0, 10: 2}
# Text in quotes, an escaped character, a [colour or condition], and the character after
# _ (a space as wide as it) or * (repeated to fill): none of them is a percent sign.
_LITERAL = re.compile(r'"[^"]*"?|\\.|\[[^\]]*\]?|[_*].?')
_DECIMALS = re.compile(r"\.([0#?]+)")
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\s([^>]*)>")
_CELL_REF = re.compile(rb"""\br\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d{1,7})["']""")
_CELL_STYLE = re.compile(rb"""\bs\s*=\s*["'](\d{1,9})["']""")


def percent_decimals(code: str) -> int | None:
    """The decimals a number format shows a percentage with; None when it is not a percent format."""
    section = _LITERAL.sub("", code).split(";")[0]
    if "%" not in section:
        return None
    m = _DECIMALS.search(section)
    return len(m.group(1)) if m else 0


def percent_text(number: float, decimals: int) -> str:
    """The percentage ``number`` stands for, with the format's decimals, or all the digits
    the number has when the format would round them away."""
    hundred = round(number * 100, 10)
    text = f"{hundred:.{decimals}f}"
    if float(text) != hundred:
        text = clean_text(hundred)
    return text + "%"


def percent_styles(styles_xml: bytes) -> dict[int, int]:
    """Style index (a cell's ``s``) → decimals, for the styles whose number format is a percent."""
    root = ElementTree.fromstring(styles_xml)
    codes: dict[int, str] = {}
    cell_styles = None
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "numFmt" and (element.get("numFmtId") or "").isdigit():
            codes[int(element.get("numFmtId"))] = element.get("formatCode") or ""
        elif tag == "cellXfs" and cell_styles is None:
            cell_styles = element
    found: dict[int, int] = {}
    styles = [xf for xf in cell_styles if _local(xf.tag) == "xf"] if cell_styles is not None else []
    for index, xf in enumerate(styles):
        number_format = xf.get("numFmtId") or "0"
        if not number_format.isdigit():
            continue
        number_format = int(number_format)
        decimals = percent_decimals(codes[number_format]) if number_format in codes else _BUILTIN_PERCENT.get(number_format)
        if decimals is not None:
            found[index] = decimals
    return found


def cell_styles(sheet_xml: bytes) -> dict[tuple[int, int], int]:
    """(row, col), zero-based → style index, for every cell of a worksheet's XML with both.

    A cell without its reference (allowed, rarely written) is left out: its format stays unknown.
    """
    found = {}
    for m in _CELL.finditer(sheet_xml):
        attributes = m.group(1)
        ref, style = _CELL_REF.search(attributes), _CELL_STYLE.search(attributes)
        if ref is not None and style is not None:
            found[int(ref.group(2)) - 1, column_index(ref.group(1).decode())] = int(style.group(1))
    return found


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def percent_cells_of(kind: str, path: str, sheet_names: list[str]) -> SheetCells[int] | None:
    """The reader of percent cells for an .xls or .ods (an .xlsx's is :class:`PercentCells`)."""
    if kind == "xls":
        return XlsCells(path, sheet_names, xls_percent_cells, formatting_info=True)
    if kind == "ods":
        return OdsCells(path, sheet_names, _shown_decimals)
    return None


class PercentCells(SheetCells[int]):
    """The cells of one .xlsx that show their number as a percentage, read when first asked.

    A part that cannot be read leaves the formats unknown: the reader then warns about a
    number that may have been a percentage, as for an .xls or .ods.
    """

    def __init__(self, path: str, sheets: Sheets) -> None:
        super().__init__()
        self._path = path
        self._sheets = sheets
        self._styles: dict[int, int] | None = None

    def _read(self, index: int) -> dict[tuple[int, int], int]:
        parts = self._sheets.parts
        part = parts[index] if index < len(parts) else None
        if part is None or self._sheets.styles is None:
            return {}
        with zipfile.ZipFile(self._path) as archive:
            if self._styles is None:
                self._styles = {}  # not read again when it fails
                self._styles = percent_styles(read_part(archive, self._sheets.styles))
            if not self._styles:
                return {}
            styles = cell_styles(read_part(archive, part))
        return {cell: self._styles[style] for cell, style in styles.items() if style in self._styles}


def xls_percent_cells(book, sheet) -> dict[tuple[int, int], int]:
    """(row, col) → decimals, for the numbers of an xlrd sheet shown through a percent format."""
    import xlrd

    decimals_of_xf: dict[int, int | None] = {}
    found = {}
    for r in range(sheet.nrows):
        for c, kind in enumerate(sheet.row_types(r)):
            if kind != xlrd.XL_CELL_NUMBER:
                continue
            xf = sheet.cell_xf_index(r, c)
            if xf not in decimals_of_xf:
                number_format = book.format_map.get(book.xf_list[xf].format_key)
                decimals_of_xf[xf] = percent_decimals(number_format.format_str) if number_format else None
            if decimals_of_xf[xf] is not None:
                found[r, c] = decimals_of_xf[xf]
    return found


_SHOWN_DECIMALS = re.compile(r"\.(\d+)\s*%")


def ods_percent_cells(content: io.BytesIO) -> dict[str, dict[tuple[int, int], int]]:
    """Table name → (row, col) → decimals, for the percentage cells of an .ods ``content.xml``."""
    return ods_cells(content, _shown_decimals)


def _shown_decimals(cell: ElementTree.Element) -> int | None:
    if cell.get(ODS_OFFICE + "value-type") != "percentage":
        return None
    m = _SHOWN_DECIMALS.search(ods_shown_text(cell))
    return len(m.group(1)) if m else 0
