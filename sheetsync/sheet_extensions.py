"""Data validations Excel keeps in a sheet's extension list, put back into a copy openpyxl saved.

Excel 2010 and later write a list validation whose source is on another sheet (the 二级指标
dropdowns of our templates point to the hidden ``_lists`` sheet) as an ``x14:dataValidation``
inside the sheet's ``<extLst>``. openpyxl drops extension lists when it loads a workbook ("Data
Validation extension is not supported and will be removed"), so a feedback copy of a form saved
by Excel would lose its dropdowns. The extension is copied from the source sheet's XML as it is.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from .cell_scan import MAX_PART_BYTES, read_part
from .extent import part_key

_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# The start of the extension holding x14 data validations (MS-XLSX 2.3.3).
_VALIDATIONS_EXT = re.compile(
    rb"<(?P<p>[\w.-]+:)?ext\b[^>]*\buri\s*=\s*[\"']\{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF\}[\"'][^>]*>", re.I)
_PREFIX_USED = re.compile(rb"</?([A-Za-z_][\w.-]*):|\s([A-Za-z_][\w.-]*):[\w.-]+\s*=")
_DECLARED = re.compile(rb"""\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*("[^"]*"|'[^']*')""")
_ROOT_START = re.compile(rb"<(?:[\w.-]+:)?worksheet\b[^>]*>")
_IGNORABLE = re.compile(rb"""\s[\w.-]+:Ignorable\s*=\s*["']([^"']*)["']""")
_ROOT_END = re.compile(rb"</(?:[\w.-]+:)?worksheet>\s*$")
_EXT_LIST_END = re.compile(rb"</(?:[\w.-]+:)?extLst>\s*</(?:[\w.-]+:)?worksheet>\s*$")


def keep_sheet_validations(source: Path, copy: Path) -> int:
    """Put the x14 data validations of ``source``'s sheets into the sheets of the same name in
    ``copy``; the number of sheets given them back. ``copy`` is rewritten only when there are any."""
    with zipfile.ZipFile(source) as archive:
        found = {name: ext for name, part in sheet_parts(archive).items()
                 if (ext := validations_ext(read_part(archive, part))) is not None}
    if not found:
        return 0
    with zipfile.ZipFile(copy) as archive:
        targets = {part: found[name] for name, part in sheet_parts(archive).items() if name in found}
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    rewritten = copy.with_name(copy.name + ".ext")
    try:
        with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in parts:
                out.writestr(info, with_ext(data, targets[info.filename]) if info.filename in targets else data)
        os.replace(rewritten, copy)
    finally:
        rewritten.unlink(missing_ok=True)
    return len(targets)


def validations_ext(sheet_xml: bytes) -> bytes | None:
    """The sheet's ``<ext>`` of x14 data validations, its namespace prefixes declared on it.

    Attributes in a namespace the sheet marks ignorable (Excel 2016's ``xr:uid``) are left out:
    the copy's root does not mark them, and Excel 2010 would take the file for damaged.
    """
    start = _VALIDATIONS_EXT.search(sheet_xml)
    if start is None or start.group(0).endswith(b"/>"):
        return None
    closing = b"</" + (start.group("p") or b"") + b"ext>"
    end = sheet_xml.find(closing, start.end())
    if end < 0:
        return None
    ext = sheet_xml[start.start():end + len(closing)]
    root = root_tag.group(0) if (root_tag := _ROOT_START.search(sheet_xml)) else b""
    outer = dict(_DECLARED.findall(root))
    ignorable = marked.group(1).split() if (marked := _IGNORABLE.search(root)) else []
    for prefix in ignorable:
        ext = re.sub(rb"""\s""" + re.escape(prefix) + rb""":[\w.-]+\s*=\s*("[^"]*"|'[^']*')""", b"", ext)
    declared = {prefix for prefix, _uri in _DECLARED.findall(ext)}
    used = {a or b for a, b in _PREFIX_USED.findall(ext)} - declared - {b"xmlns", b"xml"}
    missing = b"".join(b" xmlns:" + prefix + b"=" + outer[prefix] for prefix in sorted(used) if prefix in outer)
    head = ext.index(b">")
    return ext[:head] + missing + ext[head:]


def with_ext(sheet_xml: bytes, ext: bytes) -> bytes:
    """``sheet_xml`` with ``ext`` last in its ``<extLst>``, which is the sheet's last element."""
    if (m := _EXT_LIST_END.search(sheet_xml)) is not None:
        return sheet_xml[:m.start()] + ext + sheet_xml[m.start():]
    m = _ROOT_END.search(sheet_xml)
    if m is None:
        raise ValueError("no end of the worksheet")
    return sheet_xml[:m.start()] + b"<extLst>" + ext + b"</extLst>" + sheet_xml[m.start():]


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its worksheet part, from ``xl/workbook.xml`` and its relationships.

    The sheets are found in either namespace, Transitional or Strict (Excel's "Strict Open XML"),
    and parts by their names without case or the kind of slash, as calamine finds them.
    """
    workbook_part = find_part(archive, "xl/workbook.xml")
    if workbook_part is None:
        raise KeyError("xl/workbook.xml")
    workbook = ElementTree.fromstring(read_part(archive, workbook_part))
    targets = {rel_id: part for rel_id, _kind, part in relations(archive, workbook_part)}
    parts = {}
    for sheet in workbook.iter():
        if _local(sheet.tag) != "sheet":
            continue
        rel_id = next((value for key, value in sheet.attrib.items() if key.startswith("{") and _local(key) == "id"), "")
        part = find_part(archive, targets.get(rel_id, ""))
        if part is not None and archive.NameToInfo[part].file_size <= MAX_PART_BYTES:
            parts[sheet.get("name", "")] = part
    return parts


def relations(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(id, type, part it names) of each relationship of ``part``, the target made a part name
    (relative to ``part``'s folder, or absolute; as the zip spells it when it holds the part);
    [] when the part has none."""
    folder, name = posixpath.split(part.replace("\\", "/"))
    rels = find_part(archive, posixpath.join(folder, "_rels", name + ".rels"))
    if rels is None:
        return []
    found = []
    for rel in ElementTree.fromstring(read_part(archive, rels)).iter(_RELATIONSHIP):
        target = rel.get("Target", "").replace("\\", "/")
        named = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found.append((rel.get("Id", ""), rel.get("Type", ""), find_part(archive, named) or named))
    return found


def find_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The zip's name of the part ``name``, matched as it is or else without case or the kind of slash."""
    if name in archive.NameToInfo:
        return name
    key = part_key(name)
    return next((held for held in archive.NameToInfo if part_key(held) == key), None) if name else None


def _local(name: str) -> str:
    return name.rpartition("}")[2]
