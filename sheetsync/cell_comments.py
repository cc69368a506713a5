"""The comments (notes) a department left on the cells of an .xlsx.

python-calamine reads cell values only, and a note such as “此值待确认” is part of what a
department sent: each becomes an ``info`` issue on its cell. The comments sheetsync itself
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

import posixpath
import zipfile
from xml.etree import ElementTree

from .cell_scan import read_part
from .extent import part_key
from .sheet_extensions import relations, sheet_parts

# The author of the comments a feedback copy carries, and what starts each message in them.
AUTHOR = "sheetsync"
MARK = "【sheetsync】"

_COMMENTS_TYPE = "/comments"

Comment = tuple[str, str, str]  # (cell, author, text)


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
            theirs = [(cell, author, their_text(text)) for cell, author, text in comments if author != AUTHOR]
            if theirs := [c for c in theirs if c[2]]:
                found[sheet] = theirs
    return found


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
