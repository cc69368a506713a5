"""Editing a zip in place, to build the damaged or unusual workbooks the reader must survive."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import Callable

# (signature, header length, offset of the name length) of a local and a central header.
_HEADERS = ((b"PK\x03\x04", 30, 26), (b"PK\x01\x02", 46, 28))


def set_header_field(path: Path, part: str, fmt: str, local_at: int, central_at: int, value: int) -> Path:
    """Set one field of ``part``'s local and central headers (``fmt`` as in struct, offsets
    from each header's signature: APPNOTE 4.3.7 and 4.3.12)."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    for (signature, header, name_at), field_at in zip(_HEADERS, (local_at, central_at)):
        start = data.find(signature)
        while start != -1:
            length = struct.unpack_from("<H", data, start + name_at)[0]
            if bytes(data[start + header:start + header + length]) == name:
                struct.pack_into(fmt, data, start + field_at, value)
            start = data.find(signature, start + 1)
    path.write_bytes(bytes(data))
    return path


def rewrite_part(path: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """Rewrite one part of a zip through ``change(xml) -> xml``."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path
