"""How far each sheet of an .xlsx or .xlsb reaches, known before calamine loads it.

calamine holds a sheet as one block of cells from its first to its last value, 32 bytes a
cell whether filled or not, and when the block cannot be allocated the whole process aborts
(tafia/calamine#693, unfixed in python-calamine 0.9.1). One stray value in XFD1048576 below a
form in A1:H40 asks for 550 GB, and a 2 KB file would end a whole collection round.

Every writer we have met (Excel, WPS, LibreOffice, XlsxWriter, openpyxl) puts the sheet's
used range near the top of its XML, as ``<dimension ref="A1:H40"/>``; a sheet without one is
scanned whole. A sheet beyond :data:`MAX_SHEET_CELLS` is read by :func:`sparse_sheet`,
which keeps only the rows that exist. A hand-made file whose dimension understates its cells
is not caught: no office suite writes one, and checking every cell would cost more than the
read itself::

    >>> dimension_extent(b'<worksheet><dimension ref="A1:XFD1048576"/><sheetData>')
    Extent(rows=1048576, cols=16384)

An .xlsb sheet's used range is its BrtWsDim record (MS-XLSB 2.4.*), which Excel writes near
the start of the part as it writes ``<dimension>`` in an .xlsx. openpyxl cannot read the binary
format, so a sheet too large for calamine is refused, not read sparsely.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
from functools import lru_cache
from typing import BinaryIO, Callable, Iterator, NamedTuple

import openpyxl
from openpyxl.utils.escape import unescape

from .cell_scan import MAX_PART_BYTES, ZipPart
from .number_format import Shown, shown_styles
from .spec import column_index, column_letter

# calamine's block for this many cells takes 128 MB (32 bytes a cell), and its Python copy
# 32 MB more in pointers alone; a sheet read sparsely stops at as many cells kept.
MAX_SHEET_CELLS = 4_000_000
# A sheet read sparsely is parsed by openpyxl, at about 5 MB of XML a second: this keeps
# one such sheet to a few seconds.
MAX_SPARSE_PART_BYTES = 16 * 1024 * 1024
# The dimension follows the root element and <sheetPr>: Excel's root alone, with its
# namespaces, is about a kilobyte. Inflating costs by the byte, so the first look is short.
_FIRST_LOOK = 512
_HEAD_BYTES = 64 * 1024
# Where Excel, WPS, LibreOffice, XlsxWriter and openpyxl all put the cell styles.
_STYLES_PART = "xl/styles.xml"

# Reads the first ``limit`` inflated bytes of a part of the zip (None: all of it).
ReadPart = Callable[[str, "int | None"], bytes]

_PREFIX = rb"<(?:[\w.-]+:)?"
_DIMENSION = re.compile(_PREFIX + rb"""dimension\s[^>]*?\bref\s*=\s*["']\$?([A-Za-z]{1,3})?\$?(\d{1,7})?"""
                        rb"""(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?["']""")
_SHEET_DATA = re.compile(_PREFIX + rb"sheetData[\s/>]")
_CELL_REF = re.compile(_PREFIX + rb"""c\s[^>]*?\br\s*=\s*["']([A-Za-z]{1,3})(\d{1,7})["']""")
_ROW_NUMBER = re.compile(_PREFIX + rb"""row\s[^>]*?\br\s*=\s*["'](\d{1,7})["']""")
_MERGE = re.compile(_PREFIX + rb"""mergeCell\s[^>]*?\bref\s*=\s*["']([A-Za-z]{1,3})(\d{1,7}):([A-Za-z]{1,3})(\d{1,7})["']""")
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_SHEET = re.compile(_PREFIX + rb"sheet\s([^>]*)>")
_RELATIONSHIP = re.compile(_PREFIX + rb"Relationship\s([^>]*)>")
_RELATION_ID = re.compile(rb"""[\w.-]+:id\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ID = re.compile(rb"""\bId\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TARGET = re.compile(rb"""\bTarget\s*=\s*(?:"([^"]*)"|'([^']*)')""")


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
    """A sheet too large for calamine: its place among the workbook's sheets, its part and size."""

    index: int
    part: str
    extent: Extent
    size: int  # inflated bytes of the part
    xml: bool = True  # an .xlsx part; an .xlsb's is binary

    @property
    def sparse(self) -> bool:
        """Whether :func:`sparse_sheet` may read it: few cells spread far, in XML."""
        return self.xml and self.size <= MAX_SPARSE_PART_BYTES


class Sheets(NamedTuple):
    """The sheets of an .xlsx or .xlsb as calamine lists them, and those it must not load."""

    count: int
    large: tuple[LargeSheet, ...]
    parts: tuple[str | None, ...] = ()  # each sheet's part; None when there is not exactly one
    # The cell styles that show a number with more than its digits (a percentage, a unit):
    # style index → how (sheetsync.number_format); None when the styles could not be read.
    shown: dict[int, Shown] | None = None
    located: tuple[ZipPart | None, ...] = ()  # each sheet's part in a plain zip's directory
    commented: bool = False  # whether the zip holds cell comments


def large_sheets(read: ReadPart, sizes: dict[str, int]) -> Sheets:
    """Measure the part of every sheet in ``xl/workbook.xml``; ``sizes`` are the zip's parts.

    Raises (KeyError, ValueError, zlib's and zipfile's errors) when the workbook's own parts
    cannot be read: calamine cannot open such a file either.
    """
    parts_by_key: dict[str, list[str]] = {}
    for part in sizes:
        parts_by_key.setdefault(part_key(part), []).append(part)

    def the_part(name: str) -> str:
        found = parts_by_key.get(part_key(name), [])
        if len(found) != 1:
            raise KeyError(name)
        return found[0]

    sheets = _workbook_sheets(read(the_part("xl/workbook.xml"), None))
    targets = _relationship_targets(read(the_part("xl/_rels/workbook.xml.rels"), None))
    large, parts = [], []
    for index, relation in enumerate(sheets):
        target = targets.get(relation, "")
        found = sorted({p for key in _candidates(target) for p in parts_by_key.get(key, ())})
        for part in found:
            extent = measure(read, part)
            if extent is not None and extent.too_large:
                large.append(LargeSheet(index, part, extent, sizes[part]))
        parts.append(found[0] if len(found) == 1 else None)
    styles = parts_by_key.get(_STYLES_PART, [])
    shown = _shown_styles(read, styles[0], sizes[styles[0]]) if len(styles) == 1 else None
    return Sheets(len(sheets), tuple(large), tuple(parts), shown)


def _shown_styles(read: ReadPart, part: str, size: int) -> dict[int, Shown] | None:
    if size > MAX_PART_BYTES:
        return None
    try:
        return shown_styles(read(part, None))
    except Exception:  # zlib, zipfile and the XML parser raise many types for a damaged part
        return None


def xlsb_sheets(read: ReadPart, sizes: dict[str, int]) -> Sheets:
    """Measure the part of every sheet that ``xl/workbook.bin`` lists, as :func:`large_sheets`
    does for an .xlsx. Raises when the workbook's own parts cannot be read."""
    targets = _relationship_targets(read(_XLSB_RELATIONSHIPS, None))
    relations = [payload for kind, payload in xlsb_records(read(_XLSB_WORKBOOK, None)) if kind == _BRT_BUNDLE_SH]
    relations = [relation for relation in map(_xlsb_relation, relations) if relation is not None]
    large, parts = [], []
    for index, relation in enumerate(relations):
        # calamine takes the target as relative to xl/, and fails on a relation it cannot find
        part = f"xl/{targets.get(relation.encode('utf-8'), '')}"
        extent = xlsb_extent(read, part) if part in sizes else None
        if extent is not None and extent.too_large:
            large.append(LargeSheet(index, part, extent, sizes[part], xml=False))
        parts.append(part if part in sizes else None)
    return Sheets(len(relations), tuple(large), tuple(parts))


def xlsb_extent(read: ReadPart, part: str) -> Extent | None:
    """The used range the sheet's BrtWsDim declares; None when it has none (calamine fails then)."""
    look = _FIRST_LOOK
    while True:
        head = read(part, look)
        for kind, payload in xlsb_records(head):
            if kind == _BRT_WS_DIM and len(payload) >= 16:
                _first_row, last_row, _first_col, last_col = struct.unpack_from("<4I", payload)
                return Extent(last_row + 1, last_col + 1)
        if len(head) < look or look >= _HEAD_BYTES:
            return None
        look *= 4


# MS-XLSB record types, the sheet list's parts and where calamine looks for them.
_BRT_BUNDLE_SH = 0x9C
_BRT_WS_DIM = 0x94
_XLSB_WORKBOOK = "xl/workbook.bin"
_XLSB_RELATIONSHIPS = "xl/_rels/workbook.bin.rels"


def xlsb_records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(type, payload) of each whole record in ``data``: a type of one or two bytes and a size of
    up to four, seven bits to a byte, the high bit saying another byte follows (MS-XLSB 2.1.4)."""
    at, end = 0, len(data)
    while at < end:
        kind, at = _xlsb_number(data, at, 2)
        size, at = _xlsb_number(data, at, 4)
        if at > end or at + size > end:
            return  # cut off where the read stopped
        yield kind, data[at:at + size]
        at += size


def _xlsb_number(data: bytes, at: int, most: int) -> tuple[int, int]:
    value = 0
    for shift in range(0, 7 * most, 7):
        if at >= len(data):
            return value, len(data) + 1
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
    return value, at


def _xlsb_relation(payload: bytes) -> str | None:
    """The relationship id of a BrtBundleSh: after its state and tab id, a count of UTF-16 units
    and the units; calamine skips a sheet whose count is 0xFFFFFFFF."""
    if len(payload) < 12:
        return None
    (count,) = struct.unpack_from("<I", payload, 8)
    if count == 0xFFFFFFFF:
        return None
    return payload[12:12 + 2 * count].decode("utf-16-le", "replace")


def measure(read: ReadPart, part: str) -> Extent | None:
    """A worksheet part's declared dimension, else its scanned extent; None when unreadable
    (calamine, which reads it next, then reports what is wrong)."""
    try:
        look = _FIRST_LOOK
        while True:
            head = read(part, look)
            found = dimension_extent(head)
            if found is not None:
                return found
            if _SHEET_DATA.search(head) or len(head) < look or look >= _HEAD_BYTES:
                return scanned_extent(read(part, None))
            look *= 4
    except Exception:  # zipfile and zlib raise many types for a damaged or unsupported part
        return None


def dimension_extent(xml: bytes) -> Extent | None:
    """The extent the ``<dimension>`` in ``xml`` declares before any cells, or None."""
    m = _DIMENSION.search(xml)
    if m is None or _SHEET_DATA.search(xml, 0, m.start()) or xml.find(b"<!--", 0, m.start()) >= 0:
        return None
    col1, row1, col2, row2 = m.groups()
    rows = max(int(row1 or 1), int(row2 or 1))
    cols = max(_column_number(col1 or b"A"), _column_number(col2 or b"A"))
    return Extent(rows, cols)


def scanned_extent(xml: bytes) -> Extent:
    """The extent of a worksheet's XML from the positions of its rows and cells."""
    cells = set(_CELL_REF.findall(xml))
    rows = {int(r) for r in _ROW_NUMBER.findall(xml)} | {int(r) for _c, r in cells}
    cols = {_column_number(c) for c, _r in cells}
    return Extent(max(rows, default=1), max(cols, default=1))


def sparse_sheet(fh: BinaryIO, large: LargeSheet,
                 sheet_count: int) -> tuple[list, list[tuple[tuple[int, int], tuple[int, int]]]] | None:
    """The rows (each as long as its last value, ``""`` for empty) and merged ranges of one
    large sheet; None when it holds more than :data:`MAX_SHEET_CELLS` cells even so.

    openpyxl's read-only sheet yields each stored row as it is once its declared dimension is
    forgotten, and a row that is not stored as an empty list. Values are made what calamine
    gives: numbers as float, dates without a time as dates, an error value as empty (it is
    looked up as calamine's are) and Excel's escapes (``_x000D_``) undone.
    """
    with zipfile.ZipFile(fh) as archive:
        xml = archive.read(large.part)
    merges = [((int(r1) - 1, _column_number(c1) - 1), (int(r2) - 1, _column_number(c2) - 1))
              for c1, r1, c2, r2 in _MERGE.findall(xml)]
    fh.seek(0)
    workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    try:
        if len(workbook.sheetnames) != sheet_count:
            raise ValueError("openpyxl and calamine list different sheets")
        worksheet = workbook[workbook.sheetnames[large.index]]
        worksheet.reset_dimensions()
        empty: tuple[object, ...] = ()
        rows, kept = [], 0
        for row in worksheet.iter_rows():
            kept += len(row)
            if kept > MAX_SHEET_CELLS:
                return None
            rows.append([_as_calamine(cell.value, cell.data_type) for cell in row] if row else empty)
    finally:
        workbook.close()
    return rows, merges


def _as_calamine(value: object, data_type: str) -> object:
    if value is None or data_type == "e":
        return ""
    if type(value) is str:
        return unescape(value) if "_x" in value else value
    if type(value) is int:
        return float(value)
    if type(value) is dt.datetime and value.time() == dt.time(0):
        return value.date()
    return value


def _workbook_sheets(workbook_xml: bytes) -> list[bytes]:
    """The relationship id of each ``<sheet>`` in ``xl/workbook.xml``, in order."""
    return [_attribute(_RELATION_ID, m.group(1)) for m in _SHEET.finditer(_COMMENT.sub(b"", workbook_xml))]


def _relationship_targets(rels_xml: bytes) -> dict[bytes, str]:
    return {_attribute(_ID, m.group(1)): _attribute(_TARGET, m.group(1)).decode("utf-8", "replace")
            for m in _RELATIONSHIP.finditer(_COMMENT.sub(b"", rels_xml))}


def _attribute(pattern: re.Pattern[bytes], attributes: bytes) -> bytes:
    m = pattern.search(attributes)
    return b"" if m is None else m.group(1) if m.group(1) is not None else m.group(2)


@lru_cache(maxsize=4096)
def _candidates(target: str) -> frozenset[str]:
    """Where a sheet's part may be: as calamine resolves the target, and as the OPC rules do."""
    if not target:
        return frozenset()
    stripped = target.lstrip("/")
    resolved = {stripped if stripped.startswith("xl/") else f"xl/{stripped}", f"xl/{target}", stripped}
    return frozenset(part_key(part) for part in resolved)


@lru_cache(maxsize=4096)
def part_key(name: str) -> str:
    # Part names are matched without case and with either slash, as some readers do.
    key = name.replace("\\", "/").lower()
    if "./" not in key and "//" not in key and not key.startswith("/") and not key.endswith((".", "/")):
        return key
    normal: list[str] = []
    for p in key.split("/"):
        if p == "..":
            if normal:
                normal.pop()
        elif p not in ("", "."):
            normal.append(p)
    return "/".join(normal)


def _column_number(letters: bytes) -> int:
    """``A`` → 1, ``XFD`` → 16384."""
    return column_index(letters.decode("ascii")) + 1
