"""Cells that show an error value (``#DIV/0!``, ``#REF!``, ``#N/A``…) where a formula failed.

calamine gives such a cell as empty (python-calamine issue 105; for an .ods, calamine issue
720), so a clerk's broken formula would read as a value left out. The reader asks for a sheet's
error cells only when a cell it needs is empty, and they are read from the file:

- in an .xlsx, from the sheet's XML: cells of type ``e`` and their ``<v>``;
- in an .xlsb, from the sheet's BrtCellError and BrtFmlaError records;
- in an .xls, with xlrd;
- in an .ods, from ``content.xml``, where LibreOffice marks the cell ``calcext:value-type="error"``
  and gives the error shown as its text.

::

    >>> xlsx_error_cells(b'<row r="3"><c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C3"><v>1</v></c></row>')
    {(2, 1): '#DIV/0!'}
"""

from __future__ import annotations

import html
import io
import re
import struct
from typing import Callable
from xml.etree import ElementTree

from .cell_scan import OdsCells, SheetCells, SheetParts, XlsCells, ods_cells, ods_shown_text, xlsx_cells
from .extent import xlsb_records

ErrorCells = dict[tuple[int, int], str]

_ERROR_TYPE = re.compile(rb"""\bt\s*=\s*["']e["']""")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)<")
_ODS_ERROR_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"
# MS-XLSB: a row header, the two records of a cell holding an error, and the error codes.
_BRT_ROW_HDR, _BRT_CELL_ERROR, _BRT_FMLA_ERROR = 0x00, 0x03, 0x0B
_XLSB_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
                0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


def error_cells_of(kind: str, path: str, sheet_names: list[str], parts: SheetParts | None) -> SheetCells[str] | None:
    """The reader of error cells for a workbook of ``kind``; ``parts`` are an .xlsx's or
    .xlsb's sheet parts, as :mod:`sheetsync.safety` found them."""
    if kind in ("xlsx", "xlsb") and parts is not None:
        return PartErrorCells(parts, xlsx_error_cells if kind == "xlsx" else xlsb_error_cells)
    if kind == "xls":
        return XlsCells(path, sheet_names, xls_error_cells)
    if kind == "ods":
        return OdsCells(path, sheet_names, _shown_error)
    return None


def xlsx_error_cells(sheet_xml: bytes) -> ErrorCells:
    """(row, col), zero-based → error, for the cells of a worksheet's XML whose type is ``e``."""
    if b'"e"' not in sheet_xml and b"'e'" not in sheet_xml:
        return {}  # most sheets: no cell can be of type e
    found = {}
    for row, col, tag in xlsx_cells(sheet_xml):
        if _ERROR_TYPE.search(tag.group(2)) is None or tag.group(2).endswith(b"/"):
            continue
        end = _CELL_END.search(sheet_xml, tag.end())
        value = _VALUE.search(sheet_xml, tag.end(), end.start() if end is not None else len(sheet_xml))
        if value is not None:
            found[row, col] = html.unescape(value.group(1).decode("utf-8", "replace")).strip()
    return found


def xlsb_error_cells(sheet_part: bytes) -> ErrorCells:
    """(row, col) → error, for the BrtCellError and BrtFmlaError records of an .xlsb sheet: a
    cell's column and style take 8 bytes, its error code the next; its row is the last BrtRowHdr's."""
    found = {}
    row = 0
    for kind, payload in xlsb_records(sheet_part):
        if kind == _BRT_ROW_HDR and len(payload) >= 4:
            (row,) = struct.unpack_from("<I", payload)
        elif kind in (_BRT_CELL_ERROR, _BRT_FMLA_ERROR) and len(payload) >= 9:
            (col,) = struct.unpack_from("<I", payload)
            found[row, col] = _XLSB_ERRORS.get(payload[8], "#N/A")
    return found


class PartErrorCells(SheetCells[str]):
    """The error cells of an .xlsx's or .xlsb's sheets, each read from its part when first asked."""

    def __init__(self, parts: SheetParts, scan: Callable[[bytes], ErrorCells]) -> None:
        super().__init__()
        self._parts = parts
        self._scan = scan

    def _read(self, index: int) -> ErrorCells:
        part = self._parts.read(index)
        return {} if part is None else self._scan(part)

    def close(self) -> None:
        self._parts.close()


def xls_error_cells(book, sheet) -> ErrorCells:
    """(row, col) → error, for the error cells of an xlrd sheet."""
    import xlrd

    found = {}
    for r in range(sheet.nrows):
        for c, kind in enumerate(sheet.row_types(r)):
            if kind == xlrd.XL_CELL_ERROR:
                found[r, c] = xlrd.error_text_from_code.get(sheet.cell_value(r, c), "#N/A")
    return found


def ods_error_cells(content: io.BytesIO) -> dict[str, ErrorCells]:
    """Table name → (row, col) → error shown, for the error cells of an .ods ``content.xml``."""
    return ods_cells(content, _shown_error)


def _shown_error(cell: ElementTree.Element) -> str | None:
    if cell.get(_ODS_ERROR_TYPE) != "error":
        return None
    return ods_shown_text(cell).strip() or "#N/A"
