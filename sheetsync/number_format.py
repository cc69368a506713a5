"""Numbers that show more than their digits, recognised by the cells' number formats.

Typing ``95%`` in a cell not formatted as text makes Excel, WPS and LibreOffice store the
number 0.95 and show it through a percent format such as ``0%``; a format such as
``#,##0"元"`` or ``0"次"`` shows 22500 as ``22,500元`` and 3 as ``3次``. calamine gives the
number only, so the format is looked up for the cells where what is shown matters (a number
in the 指标值 column, an amount):

- in an .xlsx, from the sheet's XML (each cell's style) and ``xl/styles.xml`` (each style's
  number format), which is read with the workbook's other parts (:mod:`sheetsync.extent`):
  a workbook without such a format is never looked into again;
- in an .xls, with xlrd, which reads the cells' formats of the binary format (for amounts,
  only when the file's bytes hold a format that shows a unit or scales: :func:`xls_shows_units`);
- in an .ods, from ``content.xml``, where such a cell's text is what it shows.

A format can also scale the number it shows: a comma after the digits divides by a thousand
and a point typed as text (``!.``, ``\\.``) moves the decimal point, so ``0!.0000`` shows
225000 (元) as ``22.5000`` and ``0!.0,"万"`` as ``22.5万``, the way Chinese users show 元 as
万元. Such a number is read as the format shows it, with every digit it holds (``22.5678`` for
225678 shown as ``22.6``).

::

    >>> shown_format('0.0%'), shown_format('#,##0.00'), shown_format('#,##0"元"')
    (Shown(percent=1, before='', after='', scale=0, decimals=0, width=0), None, Shown(percent=None, before='', after='元', scale=0, decimals=0, width=0))
    >>> shown_format('"≥"0%').text(0.95), shown_format('0"次"').text(3.0)
    ('≥95%', '3次')
    >>> shown_format('0!.0,"万"'), shown_format('0!.0,"万"').text(225678.0)
    (Shown(percent=None, before='', after='万', scale=4, decimals=1, width=0), '22.5678万')
    >>> shown_format('00000').text(124)
    '00124'
    >>> percent_text(0.95, 0), percent_text(1.0, 2), percent_text(0.955, 0)
    ('95%', '100.00%', '95.5%')
"""

from __future__ import annotations

import html
import io
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple
from xml.etree import ElementTree

from .cell_scan import (ODS_OFFICE, OdsCells, SheetCells, SheetParts, XlsCells, ods_cells, ods_shown_text,
                        read_ods_styles, xlsx_cells)
from .values import clean_text


class Shown(NamedTuple):
    """How a number format shows a number: as a percentage with ``percent`` decimals (None: as
    the number), between the format's own text; a scaled number divided by 10 ** ``scale``
    (read with every digit; the format's ``decimals`` only make :meth:`format_code`); a whole
    number with at least ``width`` digits, zeros before it (``00000`` shows 124 as 00124)."""

    percent: int | None = None
    before: str = ""
    after: str = ""
    scale: int = 0
    decimals: int = 0
    width: int = 0

    def text(self, number: float) -> str:
        if self.scale:
            digits = scaled_text(number, self.scale)
        else:
            digits = clean_text(number) if self.percent is None else percent_text(number, self.percent)
        if self.width and digits.isdigit():
            digits = digits.zfill(self.width)
        return f"{self.before}{digits}{self.after}"

    def format_code(self) -> str:
        """A number format that shows numbers this way (the digits as typed: ``General``)."""
        if self.scale:
            digits = _scaled_code(self.scale, self.decimals)
        else:
            digits = "General" if self.percent is None else "0" + ("." + "0" * self.percent if self.percent else "") + "%"
        return "".join((_quoted(self.before), digits, _quoted(self.after)))


# Excel's built-in number formats 9 and 10 are "0%" and "0.00%"; the others show no percent or
# text (the dates among them calamine reads as dates).
_BUILTIN = {9: "0%", 10: "0.00%"}
# Text in quotes, an escaped character, a [colour or condition], and the character after
# _ (a space as wide as it) or * (repeated to fill): none of them is a percent sign.
_LITERAL = re.compile(r'"[^"]*"?|\\.|\[[^\]]*\]?|[_*].?')
_DECIMALS = re.compile(r"\.([0#?]+)")
# A format's pieces, in order: quoted text, a character escaped with \\ or !, a [bracket] or
# padding (both shown as nothing here), the end of the first section, a digit (or General, which
# Chinese Excel names G/通用格式), a percent sign, the decimal point, a comma, and a character
# outside ASCII, which Excel shows as it is (元 typed unquoted).
_PIECE = re.compile(r'"([^"]*)"?|[\\!](.)|\[[^\]]*\]?|[_*].?|(;)|([0#?]|[Gg]eneral|G/通用格式)|(%)|(\.)|(,)|([^\x00-\x7f])', re.S)
# A date or time (calamine reads the cell as one), or a currency's sign, which says nothing of
# the unit: 万元 or 元 alike are shown with ¥.
_DATE_PART = re.compile(r"[yYmMdDhHsS]")
_CURRENCY = str.maketrans("", "", "￥¥$€£")
# A section for the numbers that meet a condition ([>=10000]0!.0,"万";0): which one shows a
# number is not looked into.
_CONDITION = re.compile(r"\[\s*[<>=]")
_CELL_STYLE = re.compile(rb"""\bs\s*=\s*["'](\d{1,9})["']""")
_FORMAT_CODE = re.compile(rb"""\bformatCode\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_BUILTIN_ID = re.compile(rb"""\bnumFmtId\s*=\s*["'](?:9|10)["']""")


def percent_decimals(code: str) -> int | None:
    """The decimals a number format shows a percentage with; None when it is not a percent format."""
    section = _LITERAL.sub("", code).split(";")[0]
    if "%" not in section:
        return None
    m = _DECIMALS.search(section)
    return len(m.group(1)) if m else 0


def percent_text(number: float, decimals: int) -> str:
    """The percentage ``number`` stands for, with the format's decimals, or all the digits
    the number has when the format would round them away."""
    hundred = round(number * 100, 10)
    text = f"{hundred:.{decimals}f}"
    if float(text) != hundred:
        text = clean_text(hundred)
    return text + "%"


@lru_cache(maxsize=4096)
def shown_format(code: str) -> Shown | None:
    """How the format ``code`` shows a positive number; None when it shows the number alone."""
    section = _LITERAL.sub("", code).split(";")[0]
    if _DATE_PART.search(section) or _CONDITION.search(code) or "@" in section:
        return None  # a date, a condition, or a format for text only (@"元" shows 95 as 95)
    before: list[str] = []
    after: list[str] = []
    digits = has_point = typed_point = False
    decimals = commas = zeros = 0
    for m in _PIECE.finditer(code):
        quoted, escaped, section_end, digit, _percent, decimal_point, comma, bare = m.groups()
        if section_end:
            break
        if digit:
            digits = True
            if has_point:
                decimals += 1
            elif digit == "0":
                zeros += 1
            commas = 0  # a comma between digits only groups them
        elif comma:
            if digits and not after:
                commas += 1
        elif decimal_point:
            has_point = True
        elif text := quoted or escaped or bare:
            if text == "." and digits and not has_point and not after:
                has_point = typed_point = True
            else:
                (after if digits else before).append(text)
    if typed_point and not decimals:
        after.insert(0, ".")  # a point typed after the digits only shows as itself
    scale = commas * 3 + (decimals if typed_point else 0)
    width = zeros if zeros > 1 and not scale and not has_point else 0
    shown = Shown(percent_decimals(code), "".join(before).translate(_CURRENCY).strip(),
                  "".join(after).translate(_CURRENCY).strip(), scale, decimals if scale else 0, width)
    if shown.scale and shown.percent is not None:
        return None
    return shown if shown != Shown() else None


def scaled_text(number: float, scale: int) -> str:
    """``number`` divided by 10 ** ``scale``, with every digit it has (225678, 4 → ``22.5678``)."""
    shifted = Decimal(repr(float(number))).scaleb(-scale).normalize()
    return format(shifted, "f")


def _scaled_code(scale: int, decimals: int) -> str:
    """A format showing a number divided by 10 ** ``scale`` with ``decimals`` decimals:
    thousands by commas, the rest by a point typed as text."""
    if scale % 3 == 0:
        return "0" + ("." + "0" * decimals if decimals else "") + "," * (scale // 3)
    return "0\\." + "0" * decimals + "," * ((scale - decimals) // 3)


def shown_styles(styles_xml: bytes) -> dict[int, Shown]:
    """Style index (a cell's ``s``) → how it shows a number, for the styles that show more than
    the number's digits; {} (without parsing the part) when no format of the workbook does."""
    codes = (html.unescape((m.group(1) or m.group(2) or b"").decode("utf-8", "replace"))
             for m in _FORMAT_CODE.finditer(styles_xml))
    if not _BUILTIN_ID.search(styles_xml) and not any(shown_format(code) for code in codes):
        return {}
    root = ElementTree.fromstring(styles_xml)
    formats: dict[int, str] = dict(_BUILTIN)
    cell_styles = None
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "numFmt" and (element.get("numFmtId") or "").isdigit():
            formats[int(element.get("numFmtId"))] = element.get("formatCode") or ""
        elif tag == "cellXfs" and cell_styles is None:
            cell_styles = element
    found: dict[int, Shown] = {}
    styles = [xf for xf in cell_styles if _local(xf.tag) == "xf"] if cell_styles is not None else []
    for index, xf in enumerate(styles):
        number_format = xf.get("numFmtId") or "0"
        if number_format.isdigit() and (shown := shown_format(formats.get(int(number_format), ""))):
            found[index] = shown
    return found


def cell_styles(sheet_xml: bytes) -> dict[tuple[int, int], int]:
    """(row, col), zero-based → style index, for every cell of a worksheet's XML with a style."""
    found = {}
    for row, col, tag in xlsx_cells(sheet_xml):
        if (style := _CELL_STYLE.search(tag.group(2))) is not None:
            found[row, col] = int(style.group(1))
    return found


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "") + '"' if text else ""


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def shown_cells_of(kind: str, path: str, sheet_names: list[str]) -> SheetCells[Shown] | None:
    """The reader of the cells showing more than their number in an .xls or .ods (an .xlsx's is
    :class:`ShownCells`)."""
    if kind == "xls":
        return XlsCells(path, sheet_names, xls_shown_cells, formatting_info=True, only_if=_xls_shows_more)
    if kind == "ods":
        return OdsCells(path, sheet_names, _ods_shown, only_if=_ods_shows_more)
    return None


class ShownCells(SheetCells[Shown]):
    """The cells of one .xlsx whose format shows more than their number, read when first asked.

    ``styles`` are :func:`shown_styles` of the workbook: without any, no sheet is read. A part
    that cannot be read leaves the formats unknown: the reader then warns about a number that
    may have been a percentage, as for an .xls or .ods.
    """

    def __init__(self, parts: SheetParts, styles: dict[int, Shown]) -> None:
        super().__init__()
        self._parts = parts
        self._styles = styles

    def _read(self, index: int) -> dict[tuple[int, int], Shown]:
        part = self._parts.read(index) if self._styles else None
        if part is None:
            return {}
        return {cell: self._styles[style] for cell, style in cell_styles(part).items() if style in self._styles}

    def close(self) -> None:
        self._parts.close()


def _xls_shown_by_xf(book: Any) -> dict[int, Shown]:
    """XF index → how it shows a number, for an xlrd book's formats that show more than digits."""
    shown_by_format = {key: shown_format(number_format.format_str or "") for key, number_format in book.format_map.items()}
    return {xf: shown for xf, record in enumerate(book.xf_list) if (shown := shown_by_format.get(record.format_key))}


def _xls_shows_more(book: Any) -> bool:
    return bool(_xls_shown_by_xf(book))


# An .xls's FORMAT record (MS-XLS 2.4.126): its type and size, the format's number, and its
# code as a string: the count of characters, then 1 for two bytes a character (else one).
_XLS_FORMAT = re.compile(rb"\x1e\x04(..)..(..)([\x00\x01])", re.S)


def xls_shows_units(path: str) -> bool:
    """Whether one of the .xls's number formats shows a unit or scales its number (``#,##0"元"``,
    ``0\\.0000``), found in the file's bytes without opening it (xlrd takes longer over an .xls's
    formats than calamine over the whole file)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return False  # the formats stay unknown, as when xlrd cannot read them
    for m in _XLS_FORMAT.finditer(data):
        size, count, wide = (int.from_bytes(group, "little") for group in m.groups())
        width = 2 if wide else 1
        if size != 5 + count * width:
            continue  # bytes that only look like the record's start
        code = data[m.end():m.end() + count * width].decode("utf-16-le" if wide else "latin-1", "replace")
        if (shown := shown_format(code)) is not None and (shown.before or shown.after or shown.scale):
            return True
    return False


def xls_shown_cells(book: Any, sheet: Any) -> dict[tuple[int, int], Shown]:
    """(row, col) → how it shows, for the numbers of an xlrd sheet whose format shows more than digits."""
    import xlrd

    shown_by_xf = _xls_shown_by_xf(book)
    found = {}
    for r in range(sheet.nrows):
        for c, kind in enumerate(sheet.row_types(r)):
            if kind == xlrd.XL_CELL_NUMBER and (shown := shown_by_xf.get(sheet.cell_xf_index(r, c))):
                found[r, c] = shown
    return found


# An .ods's number formats are styles in content.xml or styles.xml: a percentage style, or a
# number or currency style with text that is more than spaces and signs (<number:text>元</number:text>),
# or one that scales its number (a display factor, a point typed as text), is what a number's
# cell can show beyond its digits.
_ODS_SHOWING_STYLE = re.compile(
    rb"<number:percentage-style\b|<number:(number|currency)-style\b(?:(?!</number:\1-style>).)*?"
    rb"<number:text>[^<]*?[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f<]|\bnumber:display-factor=|<number:embedded-text\b", re.S)
_ODS_NUMBER = re.compile(r"\d[\d,]*(?:\.(\d+))?(?:[Ee][-+]?\d+)?")
_ODS_FRACTION = re.compile(r"\d\s*/\s*\d")


def _ods_shows_more(path: str, content: bytes) -> bool:
    return any(_ODS_SHOWING_STYLE.search(part) for part in (content, read_ods_styles(path)))


def ods_shown_cells(content: io.BytesIO) -> dict[str, dict[tuple[int, int], Shown]]:
    """Table name → (row, col) → how it shows, for the number cells of an .ods ``content.xml``
    that show more than their number."""
    return ods_cells(content, _ods_shown)


def _ods_shown(cell: ElementTree.Element) -> Shown | None:
    """How a number cell of an .ods shows its number, from the text it shows: the digits that
    stand for the number (``前3季度≥5场`` for 5: ``5``) and the text around them."""
    kind = cell.get(ODS_OFFICE + "value-type")
    if kind not in ("float", "percentage", "currency"):
        return None
    try:
        number = float(cell.get(ODS_OFFICE + "value") or "")
    except ValueError:
        return None
    text = ods_shown_text(cell)
    if _ODS_FRACTION.search(text):
        return None  # 1/2 for 0.5: no digits of it stand for the number
    # The digits that give the number with the least scaling (35 in 前3季度≥35场 for 35, not 3
    # as 35 divided by ten), the first of equals.
    found: list[tuple[int, Shown]] = []
    for m in _ODS_NUMBER.finditer(text):
        before, after = text[:m.start()].strip(), text[m.end():].strip()
        digits, decimals = float(m.group(0).replace(",", "")), len(m.group(1) or "")
        if number < 0:
            before = before.removesuffix("-").strip()
        if kind == "percentage":
            if after.startswith("%") and _ods_scale(abs(number) * 100, digits, decimals) == 0:
                found.append((0, Shown(decimals, before, after.removeprefix("%").strip())))
        elif (scale := _ods_scale(abs(number), digits, decimals)) is not None:
            found.append((scale, Shown(None, before.translate(_CURRENCY).strip(), after.translate(_CURRENCY).strip(),
                                       scale, decimals if scale else 0)))
    if not found:
        return None
    shown = min(found, key=lambda pair: pair[0])[1]
    return shown if shown != Shown() else None


def _ods_scale(number: float, shown: float, decimals: int) -> int | None:
    """The power of ten LibreOffice divided ``number`` by to show ``shown`` with ``decimals``
    decimals (a format such as ``0.0,"万"``); None when no power gives it."""
    for scale in range(10):
        if abs(number / 10 ** scale - shown) <= 0.5 * 10 ** -decimals * (1 + 1e-9):
            return scale
    return None
