"""How far each worksheet of an .xlsx reaches, known before calamine loads it.

calamine holds a sheet as one block of cells from its first to its last value, 32 bytes a
cell whether filled or not, and when the block cannot be allocated the whole process aborts
(tafia/calamine#693, unfixed in python-calamine 0.9.1). One stray value in XFD1048576 below a
form in A1:H40 asks for 550 GB, and a 2 KB file would end a whole collection round.

Every writer we have met (Excel, WPS, LibreOffice, XlsxWriter, openpyxl) puts the sheet's
used range near the top of its XML, as ``<dimension ref="A1:H40"/>``; a sheet without one is
scanned whole. A sheet beyond :data:`MAX_SHEET_CELLS` is read by :func:`sparse_sheet`,
which keeps only the cells that exist::

    >>> dimension_extent(b'<worksheet><dimension ref="A1:XFD1048576"/><sheetData>')
    Extent(rows=1048576, cols=16384)
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from typing import BinaryIO, NamedTuple
from xml.etree import ElementTree

import openpyxl

from .spec import column_letter

# calamine's block for this many cells takes 128 MB, and its Python copy as much again.
MAX_SHEET_CELLS = 4_000_000
# A sheet read sparsely is parsed by openpyxl, about a second for each few MB of XML.
MAX_SPARSE_PART_BYTES = 16 * 1024 * 1024
# The dimension follows the root element and <sheetPr>: Excel's root alone, with its
# namespaces, is about a kilobyte.
_HEAD_BYTES = 64 * 1024
# Inflated a step at a time, the first small: most writers put the dimension in the first
# 400 bytes, and inflating costs by the byte.
_HEAD_FIRST_STEP = 512
HEAD_COMPRESSED_BYTES = 16 * 1024

_WORKSHEETS = "xl/worksheets/"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s[^>]*?ref="\$?([A-Za-z]{1,3})?\$?(\d{1,7})?'
                        rb'(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?"')
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s/>]")
_CELL_COLUMN = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})\d')
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="(\d{1,7})"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"
_RELATION_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class Extent(NamedTuple):
    """A sheet's used range from A1: its last row and last column (one-based)."""

    rows: int
    cols: int

    @property
    def cells(self) -> int:
        return self.rows * self.cols

    @property
    def ref(self) -> str:
        return f"A1:{column_letter(self.cols - 1)}{self.rows}"

    @property
    def too_large(self) -> bool:
        return self.cells > MAX_SHEET_CELLS


class LargeSheet(NamedTuple):
    """A worksheet part too large for calamine, and its size in the zip."""

    part: str
    extent: Extent
    size: int  # inflated bytes of XML

    @property
    def sparse(self) -> bool:
        """Whether :func:`sparse_sheet` may read it: few cells spread far."""
        return self.size <= MAX_SPARSE_PART_BYTES


def is_worksheet(part: str) -> bool:
    return part.startswith(_WORKSHEETS) and part.endswith(".xml") and "/" not in part[len(_WORKSHEETS):]


def dimension_extent(xml: bytes) -> Extent | None:
    """The extent the ``<dimension>`` in ``xml`` declares before any cells, or None."""
    m = _DIMENSION.search(xml)
    if m is None or _SHEET_DATA.search(xml, 0, m.start()):
        return None
    col1, row1, col2, row2 = m.groups()
    rows = max(int(row1 or 1), int(row2 or 1))
    cols = max(_column_number(col1 or b"A"), _column_number(col2 or b"A"))
    return Extent(rows, cols)


def head_extent(compressed: bytes, method: int) -> Extent | None:
    """The dimension in the first bytes of a worksheet part as stored in the zip (deflated or
    stored); None when they hold none before the cells: the cells must then be scanned."""
    if method == zipfile.ZIP_STORED:
        return dimension_extent(compressed[:_HEAD_BYTES])
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    xml, pending, step = b"", compressed, _HEAD_FIRST_STEP
    try:
        while pending and len(xml) < _HEAD_BYTES:
            xml += inflate.decompress(pending, step)
            found = dimension_extent(xml)
            if found is not None or _SHEET_DATA.search(xml):
                return found
            pending, step = inflate.unconsumed_tail, step * 2
    except zlib.error:
        return None
    return None


def scanned_extent(xml: bytes) -> Extent:
    """The extent of a worksheet's XML from the positions of its rows and cells."""
    columns = set(_CELL_COLUMN.findall(xml))
    rows = set(_ROW_NUMBER.findall(xml))
    last_col = max((_column_number(c) for c in columns), default=1)
    return Extent(max(map(int, rows), default=1), last_col)


def part_extent(archive: zipfile.ZipFile, part: str) -> Extent:
    """A worksheet part's declared dimension, else its scanned extent."""
    with archive.open(part) as fh:
        head = fh.read(_HEAD_BYTES)
    found = dimension_extent(head)
    return found if found is not None else scanned_extent(archive.read(part))


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part, from ``xl/workbook.xml`` and its relationships."""
    targets = {}
    for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter(_RELATIONSHIPS):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = part
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    return {sheet.get("name", ""): targets.get(sheet.get(_RELATION_ID), "") for sheet in workbook.iter(_SHEET)}


def sparse_sheet(fh: BinaryIO, sheet: str, part: str) -> tuple[list, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """The rows (each as long as its last value, ``""`` for empty) and merged ranges of one
    sheet, read without a block of its whole extent.

    openpyxl's read-only sheet yields each stored row as it is once its declared dimension is
    forgotten, and a row that is not stored as an empty list.
    """
    with zipfile.ZipFile(fh) as archive:
        merges = [((int(r1) - 1, _column_number(c1) - 1), (int(r2) - 1, _column_number(c2) - 1))
                  for c1, r1, c2, r2 in _MERGE.findall(archive.read(part))]
    fh.seek(0)
    workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    try:
        worksheet = workbook[sheet]
        worksheet.reset_dimensions()
        empty: tuple[object, ...] = ()
        rows = [[("" if value is None else value) for value in row] if row else empty
                for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return rows, merges


def _column_number(letters: bytes) -> int:
    """``A`` → 1, ``XFD`` → 16384."""
    number = 0
    for code in letters.upper():
        number = number * 26 + code - 64
    return number
