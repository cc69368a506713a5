"""Looking at a file before any spreadsheet library parses it.

:func:`inspect_file` says what a file really is from its first bytes (not its name) and
refuses what must not be parsed: empty files, Excel's ``~$`` lock files, password-protected
workbooks, zip bombs, judged from the sizes the zip directory declares, and an .xls whose
declared sizes would make calamine abort (:mod:`sheetsync.xls_sizes`)::

    >>> inspect_file("收回/财务科.xlsx")              # doctest: +SKIP
    FileCheck(kind='xlsx', issue=None)
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable

from .cell_comments import has_comments
from .cell_scan import ZIP_MAGIC, ZipPart, read_plain_part
from .extent import ReadPart, Sheets, large_sheets, part_key, xlsb_sheets
from .identity import SUMMARY_MARK
from .issues import Issue, issue
from .xls_sizes import MAX_COLS, MAX_ROWS, Damage, xls_damage

LOCK_PREFIX = "~$"
# What a folder is searched for: .xlsb is Excel's binary workbook, .et WPS's own format.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb", ".et")

_ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz")
_SYSTEM_FILES = ("thumbs.db", "desktop.ini")
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An OOXML workbook saved with an open password is an OLE container holding these streams
# (MS-OFFCRYPTO); an unprotected .xls never has them.
_OLE_ENCRYPTED = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
# ODF marks encrypted parts in its manifest (ODF 1.2, part 3, 4.8).
_ODF_ENCRYPTED = b"encryption-data"

# A filled form sheet is a few hundred kilobytes of XML even with hundreds of rows; a
# workbook of 500 such sheets stays well under these bounds. Beyond them calamine would
# need gigabytes to inflate and hold the part.
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
# Scanning an OLE file for the encryption streams looks at most at this much of it.
_OLE_SCAN_BYTES = 16 * 1024 * 1024
# Our summary re-saved as .xls keeps its custom property, name and value as 8-bit strings
# in the OLE property set; as .ods, in meta.xml (read with docProps/custom.xml).
_OLE_SUMMARY_MARK = re.compile(b"\x00" + SUMMARY_MARK[0].encode() + b"\x00.{0,200}?\x00" + SUMMARY_MARK[1].encode() + b"\x00", re.S)


@dataclass(frozen=True)
class FileCheck:
    """What a file is (``xlsx``, ``xls``, ``ods``, or ``""``) and the issue that stops reading it.

    ``sheets`` are an .xlsx's sheets with those calamine must not load (see
    :mod:`sheetsync.extent`); None when they could not be measured.
    """

    kind: str
    issue: Issue | None = None
    sheets: Sheets | None = None


def is_lock_file(path: str | os.PathLike) -> bool:
    """Excel and WPS leave ``~$name.xlsx`` beside a workbook while it is open."""
    return Path(path).name.startswith(LOCK_PREFIX)


def other_file_issue(path: str | os.PathLike) -> Issue | None:
    """The note on a file found in a folder that is no workbook: a department may have sent a
    PDF or a zip of its forms. None for what systems and editors leave behind."""
    name = Path(path).name
    if name.startswith((".", "~")) or name.endswith("~") or name.lower() in _SYSTEM_FILES or name.lower().endswith(".tmp"):
        return None
    suffix = Path(path).suffix.lower()
    if suffix in _ARCHIVE_SUFFIXES:
        return issue("archive_not_read", file=str(path))
    return issue("other_file", file=str(path), suffix=suffix or "无扩展名")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


def inspect_file(path: str | os.PathLike) -> FileCheck:
    """Sniff ``path`` and check it may be parsed; never raises for bad content."""
    file = str(path)
    if is_lock_file(path):
        return FileCheck("", issue("lock_file", file=file))
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            # A pipe or a device would block the read, or never end it.
            return FileCheck("", issue("unreadable_file", file=file, detail="这不是普通文件"))
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            head = fh.read(512)
            directory = _read_plain_zip_directory(fh, size) if head.startswith(ZIP_MAGIC) else None
    except FileNotFoundError:
        return FileCheck("", issue("file_not_found", file=file))
    except IsADirectoryError:
        return FileCheck("", _folder_issue(file))
    except OSError as exc:
        return FileCheck("", issue("unreadable_file", file=file, detail=exc.strerror or type(exc).__name__))
    if size == 0:
        return FileCheck("", issue("empty_file", file=file))
    if head.startswith(ZIP_MAGIC):
        return _inspect_zip(path, file, directory)
    if head.startswith(_EMPTY_ZIP_MAGIC):
        return FileCheck("", issue("corrupt_file", file=file, detail="压缩包内没有内容"))
    if head.startswith(OLE_MAGIC):
        return _inspect_ole(path, file)
    return FileCheck("", issue("not_a_workbook", file=file, detail=_describe(head)))


def _folder_issue(folder: str) -> Issue:
    """A folder among the files: one whose files could not be listed, or one named as a file."""
    try:
        os.listdir(folder)
    except OSError as exc:
        return issue("unreadable_folder", file=folder, detail=exc.strerror or type(exc).__name__)
    return issue("unreadable_file", file=folder, detail="这是一个文件夹")


def _describe(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "PDF文件"
    if head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        return "网页或XML文件"
    try:
        # The sample may end inside a character: decode it as an unfinished stream.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "未知格式"
    return "文本文件"


def _inspect_ole(path: str | os.PathLike, file: str) -> FileCheck:
    with open(path, "rb") as fh:
        data = fh.read()
    if any(data.find(marker, 0, _OLE_SCAN_BYTES) >= 0 for marker in _OLE_ENCRYPTED):
        return FileCheck("", issue("encrypted_file", file=file))
    if _OLE_SUMMARY_MARK.search(data, 0, _OLE_SCAN_BYTES):
        return FileCheck("", issue("own_summary", file=file))
    damage = xls_damage(data)
    if damage is not None:
        return FileCheck("", _damage_issue(file, damage))
    return FileCheck("xls")


def _damage_issue(file: str, damage: Damage) -> Issue:
    """The issue of an .xls calamine must not open (:mod:`sheetsync.xls_sizes`)."""
    if damage.sheet is None:
        return issue("looping_structure", file=file)
    return issue("damaged_sheet_size", file=file, name=damage.sheet, rows=f"{damage.rows:,}", cols=f"{damage.cols:,}",
                 max_rows=f"{MAX_ROWS:,}", max_cols=f"{MAX_COLS:,}")


def _inspect_zip(path: str | os.PathLike, file: str, parts: list[ZipPart] | None) -> FileCheck:
    manifest = properties = b""
    directory_is_plain = parts is not None
    if parts is None or any(part.name in _PARTS_TO_READ for part in parts):
        try:
            with zipfile.ZipFile(path) as archive:
                parts = [ZipPart(info.filename, info.file_size, info.compress_size, info.compress_type,
                                 info.header_offset) for info in archive.infolist()]
                manifest = small_part(archive, "META-INF/manifest.xml")
                properties = small_part(archive, "docProps/custom.xml") + small_part(archive, "meta.xml")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
            return FileCheck("", issue("corrupt_file", file=file, detail=f"压缩结构损坏：{exc}"))
    names = {part_key(part.name) for part in parts}
    biggest = max(parts, key=lambda part: part.size, default=None)
    total = sum(part.size for part in parts)
    if biggest is not None and biggest.size > MAX_PART_BYTES:
        return FileCheck("", issue("zip_bomb", file=file,
                                   detail=f"其中“{biggest.name}”解压后{_mb(biggest.size)}，上限{_mb(MAX_PART_BYTES)}"))
    if total > MAX_TOTAL_BYTES:
        return FileCheck("", issue("zip_bomb", file=file, detail=f"解压后共{_mb(total)}，上限{_mb(MAX_TOTAL_BYTES)}"))
    if _is_our_summary(properties):
        return FileCheck("", issue("own_summary", file=file))
    if "xl/workbook.xml" in names:
        return FileCheck("xlsx", sheets=_measure_sheets(path, parts, directory_is_plain, large_sheets))
    if "xl/workbook.bin" in names:
        return FileCheck("xlsb", sheets=_measure_sheets(path, parts, directory_is_plain, xlsb_sheets))
    if "content.xml" in names:
        if _ODF_ENCRYPTED in manifest:
            return FileCheck("", issue("encrypted_file", file=file))
        return FileCheck("ods")
    return FileCheck("", issue("not_a_workbook", file=file, detail="压缩包中没有工作簿"))


# Parts whose content is looked at: a zip holding one is opened with zipfile.
_PARTS_TO_READ = frozenset({"META-INF/manifest.xml", "docProps/custom.xml", "meta.xml"})
# The zip format's end-of-central-directory record and central directory header (APPNOTE 4.3.16, 4.3.12).
_END_RECORD = struct.Struct("<4s4H2LH")
_DIRECTORY_ENTRY = struct.Struct("<4s4B4HL2L5H2L")
_UTF8_NAME = 0x800  # general purpose flag bit 11: the name is UTF-8, else code page 437


def _read_plain_zip_directory(fh: BinaryIO, size: int) -> list[ZipPart] | None:
    try:
        return _plain_zip_directory(fh, size)
    except OSError:
        return None  # zipfile reads it again and reports what is wrong


def _plain_zip_directory(fh: BinaryIO, size: int) -> list[ZipPart] | None:
    """Every part, read straight from a plain zip directory.

    zipfile builds an object per part, which costs more than the check it serves. Anything
    but the plain case (a zip comment, zip64, extra fields, data before the archive, a
    malformed entry) gives None, and zipfile reads the directory with its own checks.
    """
    if size < _END_RECORD.size:
        return None
    fh.seek(size - _END_RECORD.size)
    end = fh.read(_END_RECORD.size)
    if len(end) != _END_RECORD.size:
        return None
    (signature, disk, directory_disk, disk_entries, entries, directory_size, directory_at,
     comment) = _END_RECORD.unpack(end)
    if (signature != b"PK\x05\x06" or comment or disk or directory_disk or disk_entries != entries
            or directory_at + directory_size != size - _END_RECORD.size):
        return None
    fh.seek(directory_at)
    directory = fh.read(directory_size)
    parts = []
    at = 0
    for _ in range(entries):
        if at + _DIRECTORY_ENTRY.size > len(directory):
            return None
        entry = _DIRECTORY_ENTRY.unpack_from(directory, at)
        signature, flags, method = entry[0], entry[5], entry[6]
        compressed, inflated, offset = entry[10], entry[11], entry[18]
        name_length, extra_length, comment_length = entry[12:15]
        name = directory[at + _DIRECTORY_ENTRY.size:at + _DIRECTORY_ENTRY.size + name_length]
        if signature != b"PK\x01\x02" or extra_length or inflated == 0xFFFFFFFF or len(name) != name_length:
            return None
        if b"\0" in name or b"\\" in name:
            return None  # zipfile cuts a name at NUL and, on Windows, turns backslashes into slashes
        try:
            text = name.decode("utf-8" if flags & _UTF8_NAME else "cp437")
        except UnicodeDecodeError:
            return None
        parts.append(ZipPart(text, inflated, compressed, method, offset))
        at += _DIRECTORY_ENTRY.size + name_length + extra_length + comment_length
    return parts if at == len(directory) else None


def _measure_sheets(path: str | os.PathLike, parts: list[ZipPart], plain: bool,
                    measure: Callable[[ReadPart, dict[str, int]], Sheets]) -> Sheets | None:
    """The sheets of an .xlsx or .xlsb, measured (:func:`sheetsync.extent.large_sheets`,
    :func:`~sheetsync.extent.xlsb_sheets`); None when its workbook parts cannot be read, which
    calamine then reports."""
    sizes = {part.name: part.size for part in parts}
    commented = has_comments(list(sizes))
    try:
        with open(path, "rb") as fh:
            if plain:
                by_name = {part.name: part for part in parts}
                sheets = measure(lambda name, limit: read_plain_part(fh, by_name[name], limit), sizes)
                return sheets._replace(located=tuple(by_name.get(name or "") for name in sheets.parts),
                                       commented=commented)
            with zipfile.ZipFile(fh) as archive:
                sheets = measure(lambda name, limit: _read_zip_part(archive, name, limit), sizes)
                return sheets._replace(commented=commented)
    except Exception:  # zipfile, zlib and the XML give many error types for a damaged workbook
        return None


def _read_zip_part(archive: zipfile.ZipFile, name: str, limit: int | None) -> bytes:
    with archive.open(name) as part:
        return part.read(-1 if limit is None else limit)


def small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A part of at most 1 MB, or b"" (absent, or too big to be what we look for)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    return archive.read(info) if info.file_size <= 1024 * 1024 else b""


def _is_our_summary(properties: bytes) -> bool:
    key, value = SUMMARY_MARK
    return f'name="{key}"'.encode() in properties and f">{value}<".encode() in properties
