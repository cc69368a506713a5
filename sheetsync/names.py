"""Sheet and file names that Excel and Windows accept, still readable, and unique.

    >>> safe_sheet_name("出访/招商[2021]")
    '出访／招商［2021］'
    >>> names = UniqueNames(max_length=31)
    >>> names.add("物业管理费"), names.add("物业管理费")
    ('物业管理费', '物业管理费(2)')
    >>> safe_file_name("财务科: 预算?")
    '财务科： 预算？'
"""

from __future__ import annotations

import re

# Excel: a sheet name has 1 to 31 characters, none of []:*?/\ , and does not start or end
# with an apostrophe; "History" is reserved. Characters are replaced by their full-width
# forms so that the name stays readable.
SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = str.maketrans({"[": "［", "]": "］", ":": "：", "*": "＊", "?": "？", "/": "／", "\\": "＼"})
_SHEET_RESERVED = {"history"}

# Windows: a file name has none of <>:"/\|? * nor control characters, does not end with a
# dot or a space, and is not a device name (CON, NUL, COM1...). 255 UTF-16 units per name,
# but we keep room for the folder path (MAX_PATH is 260) and our temporary-file prefix.
FILE_NAME_MAX = 80
_FILE_FORBIDDEN = str.maketrans({
    "<": "＜", ">": "＞", ":": "：", '"': "＂", "/": "／", "\\": "＼", "|": "｜", "?": "？", "*": "＊",
})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_DEVICE = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def _utf16_length(text: str) -> int:
    # Excel counts a name's length in UTF-16 code units (a character outside the BMP is two).
    # A file name that is not UTF-8 (GBK, as unzip leaves it) holds lone surrogates, one per byte
    # (os.fsdecode): each counts as one.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _truncate(text: str, max_length: int) -> str:
    while _utf16_length(text) > max_length:
        text = text[:-1]
    return text


def safe_sheet_name(name: str, fallback: str = "Sheet") -> str:
    """``name`` made acceptable as an Excel sheet name (not yet made unique)."""
    text = _SPACES.sub(" ", _CONTROL.sub("", str(name))).strip().translate(_SHEET_FORBIDDEN)
    text = _truncate(text, SHEET_NAME_MAX).strip().strip("'").strip()
    if not text or text.lower() in _SHEET_RESERVED:
        text = fallback if not text else f"{text}_"
    return text


def safe_file_name(name: str, fallback: str = "workbook", max_length: int = FILE_NAME_MAX) -> str:
    """``name`` made acceptable as a file name on Windows, macOS and Linux (without extension),
    cut to ``max_length`` (less than FILE_NAME_MAX leaves room for what is added to it)."""
    text = _SPACES.sub(" ", _CONTROL.sub("", str(name))).strip().translate(_FILE_FORBIDDEN)
    text = _truncate(text, max_length).rstrip(". ").lstrip(".")
    if not text:
        text = fallback
    if _DEVICE.match(text):
        text = f"{text}_"
    return text


class UniqueNames:
    """Hands out names that differ from each other ignoring case, as Excel and Windows compare them.

    A repeated name gets a counter, ``物业管理费(2)``, shortened to fit ``max_length``.
    """

    def __init__(self, max_length: int, taken: tuple[str, ...] | list[str] = ()) -> None:
        self.max_length = max_length
        self._taken = {t.casefold() for t in taken}

    def add(self, name: str) -> str:
        candidate = name
        counter = 1
        while candidate.casefold() in self._taken:
            counter += 1
            suffix = f"({counter})"
            candidate = _truncate(name, self.max_length - len(suffix)).rstrip() + suffix
        self._taken.add(candidate.casefold())
        return candidate


def unique_sheet_names(names: list[str], *, taken: tuple[str, ...] = (), fallback: str = "项目") -> list[str]:
    """Safe, unique sheet names for ``names``, in order; ``taken`` are names already in use."""
    unique = UniqueNames(SHEET_NAME_MAX, taken)
    return [unique.add(safe_sheet_name(n, fallback=f"{fallback}{i}")) for i, n in enumerate(names, 1)]


def unique_file_names(names: list[str], *, fallback: str = "workbook") -> list[str]:
    """Safe, unique file names (without extension) for ``names``, in order."""
    unique = UniqueNames(FILE_NAME_MAX)
    return [unique.add(safe_file_name(n, fallback=fallback)) for n in names]


def without_place(unit: str) -> str:
    """A unit's name without the province or city it begins with (not a 市委's): 东莞市教育局 →
    教育局, what a department may call itself on a form or a file."""
    while (place := _PLACE.match(unit)) is not None and len(unit) - place.end() >= 3 and unit[place.end()] != "委":
        unit = unit[place.end():]
    return unit


_PLACE = re.compile(r"[\u4e00-\u9fff]{2,3}?[省市]")
