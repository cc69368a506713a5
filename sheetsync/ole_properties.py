"""The custom document properties of an .xls, where Excel, WPS and LibreOffice keep an
.xlsx's when they save it as .xls: the user-defined section of its
``\\x05DocumentSummaryInformation`` stream (MS-OLEPS 2.21)::

    >>> custom_properties(open("反馈/财务科_反馈.xls", "rb").read())    # doctest: +SKIP
    {'sheetsync': 'feedback', 'sheetsync-source': '财务科.xlsx', 'sheetsync-source-sha256': '365d…'}
"""

from __future__ import annotations

import struct
import uuid

from .xls_sizes import LoopingChain, codec_name, ole_stream

_STREAM = "\x05DocumentSummaryInformation"
_USER_DEFINED = uuid.UUID("d5cdd505-2e9c-101b-9397-08002b2cf9ae").bytes_le
_DICTIONARY, _CODEPAGE = 0, 1
_UNICODE = 1200  # the code page of names and strings held as UTF-16
_VT_LPSTR, _VT_LPWSTR = 0x001E, 0x001F
_U32 = struct.Struct("<I")


def custom_properties(data: bytes) -> dict[str, str]:
    """The user-defined text properties of the OLE file ``data``; none when it holds none or
    they cannot be read."""
    try:
        stream = ole_stream(data, [_STREAM])
        if stream is None:
            return {}
        (sections,) = _U32.unpack_from(stream, 24)
        for k in range(min(sections, len(stream) // 20)):  # a damaged count is no reason to loop on
            if stream[28 + 20 * k:44 + 20 * k] == _USER_DEFINED:
                return _section(stream, _U32.unpack_from(stream, 44 + 20 * k)[0])
    except (LoopingChain, struct.error, UnicodeDecodeError):
        pass
    return {}


def _section(stream: bytes, start: int) -> dict[str, str]:
    (count,) = _U32.unpack_from(stream, start + 4)
    offsets = dict(struct.unpack_from("<II", stream, start + 8 + 8 * i) for i in range(count))
    at = {key: start + offset for key, offset in offsets.items()}
    codepage = struct.unpack_from("<H", stream, at[_CODEPAGE] + 4)[0] if _CODEPAGE in at else 1252
    names = _dictionary(stream, at[_DICTIONARY], codepage) if _DICTIONARY in at else {}
    found = {}
    for key, name in names.items():
        if key in at and (text := _text(stream, at[key], codepage)) is not None:
            found[name] = text
    return found


def _dictionary(stream: bytes, at: int, codepage: int) -> dict[int, str]:
    """Property identifier → name (MS-OLEPS 2.17)."""
    (count,) = _U32.unpack_from(stream, at)
    at += 4
    names = {}
    for _ in range(count):
        key, length = struct.unpack_from("<II", stream, at)
        at += 8
        if codepage == _UNICODE:
            names[key] = stream[at:at + 2 * length].decode("utf-16-le").rstrip("\0")
            at += 2 * length + (-2 * length) % 4
        else:
            names[key] = stream[at:at + length].decode(codec_name(codepage), "replace").rstrip("\0")
            at += length
    return names


def _text(stream: bytes, at: int, codepage: int) -> str | None:
    """A property's value when it is text (VT_LPSTR in the section's code page, or VT_LPWSTR)."""
    kind = struct.unpack_from("<H", stream, at)[0]
    (size,) = _U32.unpack_from(stream, at + 4)
    if kind == _VT_LPWSTR:  # its size counts characters
        return stream[at + 8:at + 8 + 2 * size].decode("utf-16-le").rstrip("\0")
    if kind == _VT_LPSTR:  # its size counts bytes
        codec = "utf-16-le" if codepage == _UNICODE else codec_name(codepage)
        return stream[at + 8:at + 8 + size].decode(codec, "replace").rstrip("\0")
    return None
