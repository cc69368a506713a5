"""Minimal .xlsb workbooks (MS-XLSB) for the tests: LibreOffice reads the format but cannot
write it, and no Python library we use writes it either.

    >>> write_xlsb(tmp_path / "a.xlsb", {"项目1": {(0, 0): "项目名称", (0, 1): 3.5}})   # doctest: +SKIP

Each sheet is a dict of (row, col) → str, float or :class:`XlsbError`; ``dimension`` overrides a sheet's BrtWsDim
(first row, last row, first col, last col), as a writer that misstates it would.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import NamedTuple

_REL_SHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_REL_BOOK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


class XlsbError(NamedTuple):
    """A cell showing an error value, by its MS-XLSB code (0x07 is #DIV/0!, 0x2A #N/A)."""

    code: int


def _varint(value: int, max_bytes: int) -> bytes:
    out = bytearray()
    for _ in range(max_bytes):
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)
    raise ValueError("too large for an xlsb record header")


def record(kind: int, payload: bytes = b"") -> bytes:
    return _varint(kind, 2) + _varint(len(payload), 4) + payload


def _wide(text: str) -> bytes:
    data = text.encode("utf-16-le")
    return struct.pack("<I", len(data) // 2) + data


def _sheet_part(cells: dict[tuple[int, int], object], dimension: tuple[int, int, int, int] | None) -> bytes:
    if dimension is None:
        rows = [r for r, _ in cells] or [0]
        cols = [c for _, c in cells] or [0]
        dimension = (min(rows), max(rows), min(cols), max(cols))
    out = [record(0x81), record(0x94, struct.pack("<4I", *dimension)), record(0x91)]
    for row in sorted({r for r, _ in cells}):
        out.append(record(0x00, struct.pack("<IIH3sI", row, 0, 300, b"\0\0\0", 0)))
        for (r, c), value in sorted(cells.items()):
            if r != row:
                continue
            if isinstance(value, XlsbError):
                out.append(record(0x03, struct.pack("<IIB", c, 0, value.code)))
            elif isinstance(value, str):
                out.append(record(0x06, struct.pack("<II", c, 0) + _wide(value)))
            else:
                out.append(record(0x05, struct.pack("<IId", c, 0, float(value))))
    out += [record(0x92), record(0x82)]
    return b"".join(out)


def write_xlsb(path: Path, sheets: dict[str, dict[tuple[int, int], object]],
               dimension: dict[str, tuple[int, int, int, int]] | None = None) -> Path:
    dimension = dimension or {}
    book = [record(0x83), record(0x8F)]
    rels = []
    for i, name in enumerate(sheets, start=1):
        book.append(record(0x9C, struct.pack("<II", 0, i) + _wide(f"rId{i}") + _wide(name)))
        rels.append(f'<Relationship Id="rId{i}" Type="{_REL_SHEET}" Target="worksheets/sheet{i}.bin"/>')
    book += [record(0x90), record(0x84)]
    relationships = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/></Types>')
        zf.writestr("_rels/.rels", relationships.format(
            f'<Relationship Id="rId1" Type="{_REL_BOOK}" Target="xl/workbook.bin"/>'))
        zf.writestr("xl/workbook.bin", b"".join(book))
        zf.writestr("xl/_rels/workbook.bin.rels", relationships.format("".join(rels)))
        for i, (name, cells) in enumerate(sheets.items(), start=1):
            zf.writestr(f"xl/worksheets/sheet{i}.bin", _sheet_part(cells, dimension.get(name)))
    return path
