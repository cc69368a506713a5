"""Reading what calamine leaves out of a sheet (its cells' formats and error values, an .ods's
merged ranges and the tabs in its text) straight from the file: a part of an .xlsx, .xlsb or
.ods, and the cells of an .ods table.

    >>> content = (b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    ...            b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
    ...            b'<table:table table:name="S"><table:table-row table:number-rows-repeated="2">'
    ...            b'<table:table-cell/><table:table-cell office:value-type="float"/></table:table-row>'
    ...            b'</table:table></office:spreadsheet></office:body></office:document-content>')
    >>> ods_cells(io.BytesIO(content), lambda cell: cell.get(ODS_OFFICE + "value-type"))
    {'S': {(0, 1): 'float', (1, 1): 'float'}}
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from typing import Any, BinaryIO, Callable, Generic, Iterator, NamedTuple, TypeVar
from xml.etree import ElementTree

from .spec import column_index

# A part bigger than this is not looked into: a form's are a few kilobytes.
MAX_PART_BYTES = 16 * 1024 * 1024

ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODS_TEXT_P = _ODS_TEXT + "p"
_ODS_CELLS = {ODS_TABLE + "table-cell", ODS_TABLE + "covered-table-cell"}
# A row or cell repeated more often than this is not expanded: a form's are typed once.
_MAX_REPEAT = 10_000

T = TypeVar("T")


class ZipPart(NamedTuple):
    """A part of a zip as its central directory declares it."""

    name: str
    size: int  # inflated
    compressed: int
    method: int  # zipfile.ZIP_STORED or ZIP_DEFLATED
    offset: int  # of its local header


ZIP_MAGIC = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # APPNOTE 4.3.7: ends with the name and extra field lengths


def read_plain_part(fh: BinaryIO, part: ZipPart, limit: int | None) -> bytes:
    """The first ``limit`` inflated bytes of ``part`` (all of them for None), read straight from
    its local header: zipfile builds an object per part of the archive to read one."""
    if part.method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise NotImplementedError(f"compression method {part.method}")
    fh.seek(part.offset)
    local = fh.read(_LOCAL_HEADER.size)
    if len(local) != _LOCAL_HEADER.size or not local.startswith(ZIP_MAGIC):
        raise zipfile.BadZipFile(f"no local header for {part.name}")
    name_length, extra_length = _LOCAL_HEADER.unpack(local)[-2:]
    fh.seek(name_length + extra_length, os.SEEK_CUR)
    wanted = part.size if limit is None else min(limit, part.size)
    if part.method == zipfile.ZIP_STORED:
        return fh.read(min(wanted, part.compressed))
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    out, left = b"", part.compressed
    # A first read of a quarter of what is wanted covers the usual 4:1 or better of XML.
    chunk = max(wanted // 4, 1024)
    while len(out) < wanted and not inflate.eof:
        data = inflate.unconsumed_tail
        if not data:
            data = fh.read(min(chunk, left))
            if not data:
                break
            left -= len(data)
            chunk = 64 * 1024
        out += inflate.decompress(data, wanted - len(out))
    return out


_ROW_OR_CELL = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']\$?([A-Za-z]{0,3})\$?(\d{0,7})["']""")


def xlsx_cells(sheet_xml: bytes) -> Iterator[tuple[int, int, re.Match[bytes]]]:
    """The zero-based (row, col) of each cell of a worksheet's XML, with the match of its start
    tag (its attributes are group 2).

    A row or cell may leave out its reference ``r`` (the Open XML SDK's writers do): it then
    follows the row or cell before it, as calamine counts them (a row by the rows' references
    alone)::

        >>> [(r, c) for r, c, _tag in xlsx_cells(b'<row r="3"><c r="B3"/><c/></row><row><c/></row>')]
        [(2, 1), (2, 2), (3, 0)]
    """
    row = col = -1
    for m in _ROW_OR_CELL.finditer(sheet_xml):
        ref = _REF.search(m.group(2))
        if m.group(1) == b"row":
            row = int(ref.group(2)) - 1 if ref is not None and ref.group(2) else row + 1
            col = -1
            continue
        if ref is not None and ref.group(1) and ref.group(2):
            col = column_index(ref.group(1).decode())
            yield int(ref.group(2)) - 1, col, m
        else:
            col += 1
            yield row, col, m


class SheetParts:
    """The worksheet parts of an .xlsx or .xlsb by sheet index, read when asked: straight from
    their local headers where ``located`` (a plain zip's directory) has them, else through
    zipfile. The file stays open until :meth:`close`, after which nothing is read."""

    def __init__(self, path: str, names: tuple[str | None, ...], located: tuple[ZipPart | None, ...] = ()) -> None:
        self._path = path
        self._names = names
        self._located = located
        self._fh: BinaryIO | None = None
        self._archive: zipfile.ZipFile | None = None
        self._closed = False

    def read(self, index: int) -> bytes | None:
        """The part of sheet ``index``; None when the sheet has no single part. Raises (ValueError
        for one larger than :data:`MAX_PART_BYTES`; zipfile's and zlib's errors) when it cannot be read."""
        name = self._names[index] if index < len(self._names) else None
        if name is None or self._closed:
            return None
        part = self._located[index] if index < len(self._located) else None
        if part is None:
            if self._archive is None:
                self._archive = zipfile.ZipFile(self._path)
            return read_part(self._archive, name)
        if part.size > MAX_PART_BYTES:
            raise ValueError(f"{name} is larger than {MAX_PART_BYTES} bytes")
        if self._fh is None:
            self._fh = open(self._path, "rb")
        return read_plain_part(self._fh, part, None)

    def close(self) -> None:
        for handle in (self._fh, self._archive):
            if handle is not None:
                handle.close()
        self._fh = self._archive = None
        self._closed = True


def read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """The part ``name``, refused (ValueError) when it is larger than :data:`MAX_PART_BYTES`."""
    if archive.getinfo(name).file_size > MAX_PART_BYTES:
        raise ValueError(f"{name} is larger than {MAX_PART_BYTES} bytes")
    with archive.open(name) as part:
        return part.read(MAX_PART_BYTES)


def read_ods_content(path: str) -> io.BytesIO:
    with zipfile.ZipFile(path) as archive:
        return io.BytesIO(read_part(archive, "content.xml"))


def read_ods_styles(path: str) -> bytes:
    """An .ods's ``styles.xml``, where LibreOffice keeps most number formats; b"" when absent."""
    with zipfile.ZipFile(path) as archive:
        return read_part(archive, "styles.xml") if "styles.xml" in archive.NameToInfo else b""


def ods_cells(content: io.BytesIO, pick: Callable[[ElementTree.Element], T | None]) -> dict[str, dict[tuple[int, int], T]]:
    """Table name → (row, col) → what ``pick`` says of the cell there, for the cells of an .ods
    ``content.xml`` it says something of (not None). Repeated rows and cells are expanded."""
    tables: dict[str, dict[tuple[int, int], T]] = {}
    cells: dict[tuple[int, int], T] = {}
    in_row: list[tuple[int, T]] = []  # (col, what pick said) of the current row's cells
    row = col = 0
    for event, element in ElementTree.iterparse(content, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == ODS_TABLE + "table":
                cells = tables.setdefault(element.get(ODS_TABLE + "name", ""), {})
                row = 0
            elif tag == ODS_TABLE + "table-row":
                col, in_row = 0, []
            continue
        if tag in _ODS_CELLS:
            repeat = int(element.get(ODS_TABLE + "number-columns-repeated", "1"))
            said = pick(element)
            if said is not None:
                in_row += [(c, said) for c in range(col, col + min(repeat, _MAX_REPEAT))]
            col += repeat
            element.clear()
        elif tag == ODS_TABLE + "table-row":
            repeat = int(element.get(ODS_TABLE + "number-rows-repeated", "1"))
            for r in range(row, row + min(repeat, _MAX_REPEAT)) if in_row else ():
                cells.update(((r, c), said) for c, said in in_row)
            row += repeat
            element.clear()
    return tables


def ods_shown_text(cell: ElementTree.Element) -> str:
    """The text an .ods cell shows: its paragraphs, joined."""
    return "".join("".join(p.itertext()) for p in cell if p.tag == _ODS_TEXT_P)


class SheetCells(Generic[T]):
    """(row, col) → something calamine leaves out of each cell, per sheet (by its index in
    calamine's order), read by :meth:`_read` when first asked and kept. A file or part that cannot
    be read says nothing of its cells: the reader then goes by the values alone."""

    def __init__(self) -> None:
        self._cells: dict[int, dict[tuple[int, int], T]] = {}

    def of_sheet(self, index: int) -> dict[tuple[int, int], T]:
        cells = self._cells.get(index)
        if cells is None:
            try:
                cells = self._read(index)
            except Exception:  # zipfile, zlib, xlrd and the XML parser raise many types for a damaged file
                cells = {}
            self._cells[index] = cells
        return cells

    def close(self) -> None:
        """Let go of the file, when it was kept open."""

    def _read(self, index: int) -> dict[tuple[int, int], T]:
        raise NotImplementedError


class OdsCells(SheetCells[T]):
    """What ``pick`` says of the cells of an .ods (:func:`ods_cells`): ``content.xml`` is parsed
    once, for every sheet, when first asked."""

    def __init__(self, path: str, sheet_names: list[str], pick: Callable[[ElementTree.Element], T | None], *,
                 only_if: Callable[[str, bytes], bool] | None = None) -> None:
        super().__init__()
        self._path = path
        self._names = sheet_names
        self._pick = pick
        # only_if(path, content.xml) is false for a file with nothing to pick: it is not parsed.
        self._only_if = only_if
        self._tables: dict[str, dict[tuple[int, int], T]] | None = None

    def _read(self, index: int) -> dict[tuple[int, int], T]:
        if self._tables is None:
            self._tables = {}  # not parsed again when it fails
            content = read_ods_content(self._path)
            if self._only_if is None or self._only_if(self._path, content.getvalue()):
                self._tables = ods_cells(content, self._pick)
        return self._tables.get(self._names[index], {})


class XlsCells(SheetCells[T]):
    """What ``pick(book, sheet)`` finds in the cells of an .xls's sheet, read with xlrd (which
    knows the formats and error values calamine leaves out) when first asked; no sheet is loaded
    when ``only_if(book)`` says the workbook has nothing to pick."""

    def __init__(self, path: str, sheet_names: list[str], pick: Callable[[Any, Any], dict[tuple[int, int], T]], *,
                 formatting_info: bool = False, only_if: Callable[[Any], bool] | None = None) -> None:
        super().__init__()
        self._path = path
        self._names = sheet_names
        self._pick = pick
        self._formatting_info = formatting_info
        self._only_if = only_if
        self._book: Any = None
        self._anything: bool | None = None

    def _read(self, index: int) -> dict[tuple[int, int], T]:
        import xlrd

        if self._book is None:
            self._book = xlrd.open_workbook(self._path, formatting_info=self._formatting_info, on_demand=True,
                                            logfile=io.StringIO())
            self._anything = self._only_if is None or self._only_if(self._book)
        if not self._anything:
            return {}
        name = self._names[index]
        try:
            return self._pick(self._book, self._book.sheet_by_name(name))
        finally:
            self._book.unload_sheet(name)

    def close(self) -> None:
        if self._book is not None:
            self._book.release_resources()
            self._book = None


class OdsTabbedText(OdsCells[str]):
    """The text of each .ods cell that holds a tab, which calamine leaves out (it reads
    ``a<text:tab/>b`` as ``ab``); content.xml is parsed only when it holds a tab."""

    def __init__(self, path: str, sheet_names: list[str]) -> None:
        super().__init__(path, sheet_names, _tabbed_text, only_if=lambda _path, content: b"<text:tab" in content)


def _tabbed_text(cell: ElementTree.Element) -> str | None:
    if cell.find(f".//{_ODS_TEXT}tab") is None:
        return None
    return "\n".join(_paragraph_text(p) for p in cell if p.tag == _ODS_TEXT_P)


def _paragraph_text(element: ElementTree.Element) -> str:
    """A paragraph's text with its tabs, runs of spaces (``<text:s text:c="3"/>``) and line breaks."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _ODS_TEXT + "tab":
            parts.append("\t")
        elif child.tag == _ODS_TEXT + "s":
            parts.append(" " * int(child.get(_ODS_TEXT + "c", "1")))
        elif child.tag == _ODS_TEXT + "line-break":
            parts.append("\n")
        else:  # a span, a link
            parts.append(_paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


MergedRanges = list[tuple[tuple[int, int], tuple[int, int]]]


class OdsMergedRanges:
    """The merged ranges of an .ods's sheets, as calamine gives an .xlsx's (python-calamine gives
    none for an .ods). A file whose content cannot be read has none: its forms read as with
    merges undone."""

    def __init__(self, path: str, sheet_names: list[str]) -> None:
        self._spans = OdsCells(path, sheet_names, _span)

    def of_sheet(self, index: int) -> MergedRanges:
        return _ranges(self._spans.of_sheet(index))


def ods_merged_ranges(content: io.BytesIO) -> dict[str, MergedRanges]:
    """Table name → ((first row, first col), (last row, last col)) of each cell spanning others."""
    return {name: _ranges(spans) for name, spans in ods_cells(content, _span).items()}


def _ranges(spans: dict[tuple[int, int], tuple[int, int]]) -> MergedRanges:
    return [((r, c), (r + rows - 1, c + cols - 1)) for (r, c), (rows, cols) in sorted(spans.items())]


def _span(cell: ElementTree.Element) -> tuple[int, int] | None:
    rows = int(cell.get(ODS_TABLE + "number-rows-spanned", "1"))
    cols = int(cell.get(ODS_TABLE + "number-columns-spanned", "1"))
    return (rows, cols) if rows > 1 or cols > 1 else None
