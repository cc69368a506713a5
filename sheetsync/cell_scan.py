"""Reading what calamine leaves out of a sheet (its cells' formats and error values, an .ods's
merged ranges) straight from the file: a part of an .xlsx, .xlsb or .ods, and the cells of an
.ods table.

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
import zipfile
from typing import Callable, TypeVar
from xml.etree import ElementTree

# A part bigger than this is not looked into: a form's are a few kilobytes.
MAX_PART_BYTES = 16 * 1024 * 1024

ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TEXT_P = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
_ODS_CELLS = {ODS_TABLE + "table-cell", ODS_TABLE + "covered-table-cell"}
# A row or cell repeated more often than this is not expanded: a form's are typed once.
_MAX_REPEAT = 10_000

T = TypeVar("T")


def read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """The part ``name``, refused (ValueError) when it is larger than :data:`MAX_PART_BYTES`."""
    if archive.getinfo(name).file_size > MAX_PART_BYTES:
        raise ValueError(f"{name} is larger than {MAX_PART_BYTES} bytes")
    with archive.open(name) as part:
        return part.read(MAX_PART_BYTES)


def read_ods_content(path: str) -> io.BytesIO:
    with zipfile.ZipFile(path) as archive:
        return io.BytesIO(read_part(archive, "content.xml"))


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


MergedRanges = list[tuple[tuple[int, int], tuple[int, int]]]


class OdsMergedRanges:
    """The merged ranges of an .ods's sheets, as calamine gives an .xlsx's, read from
    ``content.xml`` for every sheet at once when first asked (python-calamine gives none for an
    .ods). A file whose content cannot be read has none: its forms read as with merges undone."""

    def __init__(self, path: str, sheet_names: list[str]) -> None:
        self._path = path
        self._names = sheet_names
        self._tables: dict[str, MergedRanges] | None = None

    def of_sheet(self, index: int) -> MergedRanges:
        if self._tables is None:
            try:
                self._tables = ods_merged_ranges(read_ods_content(self._path))
            except Exception:  # zipfile, zlib and the XML parser raise many types for a damaged part
                self._tables = {}
        return self._tables.get(self._names[index], [])


def ods_merged_ranges(content: io.BytesIO) -> dict[str, MergedRanges]:
    """Table name → ((first row, first col), (last row, last col)) of each cell spanning others."""
    spans = ods_cells(content, _span)
    return {name: [((r, c), (r + rows - 1, c + cols - 1)) for (r, c), (rows, cols) in sorted(cells.items())]
            for name, cells in spans.items()}


def _span(cell: ElementTree.Element) -> tuple[int, int] | None:
    rows = int(cell.get(ODS_TABLE + "number-rows-spanned", "1"))
    cols = int(cell.get(ODS_TABLE + "number-columns-spanned", "1"))
    return (rows, cols) if rows > 1 or cols > 1 else None
