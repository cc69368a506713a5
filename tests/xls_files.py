"""Minimal .xls workbooks (BIFF8 in an OLE container, MS-XLS and MS-CFB) for the tests, made
without LibreOffice, so that a damaged one can be made byte by byte.

    >>> write_xls(tmp_path / "a.xls", {"项目1": {(0, 0): "项目名称", (0, 1): 3.5}})   # doctest: +SKIP

Each sheet is a dict of (row, col) → str or float; ``dimensions`` overrides a sheet's
DIMENSIONS record (first row, last row + 1, first col, last col + 1), as a damaged file would.
The container is version 3 with 512-byte sectors: the header, then the sector allocation table
(FAT_AT), the directory (sector DIRECTORY_SECTOR) and the Workbook stream.
"""

from __future__ import annotations

import struct
from pathlib import Path

SECTOR = 512
FAT_AT = SECTOR  # file offset of the FAT, sector 0
DIRECTORY_SECTOR = 1
_END_OF_CHAIN = 0xFFFFFFFE
_FAT_SECTOR = 0xFFFFFFFD
_FREE = 0xFFFFFFFF
_MIN_STREAM = 4096  # shorter streams would belong in the mini stream


def record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(dt: int) -> bytes:
    return record(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x0006))


def _wide(text: str) -> bytes:
    return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")


def _sheet(cells: dict[tuple[int, int], object], dimensions: tuple[int, int, int, int] | None) -> bytes:
    if dimensions is None:
        rows = [r for r, _ in cells] or [0]
        cols = [c for _, c in cells] or [0]
        dimensions = (min(rows), max(rows) + 1, min(cols), min(max(cols) + 1, 0xFFFF))
    out = [_bof(0x0010), record(0x0200, struct.pack("<IIHH2x", *dimensions))]
    for (row, col), value in sorted(cells.items()):
        if isinstance(value, str):
            out.append(record(0x0204, struct.pack("<HHH", row, col, 0) + _wide(value)))
        else:
            out.append(record(0x0203, struct.pack("<HHHd", row, col, 0, float(value))))
    out.append(record(0x000A))
    return b"".join(out)


def _boundsheet(position: int, name: str) -> bytes:
    return record(0x0085, struct.pack("<IBBBB", position, 0, 0, len(name), 1) + name.encode("utf-16-le"))


def workbook_stream(sheets: dict[str, dict[tuple[int, int], object]],
                    dimensions: dict[str, tuple[int, int, int, int]] | None = None) -> bytes:
    """The BIFF8 Workbook stream: globals (BOF, CODEPAGE, a BOUNDSHEET per sheet, EOF), then the sheets."""
    bodies = [_sheet(cells, (dimensions or {}).get(name)) for name, cells in sheets.items()]
    head = _bof(0x0005) + record(0x0042, struct.pack("<H", 1200))
    at = len(head) + sum(len(_boundsheet(0, name)) for name in sheets) + len(record(0x000A))
    for name, body in zip(sheets, bodies):
        head += _boundsheet(at, name)
        at += len(body)
    return head + record(0x000A) + b"".join(bodies)


def _entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB3I", len(encoded), kind, 1, 0xFFFFFFFF, 0xFFFFFFFF, child)
            + b"\0" * 36 + struct.pack("<II4x", start, size))


def ole_file(stream: bytes) -> bytes:
    """``stream`` as the Workbook stream of an OLE compound file."""
    stream = stream.ljust(_MIN_STREAM, b"\0")
    stream_sectors = -(-len(stream) // SECTOR)
    assert stream_sectors + 2 <= SECTOR // 4, "one FAT sector maps 128 sectors"
    fat = [_FAT_SECTOR, _END_OF_CHAIN] + [2 + i + 1 for i in range(stream_sectors - 1)] + [_END_OF_CHAIN]
    fat += [_FREE] * (SECTOR // 4 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, DIRECTORY_SECTOR, 0,
                            _MIN_STREAM, _END_OF_CHAIN, 0, _END_OF_CHAIN, 0)
              + struct.pack("<109I", 0, *[_FREE] * 108))
    directory = (_entry("Root Entry", 5, _END_OF_CHAIN, 0, child=1) + _entry("Workbook", 2, 2, len(stream))
                 + _entry("", 0, 0, 0) * 2)
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + stream.ljust(stream_sectors * SECTOR, b"\0")


def write_xls(path: Path, sheets: dict[str, dict[tuple[int, int], object]],
              dimensions: dict[str, tuple[int, int, int, int]] | None = None) -> Path:
    path.write_bytes(ole_file(workbook_stream(sheets, dimensions)))
    return path
