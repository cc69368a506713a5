"""Putting back text that overflowed its cell when the published PDF was turned into text.

A long cell of the published PDF is cut at its column's width; the cut-off pieces end up as
short lines after the form (``"0家"``, ``"·高水平"``). A piece is put back only where the
cell's counterpart shows that exact text missing at one place: the 年度 side of the same row,
the other goal, or the spec's label for a header cell::

    >>> insertion("调研企业20", "调研企业200家", "0家")
    '调研企业200家'
    >>> insertion("预算执行率≥", "预算执行率≥95", "≥95")
    '预算执行率≥95'
    >>> insertion("有效", "有效", "90") is None
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Callable

from .text_rows import ends_sentence

# Bullets the PDF extraction puts in front of the cut-off pieces of a cell.
_BULLETS = "·•・‧"
# Characters a quantitative target may end with before its number was cut off.
OPERATORS = "≥≤<>=＝＞＜"
# A cell is "cut off" when at least this share of it matches its counterpart's beginning.
_MIN_MATCHING_SHARE = 0.8


@dataclass
class Slot:
    """A cell of an imported form whose text may have overflowed, with its counterpart's text."""

    holder: object
    attr: str
    field: str
    label: str
    line: int
    reference: Callable[[], str]

    def get(self) -> str:
        return getattr(self.holder, self.attr)

    def set(self, text: str) -> None:
        setattr(self.holder, self.attr, text)


@dataclass
class Cell:
    """A holder for text that is checked but not kept (a header cell)."""

    text: str


def fragment_core(text: str) -> str:
    """A trailing piece without the bullets and spaces the extraction added around it."""
    return text.strip().lstrip(_BULLETS).strip()


def insertion(target: str, reference: str, fragment: str) -> str | None:
    """``target`` with the part of ``fragment`` it lacks put back, or None.

    The fragment must cover one gap where ``reference`` has text that ``target`` lacks; its
    characters on either side of the gap must be ones ``target`` has there. When several
    places fit, there is no telling which, and None is returned. Digits are put back only at
    the end, where a cell is cut off: inside a cell they would change a number in which the two
    periods may well differ (a page number ``1`` making ``服务企业5家`` ``服务企业15家``).

    >>> insertion("服务企业5家", "服务企业15家", "1") is None
    True
    """
    if not target or not fragment or target == reference or fragment not in reference:
        return None
    found = set()
    for tag, i1, _i2, j1, j2 in SequenceMatcher(None, target, reference, autojunk=False).get_opcodes():
        if tag != "insert" or (i1 < len(target) and any(c.isdigit() for c in reference[j1:j2])):
            continue
        start = reference.find(fragment)
        while start != -1:
            end = start + len(fragment)
            if start <= j1 and end >= j2:
                before, after = reference[start:j1], reference[j2:end]
                if target[:i1].endswith(before) and target[i1:].startswith(after):
                    found.add(target[:i1] + reference[j1:j2] + target[i1:])
            start = reference.find(fragment, start + 1)
    return found.pop() if len(found) == 1 else None


def looks_truncated(target: str, reference: str) -> bool:
    """Whether ``target`` is its counterpart ``reference`` cut off before its end.

    >>> looks_truncated("协助外贸企业对规则的理解和", "协助外贸企业对规则的理解和利用。")
    True
    >>> looks_truncated("≥95", "≥95%")
    False
    """
    if not target or not reference or target == reference or ends_sentence(target):
        return False
    matcher = SequenceMatcher(None, target, reference, autojunk=False)
    tag, i1, _i2, j1, j2 = matcher.get_opcodes()[-1]
    if tag != "insert" or i1 != len(target):
        return False
    matching = sum(block.size for block in matcher.get_matching_blocks())
    missing = j2 - j1
    return matching >= _MIN_MATCHING_SHARE * len(target) and (missing >= 2 or target[-1] in OPERATORS)


@dataclass
class Placement:
    """Where a trailing piece went: the slot and the text before and after, or no slot."""

    fragment: str
    line: int
    slot: Slot | None = None
    before: str = ""
    after: str = ""

    @property
    def gap(self) -> str:
        """The text put back."""
        return self.after[self._at: self._at + len(self.after) - len(self.before)]

    def context(self, width: int = 6) -> str:
        """The text put back with ``width`` characters either side, as quoted in issues."""
        start, end = max(0, self._at - width), self._at + len(self.gap) + width
        return ("…" if start else "") + self.after[start:end] + ("…" if end < len(self.after) else "")

    @property
    def _at(self) -> int:
        at = 0
        while at < len(self.before) and self.before[at] == self.after[at]:
            at += 1
        return at


def place_fragments(fragments: list[tuple[int, str]], slots: list[Slot]) -> list[Placement]:
    """Put back every piece that fits exactly one slot; the others are returned without a slot.

    Pieces are tried again after each round, since putting one back can make room for another.
    """
    pending = [Placement(text, line) for line, text in fragments]
    progress = True
    while progress:
        progress = False
        for placement in pending:
            if placement.slot is not None:
                continue
            core = fragment_core(placement.fragment)
            fits = [(slot, new) for slot in slots if (new := insertion(slot.get(), slot.reference(), core))]
            if len(fits) == 1:
                slot, new = fits[0]
                placement.slot, placement.before, placement.after = slot, slot.get(), new
                slot.set(new)
                progress = True
    return pending
