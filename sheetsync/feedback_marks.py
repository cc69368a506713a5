"""Our feedback copies, told apart from the files they were made from.

``sheetsync feedback`` marks every copy with custom document properties: what it is, and the
name and SHA-256 of the file it was made from. A copy put back among the files collected
(``feedback 收回/ -o 收回/反馈/``) whose source is read in the same run, and which reads the
same as that source, adds nothing but a second copy of every project: collect notes it and
leaves it out (:func:`without_unchanged_copies`). A copy that a department corrected reads
differently, and is read like any other submission.

    >>> feedback_copies(["收回/财务科.xlsx", "收回/反馈/财务科_反馈.xlsx"], "_反馈")   # doctest: +SKIP
    {'收回/反馈/财务科_反馈.xlsx': '收回/财务科.xlsx'}
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from itertools import islice
from pathlib import Path
from typing import Iterable, Sequence
from xml.etree import ElementTree

import pandas as pd

from .headers import Headers
from .issues import issue
from .model import Collection, readable_path
from .ole_properties import custom_properties
from .safety import OLE_MAGIC, small_part

KIND, SOURCE, SOURCE_SHA256 = "sheetsync", "sheetsync-source", "sheetsync-source-sha256"
FEEDBACK = "feedback"
# The problem list's columns. No column of field labels: a cell holding exactly a form label
# would make the reader take the list for a form when the department sends the copy back.
LIST_COLUMNS = ("sheet", "cell", "severity", "message")
LIST_FIRST_ROWS = 10  # the list's header row comes after a few lines: the source file, a note
_CUSTOM_PROPERTY = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}property"
_MARKED = (".xlsx", ".xlsm", ".ods", ".xls")
_ODS_USER_DEFINED = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}user-defined"
_ODS_NAME = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}name"


def copy_properties(source: Path) -> dict[str, str]:
    """The properties that mark a feedback copy of ``source``; a source that cannot be read
    (its copy then only lists its problems) has no SHA-256."""
    try:
        sha256 = _sha256(source)
    except OSError:
        sha256 = ""
    return {KIND: FEEDBACK, SOURCE: readable_path(source.name), SOURCE_SHA256: sha256}


def is_problem_list(rows: Iterable[Sequence[object]], headers: Headers) -> bool:
    """Whether a sheet whose first rows are ``rows`` is the problem list that heads a feedback
    copy: one of them holds its column labels. The list is told by what it holds, not by its
    name, which a project may have too."""
    wanted = [headers.column(name) for name in LIST_COLUMNS]
    return any([str(value).strip() for value in row[:len(wanted)]] == wanted for row in islice(rows, LIST_FIRST_ROWS))


def feedback_copies(files: list[str], suffix: str) -> dict[str, str]:
    """The feedback copies among ``files`` whose source is also among them: copy → source.
    Only workbooks whose name holds ``suffix`` (``财务科_反馈.xlsx``, ``财务科_反馈 (2).xlsx``,
    ``财务科_反馈 - 副本.xlsx``, ``财务科_反馈.ods`` or ``.xls`` saved by LibreOffice or WPS) are opened."""
    copies = [f for f in files if suffix in Path(f).stem and Path(f).suffix.lower() in _MARKED]
    if not copies:
        return {}
    by_name: dict[str, list[str]] = {}
    for file in files:
        by_name.setdefault(readable_path(Path(file).name), []).append(file)
    found = {}
    for copy in copies:
        marks = _marks(copy)
        if marks.get(KIND) != FEEDBACK or not marks.get(SOURCE_SHA256):
            continue
        for source in by_name.get(marks.get(SOURCE, ""), ()):
            if source != copy and _has_sha256(source, marks[SOURCE_SHA256]):
                found[readable_path(copy)] = readable_path(source)  # as the tables name them
                break
    return found


def without_unchanged_copies(collection: Collection, copies: dict[str, str]) -> Collection:
    """``collection`` without the rows of each copy that reads the same as its source; a
    ``feedback_copy`` note says so instead."""
    unchanged = {copy: source for copy, source in copies.items() if _reads_the_same(collection, copy, source)}
    if not unchanged:
        return collection
    rest = collection.without_files(set(unchanged))
    return rest.with_issues([issue("feedback_copy", file=copy, source=source) for copy, source in unchanged.items()])


def _reads_the_same(collection: Collection, copy: str, source: str) -> bool:
    def rows(table: pd.DataFrame, file: str) -> pd.DataFrame:
        return table[table["file"] == file].drop(columns="file").reset_index(drop=True)

    return all(rows(table, copy).equals(rows(table, source)) for table in (collection.projects, collection.indicators))


def _marks(path: str) -> dict[str, str]:
    """The custom document properties of an .xlsx or .xls, or the user-defined ones of an .ods
    (where office suites keep an .xlsx's when they save it in another format); none when they
    cannot be read (the reader reports what is wrong with the file)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return {}
    if data.startswith(OLE_MAGIC):
        return custom_properties(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            custom = small_part(archive, "docProps/custom.xml")
            meta = None if custom else small_part(archive, "meta.xml")
        root = ElementTree.fromstring(custom or meta) if custom or meta else None
    except (zipfile.BadZipFile, ValueError, OSError, ElementTree.ParseError, EOFError):
        return {}
    if root is None:
        return {}
    if custom:
        return {p.get("name", ""): "".join(p.itertext()) for p in root.iter(_CUSTOM_PROPERTY)}
    return {p.get(_ODS_NAME, ""): "".join(p.itertext()) for p in root.iter(_ODS_USER_DEFINED)}


def _has_sha256(path: str, sha256: str) -> bool:
    try:
        return _sha256(Path(path)) == sha256
    except OSError:
        return False  # the reader reports it


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
