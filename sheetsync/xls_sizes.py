"""The sizes an .xls gives calamine to allocate, checked before calamine opens it.

calamine parses every sheet of an .xls as it opens the file, and takes what it allocates from
the file (python-calamine 0.9.1, calamine 0.37): a sheet's DIMENSIONS record is reserved as
rows × columns cells of 40 bytes, the rows counted with wrapping arithmetic when the first lies
past the last, and the sheet's values become one block of 32 bytes a cell from their lowest row
and column to their highest. An allocation that fails aborts the whole process: one byte
changed in a DIMENSIONS record asks for 1.4 TB, a value's column of 65535 for 137 GB. The OLE
container's directory calamine follows to the chain's end, so a chain that loops makes it read
until memory runs out.

:func:`xls_damage` reads the stream calamine parses (the first directory entry named
``Workbook``, else ``Book``) and checks that calamine sizes no sheet, up to its first EOF record
as it reads it, at more cells than BIFF5 and BIFF8 allow one, 65,536 rows × 256 columns. A
sheet sized long and narrow (a damaged column in a few rows) holds no more, and is read as
before::

    >>> declared_range(struct.pack("<IIHH2x", 3, 40, 0, 8))          # rows 4 to 40, A to H
    (37, 8)
    >>> declared_range(struct.pack("<IIHH2x", 0x960001, 18, 0, 8))   # one byte changed
    (4285136913, 8)

A container calamine cannot read (a sector past the end of the file, no Workbook stream) is
left to calamine, which says what is wrong with it.
"""

from __future__ import annotations

import codecs
import struct
from typing import Iterator, NamedTuple, Sequence

# What BIFF5 and BIFF8 allow a sheet (MS-XLS 2.4.90 Dimensions).
MAX_ROWS = 65_536
MAX_COLS = 256
MAX_SHEET_CELLS = MAX_ROWS * MAX_COLS

# MS-CFB 2.1: sector ids from here on mark the end of a chain or a free or special sector; a
# DIFAT entry from _NOT_FAT on lists no FAT sector.
_NO_SECTOR = 0xFFFFFFFA
_NOT_FAT = 0xFFFFFFFC
# From offset 30: the sector and mini sector shifts, the directory's sector count (0 in version 3)
# and first sector, the mini sector table's first sector and count, the DIFAT chain's first sector.
_HEADER = struct.Struct("<HH6xI4xI8xIII")
_HEADER_DIFAT = 109  # the DIFAT's first entries, at offset 76
_ENTRY_BYTES = 128
_MINI_SECTOR = 64
# calamine reads a stream shorter than this from the mini stream, whatever the header says.
_MINI_CUTOFF = 4096
_STREAM_NAMES = ("Workbook", "Book")

# MS-XLS record types.
_EOF = 0x000A
_FILEPASS = 0x002F
_CODEPAGE = 0x0042
_BOUNDSHEET = 0x0085
_BOF = 0x0809
_DIMENSIONS = 0x0200
# The records of a value calamine keeps (blanks it passes over): a formula, RSTRING, LABELSST,
# NUMBER, LABEL, BOOLERR, RK and MULRK, a run of RKs in a row. Each starts with its row and
# (first) column; MULRK ends with its last column.
_CELLS = frozenset({0x0006, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00BD})
_RUN = 0x00BD
_RECORD_HEAD = struct.Struct("<HH")  # type, length of the data that follows
_U16 = struct.Struct("<H")
_BIFF8 = 0x0600  # a BOF of an earlier version (but 0) means names of one byte a character


class Damage(NamedTuple):
    """What would make calamine abort: a sheet whose range, as calamine sizes it, lies beyond
    the format (its name, rows and columns), or with ``sheet`` None a sector chain that loops."""

    sheet: str | None
    rows: int = 0
    cols: int = 0


class _Unreadable(Exception):
    """calamine cannot read the container either, and reports it."""


class LoopingChain(Exception):
    """A sector chain leads back into itself."""


class _Entry(NamedTuple):
    name: str
    start: int
    size: int


def xls_damage(data: bytes) -> Damage | None:
    """What in the OLE file ``data`` would make calamine abort, or None."""
    try:
        stream = workbook_stream(data)
    except LoopingChain:
        return Damage(None)
    return None if stream is None else _sheet_damage(stream)


def workbook_stream(data: bytes) -> bytes | None:
    """The stream calamine parses as the workbook; None when it cannot read one.

    Raises :class:`LoopingChain` for a chain calamine would follow without end.
    """
    return ole_stream(data, _STREAM_NAMES)


def ole_stream(data: bytes, names: Sequence[str]) -> bytes | None:
    """The first stream of the OLE file ``data`` named one of ``names``, in their order; None
    when there is none or it cannot be read.

    Raises :class:`LoopingChain` for a chain that leads back into itself.
    """
    if len(data) < 512:
        return None
    shift, mini_shift, dir_sectors, dir_start, mini_start, mini_sectors, difat_start = _HEADER.unpack_from(data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        return None
    size = 1 << shift
    try:
        fat = _fat(data, size, difat_start)
        entries = _entries(_read_chain(data, size, fat, dir_start, dir_sectors * size), size == 4096)
    except _Unreadable:
        return None
    if not entries:
        return None
    for name in names:
        entry = next((entry for entry in entries if entry.name == name), None)
        if entry is None:
            continue
        try:
            if entry.size >= _MINI_CUTOFF:
                return _read_chain(data, size, fat, entry.start, entry.size)
            return _mini_stream(data, size, fat, entries[0], mini_start, mini_sectors, entry)
        except _Unreadable:
            continue  # calamine tries the next name too
    return None


def _sector(data: bytes, size: int, sid: int) -> bytes:
    at = (sid + 1) * size  # the header takes the first sector's room
    if at >= len(data):
        raise _Unreadable
    return data[at:at + size]


def _sector_count(data: bytes, size: int) -> int:
    return max(0, -(-(len(data) - size) // size))


def _fat(data: bytes, size: int, difat_start: int) -> list[int]:
    """The sector allocation table, from the sectors the header's DIFAT and its chain list."""
    listed = list(struct.unpack_from(f"<{_HEADER_DIFAT}I", data, 76))
    sid, steps, most = difat_start, 0, _sector_count(data, size)
    while sid < _NO_SECTOR:
        if steps == most:
            raise LoopingChain
        more = _numbers(_sector(data, size, sid))
        if not more:
            raise _Unreadable
        listed.extend(more[:-1])
        sid = more[-1]
        steps += 1
    fat: list[int] = []
    for sid in listed:
        if sid < _NOT_FAT:
            fat.extend(_numbers(_sector(data, size, sid)))
    return fat


def _numbers(data: bytes) -> tuple[int, ...]:
    return struct.unpack_from(f"<{len(data) // 4}I", data)


def _chain(table: Sequence[int], start: int, most: int | None) -> list[int]:
    """The ids of a chain through ``table``, to its end or its first ``most``."""
    ids: list[int] = []
    sid = start
    while sid < _NO_SECTOR and (most is None or len(ids) < most):
        if sid >= len(table):
            raise _Unreadable
        if len(ids) == len(table):
            raise LoopingChain  # each sector taken once already
        ids.append(sid)
        sid = table[sid]
    return ids


def _read_chain(data: bytes, size: int, fat: Sequence[int], start: int, length: int) -> bytes:
    """A chain's bytes, cut to ``length``; to the chain's end when ``length`` is 0, as calamine reads it."""
    ids = _chain(fat, start, -(-length // size) if length else None)
    read = b"".join(_sector(data, size, sid) for sid in ids)
    return read[:length] if length else read


def _mini_stream(data: bytes, size: int, fat: Sequence[int], root: _Entry, mini_start: int,
                 mini_sectors: int, entry: _Entry) -> bytes:
    """A short stream, from the root entry's mini stream through the mini sector table."""
    if not mini_sectors:
        raise _Unreadable
    mini = _read_chain(data, size, fat, root.start, root.size)
    table = _numbers(_read_chain(data, size, fat, mini_start, mini_sectors * size))
    ids = _chain(table, entry.start, -(-entry.size // _MINI_SECTOR) if entry.size else None)
    if any((sid + 1) * _MINI_SECTOR > len(mini) for sid in ids):
        raise _Unreadable
    read = b"".join(mini[sid * _MINI_SECTOR:(sid + 1) * _MINI_SECTOR] for sid in ids)
    return read[:entry.size] if entry.size else read


def _entries(directory: bytes, wide_sizes: bool) -> list[_Entry]:
    """The directory's entries, named as calamine names them: up to the first NUL."""
    entries = []
    for at in range(0, len(directory) - _ENTRY_BYTES + 1, _ENTRY_BYTES):
        name = directory[at:at + 64].decode("utf-16-le", "replace").split("\0", 1)[0]
        (start,) = struct.unpack_from("<I", directory, at + 116)
        (size,) = struct.unpack_from("<Q" if wide_sizes else "<I", directory, at + 120)
        entries.append(_Entry(name, start, size))
    return entries


def _sheet_damage(stream: bytes) -> Damage | None:
    """The first sheet of the workbook stream whose range lies beyond the format, or None."""
    for position, name in _sheets(stream):
        found = _sheet_range(stream, position)
        if found is not None:
            return Damage(name, *found)
    return None


def _records(stream: bytes, at: int) -> Iterator[tuple[int, int, int]]:
    """(type, start, end) of each record's data from ``at``, to the first one cut off."""
    head = _RECORD_HEAD.unpack_from
    while at + 4 <= len(stream):
        kind, length = head(stream, at)
        end = at + 4 + length
        if end > len(stream):
            return  # calamine stops with an error here
        yield kind, at + 4, end
        at = end


def _sheets(stream: bytes) -> list[tuple[int, str]]:
    """Where each sheet calamine parses starts, and its name; none when calamine asks for a
    password first."""
    sheets, narrow, codepage = [], False, 1252
    for kind, at, end in _records(stream, 0):
        if kind == _EOF:
            break
        if kind == _FILEPASS and end - at >= 2 and struct.unpack_from("<H", stream, at)[0]:
            return []
        if kind == _BOF and end - at >= 2:
            narrow = 0 < struct.unpack_from("<H", stream, at)[0] < _BIFF8
        elif kind == _CODEPAGE and end - at >= 2:
            (codepage,) = struct.unpack_from("<H", stream, at)
        elif kind == _BOUNDSHEET and end - at >= 4:
            (position,) = struct.unpack_from("<I", stream, at)
            sheets.append((position, stream[at + 6:end]))
    return [(position, _sheet_name(name, narrow, codepage)) for position, name in sheets]


def _sheet_name(data: bytes, narrow: bool, codepage: int) -> str:
    """A BOUNDSHEET's name: a count of characters, then (BIFF8) a flag for two bytes a
    character; before BIFF8, bytes in the workbook's code page."""
    if not data:
        return ""
    count = data[0]
    if narrow:
        return data[1:1 + count].decode(codec_name(codepage), "replace").replace("\0", "")
    wide = len(data) > 1 and data[1] & 1
    text = data[2:2 + count * (2 if wide else 1)]
    return text.decode("utf-16-le" if wide else "latin-1", "replace").replace("\0", "")


def codec_name(codepage: int) -> str:
    """The Python codec of a Windows code page; latin-1 for one Python does not know."""
    try:
        return codecs.lookup(f"cp{codepage}").name
    except LookupError:
        return "latin-1"


def _sheet_range(stream: bytes, position: int) -> tuple[int, int] | None:
    """The rows and columns of a block calamine would size beyond the format for the sheet at
    ``position`` (from its DIMENSIONS, else from its cells), or None. calamine reads the sheet
    to its first EOF record, an embedded chart's as well.

    Rows are 16 bits, so only a value past the 256th column can make the cells' block too
    large; every record is looked at once for that (a sheet has thousands, hence the loop
    without :func:`_records`), and the block is measured only then.
    """
    head, size = _RECORD_HEAD.unpack_from, len(stream)
    at, wide = position, False
    while at + 4 <= size:
        kind, length = head(stream, at)
        at += 4
        if kind == _EOF or at + length > size:
            break
        if kind == _DIMENSIONS:
            found = declared_range(stream[at:at + length])
            if found is not None and found[0] * found[1] > MAX_SHEET_CELLS:
                return found
        elif kind in _CELLS and length >= 4 and not wide:
            wide = _last_column(stream, kind, at, at + length) >= MAX_COLS
        at += length
    return _cell_block(stream, position) if wide else None


def _last_column(stream: bytes, kind: int, at: int, end: int) -> int:
    (col,) = _U16.unpack_from(stream, at + 2)
    if kind == _RUN and end - at >= 6:
        return max(col, _U16.unpack_from(stream, end - 2)[0])
    return col


def _cell_block(stream: bytes, position: int) -> tuple[int, int] | None:
    """The rows and columns calamine makes the sheet's values into (from the lowest row and
    column to the highest) when more than the format allows, else None."""
    rows, cols = set(), set()
    for kind, at, end in _records(stream, position):
        if kind == _EOF:
            break
        if kind in _CELLS and end - at >= 4:
            rows.add(_U16.unpack_from(stream, at)[0])
            cols.update((_U16.unpack_from(stream, at + 2)[0], _last_column(stream, kind, at, end)))
    block = (max(rows) - min(rows) + 1, max(cols) - min(cols) + 1)
    return block if block[0] * block[1] > MAX_SHEET_CELLS else None


def declared_range(data: bytes) -> tuple[int, int] | None:
    """The rows and columns calamine reserves for a DIMENSIONS record's data: BIFF8's first row
    and last row + 1 as 32 bits, BIFF5's as 16, then the first column and last column + 1,
    counted with 32-bit wrapping when a first lies past its last. None for a record of another
    length, which calamine refuses."""
    if len(data) == 14:
        first_row, end_row, first_col, end_col = struct.unpack_from("<IIHH", data)
    elif len(data) == 10:
        first_row, end_row, first_col, end_col = struct.unpack_from("<4H", data)
    else:
        return None
    if end_row < 1 or end_col < 1:
        return 1, 1
    return (end_row - first_row) % 2**32, (end_col - first_col) % 2**32
