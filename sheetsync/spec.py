"""The form spec: labels, positions and indicator trees, read from ``templates/``.

Everything that names a label or a cell of the form comes from here::

    >>> spec = load_spec()
    >>> spec.field("midterm_budget_wan").label.text
    '中期市财政预算（万元）'
    >>> spec.tree("dongguan").level2_of("效果指标")
    ('社会、经济、生态效益指标', '可持续影响指标')
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Iterator

from .errors import SpecError

DEFAULT_FORM = "dongguan_approval"
TREES_FILE = "trees.toml"


def templates_dir() -> Path:
    """The folder holding the form specs (inside the wheel, or the source checkout's)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / TREES_FILE).is_file():
            return candidate
    raise SpecError(f"no templates folder next to {here}")


# --- cell references -------------------------------------------------------------


def column_index(letters: str) -> int:
    """``"A"`` → 0, ``"H"`` → 7, ``"AA"`` → 26."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def column_letter(index: int) -> str:
    """0 → ``"A"``; the inverse of :func:`column_index`."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """Zero-based (row, col) → A1 reference: (0, 0) → ``"A1"``."""
    return f"{column_letter(col)}{row + 1}"


_CELL = re.compile(r"^([A-Z]+)(\d+)$")


@dataclass(frozen=True)
class Span:
    """A rectangle of cells, zero-based and inclusive."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int

    @classmethod
    def parse(cls, ref: str) -> Span:
        parts = ref.split(":")
        corners = []
        for part in parts:
            m = _CELL.match(part.strip().upper())
            if not m:
                raise SpecError(f"not a cell reference: {ref!r}")
            corners.append((int(m.group(2)) - 1, column_index(m.group(1))))
        (r1, c1), (r2, c2) = corners[0], corners[-1]
        return cls(r1, c1, r2, c2)

    @property
    def is_merged(self) -> bool:
        return (self.first_row, self.first_col) != (self.last_row, self.last_col)

    @property
    def width(self) -> int:
        return self.last_col - self.first_col + 1

    @property
    def height(self) -> int:
        return self.last_row - self.first_row + 1

    def shifted(self, rows: int = 0, cols: int = 0) -> Span:
        return Span(self.first_row + rows, self.first_col + cols, self.last_row + rows, self.last_col + cols)

    def __str__(self) -> str:
        first = cell_ref(self.first_row, self.first_col)
        return first if not self.is_merged else f"{first}:{cell_ref(self.last_row, self.last_col)}"


# --- labels ----------------------------------------------------------------------

_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "〔", "]": "〕", "【": "〔", "】": "〕", ":": "：", ",": "，"})
# Spaces, line breaks and the invisible characters text pasted from web pages carries (zero-width
# space and joiners, word joiner, byte-order mark).
_SPACE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
_BRACKETED = re.compile(r"（[^（）]*）")


@lru_cache(maxsize=1 << 16)
def normalize_label(text: object) -> str:
    """The form of a label used for matching: no spaces or line breaks, full-width brackets.

    >>> normalize_label(" 中期市财政预算 (万元)\\n")
    '中期市财政预算（万元）'
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = _SPACE.sub("", s).translate(_BRACKETS)
    return s.rstrip("：")


def without_bracketed(label: str) -> str:
    """A label with its bracketed alternative dropped: ``数量指标（或建筑规模指标）`` → ``数量指标``."""
    return _BRACKETED.sub("", normalize_label(label))


@dataclass(frozen=True)
class Label:
    """A label as the form prints it and the spellings the reader also accepts."""

    text: str
    variants: tuple[str, ...] = ()
    prefix: str = ""

    def matches(self, cell_text: object) -> bool:
        norm = normalize_label(cell_text)
        if not norm:
            return False
        if self.prefix:
            return norm.startswith(normalize_label(self.prefix))
        return norm in self.accepted

    @cached_property
    def accepted(self) -> frozenset[str]:
        return frozenset(normalize_label(t) for t in (self.text, *self.variants))


# --- the spec --------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One labelled field of the form: where its label and value sit, and what it holds."""

    name: str
    label: Label
    label_at: Span
    value_at: Span
    kind: str  # "text" | "long_text" | "amount"
    required: bool = False
    max_length: int | None = None
    prompt: str = ""
    not_above: str | None = None
    row_height: float | None = None
    period_pattern: str | None = None
    period_field: str | None = None

    @cached_property
    def offset(self) -> tuple[int, int]:
        """(rows, cols) from the label's first cell to the value's first cell."""
        return (self.value_at.first_row - self.label_at.first_row, self.value_at.first_col - self.label_at.first_col)

    def period_in(self, label: str) -> str:
        """The period this field's label names (``中期滚动目标（2021年--2023年）`` → ``2021-2023``), or ""."""
        return _period_in(self.period_pattern, label) if self.period_pattern else ""


# Labels and periods recur on every sheet of a round.
@lru_cache(maxsize=4096)
def _period_in(pattern: str, label: str) -> str:
    m = re.search(pattern, unicodedata.normalize("NFKC", label))
    return f"{m.group(1)}-{m.group(2)}" if m else ""


@lru_cache(maxsize=4096)
def period_years(period: str | None) -> tuple[int, int] | None:
    """The first and last year of a period (``2021-2023`` as the reader keeps it), or None."""
    years = re.findall(r"\d{4}", unicodedata.normalize("NFKC", period or ""))
    return (int(years[0]), int(years[1])) if len(years) == 2 else None


@dataclass(frozen=True)
class LineSpec:
    """A line merged across the form holding one datum (the year, the budget unit)."""

    at: Span
    text: str
    pattern: str | None = None
    label: str | None = None
    field: str | None = None
    prompt: str = ""
    variants: tuple[str, ...] = ()  # other labels a hand-made form gives the line (填报单位)


@dataclass(frozen=True)
class ColumnSpec:
    role: str  # "level1" | "level2" | "level3" | "value"
    column: int
    label: Label


@dataclass(frozen=True)
class PeriodSpec:
    name: str  # "中期" | "年度"
    level2: ColumnSpec
    level3: ColumnSpec
    value: ColumnSpec


@dataclass(frozen=True)
class IndicatorSpec:
    label: Label
    label_column: int
    header_row: int
    level1: ColumnSpec
    periods: tuple[PeriodSpec, ...]
    rows_per_level2: int
    level3_max_length: int
    value_max_length: int
    level2_prompt: str
    level3_prompt: str
    value_prompt: str

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    def header_labels(self) -> list[tuple[int, Label]]:
        """(column, label) of every header cell of the table, left to right."""
        cells = [(self.level1.column, self.level1.label)]
        for period in self.periods:
            for col in (period.level2, period.level3, period.value):
                cells.append((col.column, col.label))
        return sorted(cells, key=lambda c: c[0])


@dataclass(frozen=True)
class Level1:
    label: str
    level2: tuple[str, ...]


@dataclass(frozen=True)
class Tree:
    """One indicator tree (一级 → 二级)."""

    key: str
    name: str
    level1: tuple[Level1, ...]
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)

    @cached_property
    def level1_labels(self) -> tuple[str, ...]:
        return tuple(l1.label for l1 in self.level1)

    def level2_of(self, level1: str) -> tuple[str, ...]:
        return self._level2_labels.get(self.canonical_level1(level1) or "", ())

    def canonical_level1(self, text: str) -> str | None:
        return _lookup(self._level1_index, text)

    def canonical_level2(self, level1: str, text: str) -> str | None:
        canon = self.canonical_level1(level1)
        return _lookup(self._level2_index[canon], text) if canon else None

    @cached_property
    def _level2_labels(self) -> dict[str, tuple[str, ...]]:
        return {l1.label: l1.level2 for l1 in self.level1}

    @cached_property
    def _level1_index(self) -> tuple[dict[str, str], dict[str, str]]:
        return _index(self.level1_labels, self.variants)

    @cached_property
    def _level2_index(self) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
        return {l1.label: _index(l1.level2, self.variants) for l1 in self.level1}


def _index(labels: tuple[str, ...], variants: dict[str, tuple[str, ...]]) -> tuple[dict[str, str], dict[str, str]]:
    """Normalized spelling → label: exact spellings and variants first, then without brackets."""
    exact: dict[str, str] = {}
    for label in labels:
        for spelling in (label, *variants.get(label, ())):
            exact.setdefault(normalize_label(spelling), label)
    loose = {without_bracketed(label): label for label in reversed(labels)}
    return exact, loose


def _lookup(index: tuple[dict[str, str], dict[str, str]], text: str) -> str | None:
    norm = normalize_label(text)
    if not norm:
        return None
    exact, loose = index
    return exact.get(norm) or loose.get(norm)


@dataclass(frozen=True)
class InstructionsSpec:
    """The 填表说明 sheet: its name and its text, with placeholders for the form's labels."""

    sheet: str
    heading: str
    points: tuple[str, ...]
    protected_with_password: str
    protected_without_password: str
    tree_heading: str
    tree_line: str


@dataclass(frozen=True)
class RosterColumn:
    """A column of a roster: the field it fills and the headers that name it."""

    name: str
    label: Label
    required: bool = False


@dataclass(frozen=True)
class FormSpec:
    """A form kind: its layout, fields and the indicator trees its forms may use."""

    id: str
    title: str
    version: int
    hash: str
    default_framework: str
    columns: int
    column_widths: tuple[float, ...]
    midterm_years: int
    year_line: LineSpec
    unit_line: LineSpec
    labels: tuple[tuple[str, Span], ...]
    fields: tuple[FieldSpec, ...]
    indicators: IndicatorSpec
    footer: tuple[FieldSpec, ...]
    trees: dict[str, Tree] = field(compare=False, hash=False)
    row_heights: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    roster: tuple[RosterColumn, ...] = ()
    _memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    blank_sheet_name: str = "{number}"
    instructions: InstructionsSpec | None = None

    def field(self, name: str) -> FieldSpec:
        for f in (*self.fields, *self.footer):
            if f.name == name:
                return f
        raise KeyError(name)

    @cached_property
    def message_labels(self) -> dict[str, str]:
        """The labels issue messages name the form's parts by (``level3_label`` → 三级指标)."""
        ind = self.indicators
        first = ind.periods[0]
        return {"level1_label": without_bracketed(ind.level1.label.text),
                "level2_label": without_bracketed(first.level2.label.text),
                "level3_label": without_bracketed(first.level3.label.text),
                "value_label": without_bracketed(first.value.label.text),
                "unit_label": self.unit_line.label or ""}

    def label_of(self, name: str) -> str:
        """The Chinese label a column or field carries on the form (``budget_unit`` → 预算单位)."""
        if name == self.unit_line.field:
            return self.unit_line.label or name
        return self.field(name).label.text

    def tree(self, key: str) -> Tree:
        try:
            return self.trees[key]
        except KeyError:
            raise SpecError(f"没有名为“{key}”的指标体系，可选：{'、'.join(self.trees)}") from None

    @cached_property
    def period_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.indicators.periods)

    def canonical_level1(self, text: str) -> str | None:
        """The tree label this 一级 text stands for in any tree, or None."""
        key = ("level1", text)
        if key not in self._memo:
            found = (tree.canonical_level1(text) for tree in self.trees.values())
            self._memo[key] = next((canon for canon in found if canon is not None), None)
        return self._memo[key]

    def canonical_level2(self, level1: str, text: str) -> str | None:
        """The tree label this 二级 text stands for under ``level1`` in any tree, or None."""
        key = ("level2", level1, text)
        if key not in self._memo:
            found = (tree.canonical_level2(level1, text) for tree in self.trees.values())
            self._memo[key] = next((canon for canon in found if canon is not None), None)
        return self._memo[key]


# --- loading ---------------------------------------------------------------------


def _label(data: dict, key: str = "label") -> Label:
    return Label(text=data[key], variants=tuple(data.get("variants", ())), prefix=data.get("prefix", ""))


def _field(data: dict) -> FieldSpec:
    return FieldSpec(
        name=data["name"],
        label=_label(data),
        label_at=Span.parse(data["label_at"]),
        value_at=Span.parse(data["value_at"]),
        kind=data["kind"],
        required=data.get("required", False),
        max_length=data.get("max_length"),
        prompt=data.get("prompt", ""),
        not_above=data.get("not_above"),
        row_height=data.get("row_height"),
        period_pattern=data.get("period_pattern"),
        period_field=data.get("period_field"),
    )


def _column(role: str, data: dict) -> ColumnSpec:
    return ColumnSpec(role=role, column=column_index(data["column"]), label=_label(data))


def _indicators(data: dict) -> IndicatorSpec:
    periods = tuple(
        PeriodSpec(
            name=p["name"],
            level2=_column("level2", p["level2"]),
            level3=_column("level3", p["level3"]),
            value=_column("value", p["value"]),
        )
        for p in data["periods"]
    )
    return IndicatorSpec(
        label=Label(data["label"]),
        label_column=column_index(data["label_column"]),
        header_row=data["header_row"] - 1,
        level1=_column("level1", data["level1"]),
        periods=periods,
        rows_per_level2=data["rows_per_level2"],
        level3_max_length=data["level3_max_length"],
        value_max_length=data["value_max_length"],
        level2_prompt=data["level2_prompt"],
        level3_prompt=data["level3_prompt"],
        value_prompt=data["value_prompt"],
    )


def _instructions(data: dict) -> InstructionsSpec:
    return InstructionsSpec(
        sheet=data["sheet"], heading=data["heading"], points=tuple(data["points"]),
        protected_with_password=data["protected_with_password"],
        protected_without_password=data["protected_without_password"],
        tree_heading=data["tree_heading"], tree_line=data["tree_line"],
    )


def _line(data: dict) -> LineSpec:
    return LineSpec(
        at=Span.parse(data["at"]),
        text=data["text"],
        pattern=data.get("pattern"),
        label=data.get("label"),
        field=data.get("field"),
        prompt=data.get("prompt", ""),
        variants=tuple(data.get("variants", ())),
    )


@cache
def load_trees() -> dict[str, Tree]:
    """Every indicator tree in ``templates/trees.toml``, by key (``dongguan``, ``2020``, ``2021``)."""
    path = templates_dir() / TREES_FILE
    data = _read_toml(path)
    with _spec_file(path):
        variants = {k: tuple(v) for k, v in data.get("variants", {}).items()}
        return {
            key: Tree(
                key=key,
                name=tree["name"],
                level1=tuple(Level1(l1["label"], tuple(l1["level2"])) for l1 in tree["level1"]),
                variants=variants,
            )
            for key, tree in data["trees"].items()
        }


def available_forms() -> list[str]:
    """The form ids there is a spec file for: the TOML files in templates/ with a [form] table."""
    return sorted(p.stem for p in templates_dir().glob("*.toml") if "form" in _read_toml(p))


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"{path.name}: {exc}") from None


@contextmanager
def _spec_file(path: Path) -> Iterator[None]:
    """A key missing from the spec file, or a value of the wrong kind, is a SpecError naming the file."""
    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SpecError(f"{path.name}: missing or bad entry {exc}") from None


@cache
def load_spec(form_id: str = DEFAULT_FORM) -> FormSpec:
    """Load the spec of one form kind from ``templates/<form_id>.toml``."""
    path = templates_dir() / f"{form_id}.toml"
    if not path.is_file():
        raise SpecError(f"没有名为“{form_id}”的表格规范，可选：{'、'.join(available_forms())}")
    raw = path.read_bytes()
    trees_raw = (templates_dir() / TREES_FILE).read_bytes()
    data = _read_toml(path)
    trees = load_trees()
    with _spec_file(path):
        return _form_spec(data, trees, hashlib.sha256(raw + b"\0" + trees_raw).hexdigest()[:16], path)


def _form_spec(data: dict, trees: dict[str, Tree], digest: str, path: Path) -> FormSpec:
    form = data["form"]
    if form["default_framework"] not in trees:
        raise SpecError(f"{path.name}: default_framework {form['default_framework']!r} is not in {TREES_FILE}")
    return FormSpec(
        id=form["id"],
        title=form["title"],
        version=int(form["version"]),
        hash=digest,
        default_framework=form["default_framework"],
        columns=form["columns"],
        column_widths=tuple(form["column_widths"]),
        midterm_years=form["midterm_years"],
        year_line=_line(data["year_line"]),
        unit_line=_line(data["unit_line"]),
        labels=tuple((lab["text"], Span.parse(lab["at"])) for lab in data.get("labels", ())),
        fields=tuple(_field(f) for f in data["fields"]),
        indicators=_indicators(data["indicators"]),
        footer=tuple(_field(f) for f in data.get("footer", ())),
        trees=trees,
        row_heights={k: float(v) for k, v in data.get("row_heights", {}).items()},
        blank_sheet_name=form.get("blank_sheet_name", "{number}"),
        instructions=_instructions(data["instructions"]),
        roster=tuple(RosterColumn(c["name"], _label(c), c.get("required", False)) for c in data.get("roster", ())),
    )


def load_specs() -> list[FormSpec]:
    """Every form spec in ``templates/``."""
    return [load_spec(form_id) for form_id in available_forms()]
