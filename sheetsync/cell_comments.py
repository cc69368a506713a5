"""The comments (notes) a department left on the cells of an .xlsx, .xls or .ods.

python-calamine reads cell values only, and a note such as “此值待确认” is part of what a
department sent: each becomes an ``info`` issue on its cell. An .xls's notes are read with xlrd,
an .ods's annotations from its ``content.xml``. The comments sheetsync itself
writes into a feedback copy (author :data:`AUTHOR`, each message after :data:`MARK`) are ours,
not the department's, and are passed over; so is the part of a comment from our first mark on
(LibreOffice saves a comment without its author). A sheet's comments are in the part its
relationships name as comments::

    >>> comments_of('<comments><authors><author>张三</author></authors><commentList>'
    ...             '<comment ref="E9" authorId="0"><text><r><t>此值</t></r><r><t>待确认</t></r></text>'
    ...             '</comment></commentList></comments>'.encode())
    [('E9', '张三', '此值待确认')]
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from xml.etree import ElementTree

from .cell_scan import ODS_OFFICE, ods_cells, read_ods_content, read_part
from .extent import part_key
from .sheet_extensions import relations, sheet_parts
from .spec import cell_ref
from .xls_sizes import workbook_stream

# The author of the comments a feedback copy carries, and what starts each message in them.
AUTHOR = "sheetsync"
MARK = "【sheetsync】"

_COMMENTS_TYPE = "/comments"

Comment = tuple[str, str, str]  # (cell, author, text)

# A BIFF8 TXO record (type 0x01B6, 18 bytes long): the text of a note or a text box.
_TXO_RECORD = b"\xb6\x01\x12\x00"
_ODS_ANNOTATION = b"<office:annotation"


def has_comments(part_names: set[str] | list[str]) -> bool:
    """Whether a zip with these parts holds any cell comments (so that only such files are opened)."""
    return any(posixpath.basename(key).startswith("comment") and key.endswith(".xml")
               for key in map(part_key, part_names))


def sheet_comments(path: str) -> dict[str, list[Comment]]:
    """Sheet name → the comments on its cells, in the order the file keeps them; not ours."""
    found: dict[str, list[Comment]] = {}
    with zipfile.ZipFile(path) as archive:
        for sheet, part in sheet_parts(archive).items():
            comments = [c for target in _comment_parts(archive, part) for c in comments_of(read_part(archive, target))]
            if theirs := _theirs(comments):
                found[sheet] = theirs
    return found


def xls_comments(path: str) -> dict[str, list[Comment]]:
    """:func:`sheet_comments` of an .xls; its workbook stream is parsed only when it holds a
    text object (TXO), which every note's text is."""
    import xlrd

    with open(path, "rb") as fh:
        stream = workbook_stream(fh.read())
    if stream is None or _TXO_RECORD not in stream:
        return {}
    book = xlrd.open_workbook(path, on_demand=True, logfile=io.StringIO())
    found: dict[str, list[Comment]] = {}
    try:
        for name in book.sheet_names():
            notes = book.sheet_by_name(name).cell_note_map
            comments = [(cell_ref(row, col), note.author.strip(), note.text) for (row, col), note in sorted(notes.items())]
            if theirs := _theirs(comments):
                found[name] = theirs
            book.unload_sheet(name)
    finally:
        book.release_resources()
    return found


def ods_comments(path: str) -> dict[str, list[Comment]]:
    """:func:`sheet_comments` of an .ods: its cells' annotations."""
    content = read_ods_content(path)
    if _ODS_ANNOTATION not in content.getvalue():
        return {}
    found: dict[str, list[Comment]] = {}
    for sheet, cells in ods_cells(content, _annotation).items():
        comments = [(cell_ref(row, col), author, text) for (row, col), (author, text) in sorted(cells.items())]
        if theirs := _theirs(comments):
            found[sheet] = theirs
    return found


def _annotation(cell: ElementTree.Element) -> tuple[str, str] | None:
    """(author, text) of the annotation on an .ods cell, or None."""
    for child in cell:
        if child.tag == ODS_OFFICE + "annotation":
            author = "".join(e.text or "" for e in child if e.tag.endswith("}creator")).strip()
            return author, "\n".join("".join(p.itertext()) for p in child if p.tag.endswith("}p")).strip()
    return None


def _theirs(comments: list[Comment]) -> list[Comment]:
    """The department's comments among ``comments``: not ours, and only their own text."""
    theirs = [(cell, author, their_text(text)) for cell, author, text in comments if author != AUTHOR]
    return [c for c in theirs if c[2]]


def their_text(text: str) -> str:
    """A comment's text without the messages an earlier feedback copy added after it (they
    start at our first :data:`MARK`).

        >>> their_text("此值待确认\\n【sheetsync】未填写“项目名称”，请补充。")
        '此值待确认'
    """
    return text.split(MARK, 1)[0].strip()


def _comment_parts(archive: zipfile.ZipFile, sheet_part: str) -> list[str]:
    return [part for _id, kind, part in relations(archive, sheet_part)
            if kind.endswith(_COMMENTS_TYPE) and part in archive.NameToInfo]


def comments_of(xml: bytes) -> list[Comment]:
    """(cell, author, text) of every comment in a comments part."""
    root = ElementTree.fromstring(xml)
    authors = [(element.text or "").strip() for element in _named(root, "author")]
    found = []
    for comment in _named(root, "comment"):
        index = int(comment.get("authorId") or 0)
        author = authors[index] if 0 <= index < len(authors) else ""
        text = "".join(t.text or "" for t in _named(comment, "t")).strip()
        found.append((comment.get("ref", ""), author, text))
    return found


def _named(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    """The elements under ``element`` called ``name``, in whatever namespace."""
    return [e for e in element.iter() if e.tag == name or e.tag.endswith("}" + name)]
