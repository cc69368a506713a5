"""Reading what people type: amounts in 万元 and indicator target values.

    >>> parse_value("每年不少于3次")
    ParsedValue(op='≥', num=3.0, unit='次', kind='定量')
    >>> parse_amount("２２万元")
    Amount(value=22.0, as_text=True, unit='万元', too_large=False, stored=None)
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

QUANTITATIVE = "定量"
QUALITATIVE = "定性"


# Invisible characters that text pasted from web pages or chat brings along, trimmed with the spaces.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def clean_text(value: object) -> str:
    """A cell's content as trimmed text (invisible characters at its ends trimmed too); numbers
    without a spurious ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value).strip().strip(_INVISIBLE).strip()


# --- amounts ---------------------------------------------------------------------

_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(\D|$))")
_AMOUNT = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*(亿元|亿|万元|万|千元|元)?$")
# The power of ten that turns a unit into 万元; the point is moved in decimal, so that 2.01亿
# is 20100 and 0.7千元 is 0.07, not their nearest binary products.
_IN_WAN = {"元": -4, "千元": -1, "亿元": 4, "亿": 4}


@dataclass(frozen=True)
class Amount:
    """An amount cell read as a number. ``value`` is None when it is not a number."""

    value: float | None
    as_text: bool = False
    unit: str = ""
    too_large: bool = False  # a number beyond any budget, so no amount
    stored: float | None = None  # the number the cell holds, when its format shows it scaled

    @property
    def converted(self) -> bool:
        """Written in another unit than the forms' 万元 (元, 千元, 亿元)."""
        return self.unit in _IN_WAN

    @property
    def wan(self) -> float | None:
        """The amount in 万元, the forms' unit: one written in 元, 千元 or 亿元 is converted."""
        if self.value is None or not self.converted:
            return self.value
        return float(Decimal(repr(self.value)).scaleb(_IN_WAN[self.unit]))


# The amount unit noted on the 预算单位 line after the unit's name (单位：万元, 金额单位:元,
# （单位：万元）).
_AMOUNT_NOTE = re.compile(r"(?:\s+|\s*[（(])(?:金额|计量)?单位\s*[:：].*$", re.S)


@lru_cache(maxsize=4096)
def without_amount_note(line: str) -> str:
    """The 预算单位 line without the amount unit noted after the name (``某局　　单位：万元`` → ``某局``)."""
    return _AMOUNT_NOTE.sub("", line)


# Beyond any budget in 元 or 万元 (and infinite or NaN): no amount, so that sums stay finite.
_MAX_AMOUNT = 1e15


def parse_amount(cell: object) -> Amount:
    """Read an amount typed as a number or as text (full-width digits, ``1,234.5``, ``22万元``)."""
    if cell is None or cell == "":
        return Amount(None)
    if isinstance(cell, bool):
        return Amount(None, as_text=True)
    if isinstance(cell, (int, float)):
        value = float(cell)
        return Amount(value) if abs(value) < _MAX_AMOUNT else Amount(None, too_large=True)
    text = unicodedata.normalize("NFKC", str(cell)).strip().replace(" ", "")
    text = _THOUSANDS.sub("", text)
    m = _AMOUNT.match(text)
    if not m:
        return Amount(None, as_text=True)
    if not abs(value := float(m.group(1))) < _MAX_AMOUNT:
        return Amount(None, as_text=True, too_large=True)
    return Amount(value, as_text=True, unit=m.group(2) or "")


# --- target values ---------------------------------------------------------------


class ParsedValue(NamedTuple):
    op: str
    num: float | None
    unit: str
    kind: str


_QUALITATIVE = ParsedValue("", None, "", QUALITATIVE)
_NO_VALUE = ParsedValue("", None, "", "")  # an empty 指标值 is neither 定量 nor 定性

# Operator words, tried longest first so that 不超过 wins over 超过 and 不低于 over 低于.
_OPS_BEFORE = sorted([
    ("大于或等于", "≥"), ("大于等于", "≥"), ("高于或等于", "≥"), ("多于或等于", "≥"), ("不低于", "≥"), ("不少于", "≥"),
    ("不小于", "≥"), ("至少", "≥"), ("最少", "≥"), ("达到", "≥"), ("高于", ">"), ("超过", ">"), ("大于", ">"), ("多于", ">"),
    ("小于或等于", "≤"), ("小于等于", "≤"), ("低于或等于", "≤"), ("少于或等于", "≤"), ("不高于", "≤"), ("不超过", "≤"),
    ("不多于", "≤"), ("不大于", "≤"), ("至多", "≤"), ("最多", "≤"), ("控制在", "≤"), ("低于", "<"), ("少于", "<"), ("小于", "<"),
    (">=", "≥"), ("=>", "≥"), ("<=", "≤"), ("=<", "≤"), ("≥", "≥"), ("≤", "≤"), ("≧", "≥"), ("≦", "≤"), ("⩾", "≥"), ("⩽", "≤"),
    (">", ">"), ("<", "<"), ("≈", "≈"), ("≒", "≈"), ("约等于", "≈"), ("=", "="), ("±", "±"),
], key=lambda op: -len(op[0]))
# 不得低于 is 不低于: a word of comparison after a negation means its opposite.
_NEGATION = re.compile(r"不(?:得|应该?|能|宜|可|会|准|许|要)?$|严禁$|禁止$")
_NEGATED = {"<": "≥", ">": "≤"}
# 达 right before the number is 达到 (满意度达95%); 传达3次, 下达2批, 到达5个 are other words.
_REACHES = re.compile(r"(?<![传下到表送抵转发通直])达$")
_OPS_AFTER = [("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"), ("之内", "≤"),
              ("左右", "≈"), ("上下", "≈")]
# 约 right before the number, alone or after a period or a word of counting (约50家, 每年约50家,
# 大约3个月, 平均约3天), is about; 节约, 预约, 续约 are words.
_ABOUT = re.compile(r"(?:^|大|[年月季周天日次]|均|共|计)约为?$")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_NUMBER = re.compile(r"[-+−]?(?:\d+(?:\.\d+)?|\.\d+)")
# A Chinese numeral counts only before a measure word (两场, 四个): 一流 and 第一季度 are words.
_CN_MEASURES = frozenset("次场个家人项份本套篇期批台件名所户座条辆张支部类种天周年月")
# A calendar year (2021年, 2021年度, 22年底, 二〇二四年), a month or day with more after it (2020年9月,
# 9月30日), a range (5-9月), a fraction or date written with a slash, or a year and month with a
# dot (2024.6前完成, 2024.12.31). A month, day or hour alone, or a number before 前, is handled
# below: 9月 and 12.31前 are dates, ≤3日 and 5日内 are durations.
_DATE_OR_RANGE = re.compile(r"\d{4}\s*年|\d\s*年\s*[底初末]|\d\s*[年月]\s*\d|\d\s*[-~～至到]\s*\d|\d+/\d+"
                            r"|[〇零一二三四五六七八九]{4}\s*年|(?<![\d.])(?:19|20)\d\d\.(?:1[0-2]|0?[1-9])(?![\d%‰万千亿元])")
_DATE_UNITS = ("月", "日", "号", "时", "前", "之前", "以前")
# m2 and m3 (also ㎡ and m², which NFKC turns into m2) are units, not a second number.
_POWER_UNIT = re.compile(r"(?<![A-Za-z])([kcdKCD]?[mM])([23])(?![\d.])")
_POWERS = {"2": "²", "3": "³"}
_PLACEHOLDER = re.compile(r"[*＊?？xX×]{2,}|\*")
# Spaces and line breaks (Alt+Enter) inside a value: ≥95\n% is ≥95%; between two digits they
# part two numbers (100\n200人次), not one.
_WHITESPACE = re.compile(r"\s+")
_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s+(?=\d)")
# An ellipsis (…, ……, ..., ⋯; NFKC makes … three dots) is the template's blank, filled in after
# it (不低于……90%): no decimal point. Between two numbers (100…200) it parts them, as a space does.
_ELLIPSIS = re.compile(r"(\d?)(?:\.{2,}|⋯+)(\d?)")


def _ellipsis(m: re.Match[str]) -> str:
    return m.group(1) + ("；" if m.group(1) and m.group(2) else "") + m.group(2)


# 左右 and 上下 end a unit only at the end of the value or before punctuation: 50家上下游企业.
_UNIT_STOP = re.compile(r"[，,。；;、（）()\s]|以上|以下|以内|之内|及|或(?=以上|以下|以内|之内)|(?:左右|上下)(?=$|[，,。；;、（）()])")
# Text around a number beyond this many characters is a sentence, not a target value.
_MAX_CONTEXT = 14
# A note of what a bound includes: 3场（含）以上, 3次以上（含3次）, ≤10万元（含税）.
_INCLUDED = re.compile(r"\((?:含|包含|包括)[^()]{0,12}\)")
# A span of time and 内 with more after it: 5个工作日内完成, 24小时内响应, 3日内办结.
_WITHIN = re.compile(r"(.*?(?:工作日|小时|分钟|天|日|周|月|年|季度|时))内.")
# A unit in brackets right after the number: ≥100（人）, as ≥100人.
_BRACKETED_UNIT = re.compile(r"^\(([^()\d]{1,4})\)")
# Periods a 一 before a count belongs to: 一年两次 is 每年两次.
_PERIODS = frozenset("年周月天日")
# The letter O typed for a zero inside a number: ≥9O%, 1O0次, O.5万元 (not CO2, O2O or ISO9001).
_LETTER_O = re.compile(r"(?<=\d)[OoＯｏ]+(?=[\d%‰.％．]|$)|(?<![A-Za-zＡ-Ｚａ-ｚ\d])[OoＯｏ](?=[.．]\d)")


# A target value and nothing else (≥95%, 100%, 3次, 不少于2场): what a 三级指标, a name, never is.
_BARE_VALUE = re.compile("(?:" + "|".join(re.escape(word) for word, _op in _OPS_BEFORE) + ")?"
                         r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[%‰]|万?元|人次|小时|个?工作日|[" + "".join(sorted(_CN_MEASURES)) + "])?")
# The characters a bare value may start with, full-width ones included: a cheap test before the pattern.
BARE_VALUE_STARTS = frozenset(
    char for base in {word[0] for word, _op in _OPS_BEFORE} | set("0123456789+-.")
    for char in (base, chr(ord(base) + 0xFEE0) if "!" <= base <= "~" else base))


def is_bare_value(text: str) -> bool:
    """Whether ``text`` is a target value and nothing else.

    >>> is_bare_value("≥95%"), is_bare_value("３次"), is_bare_value("不少于2场")
    (True, True, True)
    >>> is_bare_value("5G基站数量"), is_bare_value("满意度≥95%"), is_bare_value("2个乡镇")
    (False, False, False)
    """
    return _BARE_VALUE.fullmatch(_WHITESPACE.sub("", unicodedata.normalize("NFKC", text))) is not None


def letter_o_as_zero(text: str) -> str:
    """``text`` with the letter O read as a zero where it stands inside a number.

    >>> letter_o_as_zero("≥9O%"), letter_o_as_zero("CO2排放减少10%")
    ('≥90%', 'CO2排放减少10%')
    """
    if "O" not in text and "o" not in text and "Ｏ" not in text and "ｏ" not in text:
        return text
    return _LETTER_O.sub(lambda m: "0" * len(m.group()), text)


def _chinese_number(text: str) -> int | None:
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (digit if digit is not None else 1) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def _chinese_counts(text: str) -> list[tuple[re.Match[str], int]]:
    """Each Chinese numeral of ``text`` that counts something (两场, 四个; not 一流 or 第一季度), with its value."""
    counts = []
    for cm in _CN_NUMBER.finditer(text):
        if (text[cm.end():cm.end() + 1] in _CN_MEASURES and not text[:cm.start()].endswith("第")
                and (value := _chinese_number(cm.group())) is not None):
            counts.append((cm, value))
    return counts


# Target values repeat a great deal across a collection round (≥95%, 有效, 及时, 100%).
@lru_cache(maxsize=1 << 16)
def parse_value(text: object) -> ParsedValue:
    """Split a 指标值 into operator, number, unit and kind (定量/定性); the text itself is kept elsewhere.

    >>> parse_value("≥95%")
    ParsedValue(op='≥', num=95.0, unit='%', kind='定量')
    >>> parse_value("每年两场")
    ParsedValue(op='=', num=2.0, unit='场', kind='定量')
    >>> parse_value("及时").kind
    '定性'
    >>> parse_value("").kind
    ''
    """
    raw = clean_text(text)
    if not raw:
        return _NO_VALUE
    s = letter_o_as_zero(unicodedata.normalize("NFKC", raw))
    s = _THOUSANDS.sub("", _WHITESPACE.sub("", _BETWEEN_DIGITS.sub("；", _ELLIPSIS.sub(_ellipsis, s))))
    s = _POWER_UNIT.sub(lambda m: m.group(1).lower() + _POWERS[m.group(2)], s.replace("+-", "±").replace("+/-", "±"))
    s = _INCLUDED.sub("", s)
    if _PLACEHOLDER.search(s) or _DATE_OR_RANGE.search(s):
        return _QUALITATIVE

    m = _NUMBER.search(s)
    if m:
        num = float(m.group().replace("−", "-"))
        if not math.isfinite(num):
            return _QUALITATIVE  # hundreds of digits: no quantity anyone measures
        before, after = s[: m.start()], s[m.end():]
        if before.endswith("第") or (before[-1:].isascii() and before[-1:].isalpha()):
            return _QUALITATIVE  # 第4季度 is an ordinal, as 第四季度; A1 and V2 are names
    else:
        counts = _chinese_counts(s)
        if len(counts) > 1 and counts[0][0].group() == "一" and s[counts[0][0].end()] in _PERIODS:
            counts = counts[1:]  # 一年两次, as 每年两次
        if not counts:
            return _QUALITATIVE
        cn, value = counts[0]
        num = float(value)
        before, after = s[: cn.start()], s[cn.end():]
    after = _BRACKETED_UNIT.sub(r"\1", after)
    if _NUMBER.search(after) or _chinese_counts(after.lstrip("十百千") if m else after):
        return _QUALITATIVE  # two numbers: a rule or a sentence, not one target (3千人 is one)

    op = ""
    for word, symbol in _OPS_BEFORE:
        if word in before:
            at = before.index(word)
            end = at + len(word)
            if symbol in _NEGATED and (negation := _NEGATION.search(before, 0, at)):
                symbol, at = _NEGATED[symbol], negation.start()
            op = symbol
            before = before[:at] + before[end:]
            break
    if not op and _REACHES.search(before):
        op, before = "≥", before[:-1]
    about = _ABOUT.search(before)
    if about:
        before = before[: about.start()]
    stop = _UNIT_STOP.search(after)
    unit, tail = (after[: stop.start()], after[stop.start():]) if stop else (after, "")
    for word, symbol in _OPS_AFTER:
        if tail.startswith((word, "及" + word, "或" + word)):
            op = op or symbol
            tail = tail.split(word, 1)[1]
            break
    if len(unit) > 1 and unit.endswith("内"):  # 5个工作日内, as 5个工作日以内
        unit, op = unit[:-1], op or "≤"
    elif within := _WITHIN.match(unit):  # 5个工作日内完成
        unit, op = within.group(1), op or "≤"
    if not op and unit.startswith(_DATE_UNITS):
        return _QUALITATIVE  # 9月, 10日前, 14时: a date or a time, not a quantity
    if len(before) + len(tail) > _MAX_CONTEXT or len(unit) > 8:
        return _QUALITATIVE
    if unit[:1] in ("%", "‰") and len(unit) > 1:  # 100%完成: the percent sign is the whole unit
        unit = unit[0]
    return ParsedValue(op or ("≈" if about else "="), num, unit, QUANTITATIVE)
