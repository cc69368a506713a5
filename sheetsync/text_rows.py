"""Reading the tab-separated text of published forms into numbered rows of clean cells.

Text extracted from the published PDFs carries HTML paragraph tags inside cells and separator
lines between forms; both are taken out here, and each removal is remembered so the importer
can report it::

    >>> row = Row.parse(12, "\\t<p>支付进度为40%</p>\\t")
    >>> row.cells, row.tags
    (['', '支付进度为40%', ''], {1: ['<p>', '</p>']})
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

# Encodings the published text comes in: UTF-8 (with or without BOM), else the Chinese
# national encoding that Windows tools write. UTF-16 (Notepad's "Unicode", Excel's "Unicode
# 文本") is known by its byte-order mark.
ENCODINGS = ("utf-8-sig", "gb18030")
_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
_SEPARATOR = re.compile(r"^[\s\-—–=_]*[\-—–=_]{3,}[\s\-—–=_]*$")
# A page number a PDF's footer left in the text: 第 1 页, 第1页 共3页, - 1 -. (Not 1/3 or a bare
# number, which can be the end of a cut-off cell.)
_PAGE_NUMBER = re.compile(r"^\s*(?:第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|[-—–]\s*\d+\s*[-—–])\s*$")
_CLOSING = "。！？；.!?;）)”\"》】"


def line_ref(number: int) -> str:
    """The location of a line of a text file as issues name it: ``第41行``."""
    return f"第{number}行"


def read_text(path: Path | str) -> str:
    """The file's text; raises UnicodeDecodeError when no known encoding fits."""
    data = Path(path).read_bytes()
    if data.startswith(_UTF16_MARKS):
        return data.decode("utf-16")
    for encoding in ENCODINGS[:-1]:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode(ENCODINGS[-1])


def strip_tags(text: str) -> tuple[str, list[str]]:
    """``text`` without HTML tags (entities decoded), and the tags removed."""
    tags = _TAG.findall(text)
    if not tags and not _ENTITY.search(text):
        return text, []
    cleaned = html.unescape(_TAG.sub("", text))
    return cleaned, tags or _ENTITY.findall(text)


def ends_sentence(text: str) -> bool:
    """Whether a text ends as a finished sentence or bracket does."""
    return bool(text) and text[-1] in _CLOSING


@dataclass
class Row:
    """One line of the text: its 1-based number and its cells, trimmed and without HTML tags."""

    number: int
    cells: list[str]
    tags: dict[int, list[str]] = field(default_factory=dict)
    raw: str = ""

    @classmethod
    def parse(cls, number: int, line: str) -> Row:
        cells, tags = [], {}
        for col, cell in enumerate(line.rstrip("\r\n").split("\t")):
            text, removed = strip_tags(cell)
            if removed:
                tags[col] = removed
            cells.append(text.strip())
        return cls(number, cells, tags, line.rstrip("\r\n"))

    @property
    def is_blank(self) -> bool:
        return not any(self.cells)

    @property
    def is_separator(self) -> bool:
        return bool(_SEPARATOR.match(self.raw))

    @property
    def is_page_number(self) -> bool:
        return bool(_PAGE_NUMBER.match(self.raw))

    @property
    def ref(self) -> str:
        return line_ref(self.number)

    def cell(self, col: int) -> str:
        return self.cells[col] if 0 <= col < len(self.cells) else ""

    def filled(self) -> list[tuple[int, str]]:
        """(column, text) of every non-empty cell, left to right."""
        return [(col, text) for col, text in enumerate(self.cells) if text]

    def text(self) -> str:
        """The row's non-empty cells joined by spaces, as quoted in issues."""
        return " ".join(text for _, text in self.filled())


def read_rows(text: str) -> list[Row]:
    """Every line of ``text`` as a :class:`Row`, numbered as a text editor numbers them.

    Lines end at ``\r\n``, ``\r`` or ``\n`` only: str.splitlines also ends them at a form feed
    (pdftotext writes one at each page break) and at U+2028 and the like, which a cell can hold.
    """
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # the end of the last line, not a line of its own
    return [Row.parse(number, line) for number, line in enumerate(lines, start=1)]


_LINE_END = re.compile(r"\r\n|\r|\n")
