"""What a filled form holds, and the consolidated tables built from many of them.

:class:`ProjectForm` is one project sheet as read (or imported); :class:`Collection` holds
the three DataFrames that :func:`sheetsync.collect` returns. The column names here are the
public, stable API: each table's columns, then :data:`SUPERSEDED`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import repeat
from typing import Iterable, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.arrays import ArrowStringArray

from .issues import ISSUE_COLUMNS, NOT_SENT, Issue
from .spec import normalize_label
from .values import parse_value

PROJECT_COLUMNS = [
    "file", "sheet", "form", "year", "budget_unit", "project_name", "project_code",
    "midterm_period", "midterm_budget_wan", "annual_budget_wan", "midterm_goal",
    "annual_goal", "approval_opinion", "template_version", "generated_at",
]
INDICATOR_COLUMNS = [
    "file", "sheet", "budget_unit", "project_name", "period", "level1", "level2", "level3",
    "value", "value_op", "value_num", "value_unit", "value_kind", "cell",
]
# The last column of every table of a Collection: True on the rows of a copy of a project
# that another copy superseded (重复提交, see sheetsync.status.choose_copies), which the
# summary does not use.
SUPERSEDED = "superseded"
BUDGET_YEARS = range(2000, 2101)  # the years a template may be made for
_FLOAT_COLUMNS = {"midterm_budget_wan", "annual_budget_wan", "value_num"}
_INT_COLUMNS = {"year"}
# pandas' text dtype ("str"); built from Arrow directly when Arrow stores it.
_STR = pd.api.types.pandas_dtype("str")


class Indicator(NamedTuple):
    """One indicator of one period (中期 or 年度), with the cell its value is in."""

    period: str
    level1: str
    level2: str
    level3: str
    value: str
    cell: str = ""


@dataclass
class ProjectForm:
    """One project's form: identity, amounts, goals, opinion and indicators."""

    budget_unit: str = ""
    project_name: str = ""
    year: int | None = None
    project_code: str = ""
    midterm_period: str = ""
    midterm_budget_wan: float | None = None
    annual_budget_wan: float | None = None
    midterm_goal: str = ""
    annual_goal: str = ""
    approval_opinion: str = ""
    indicators: list[Indicator] = field(default_factory=list)
    # Where it came from; filled by the reader or importer.
    file: str = ""
    sheet: str = ""
    form: str = ""
    template_version: str = ""
    generated_at: str = ""  # ISO time the template was generated, from its identity sheet

    @property
    def key(self) -> str:
        """The project key of the identity sheet: see :func:`project_key`."""
        return project_key(self.budget_unit, self.project_name, self.project_code)


def project_key(budget_unit: str, project_name: str, project_code: str = "") -> str:
    """What identifies a project across copies: 项目编码, else ``预算单位/项目名称``.

    Spaces, line breaks and full-width characters do not count: ``某局/办公 设备`` and
    ``某局/办公设备`` are one project.
    """
    if project_code.strip():
        return normalize_label(project_code)
    return f"{normalize_label(budget_unit)}/{normalize_label(project_name)}"


Columns = dict[str, list]

# Per indicator row, the form's columns repeated, then the Indicator's, then the parsed value's.
_FORM_COLUMNS = ("file", "sheet", "budget_unit", "project_name")
_VALUE_COLUMNS = ("value_op", "value_num", "value_unit", "value_kind")
_VALUE_INDEX = Indicator._fields.index("value")


def _columns(names: list[str]) -> Columns:
    return {name: [] for name in names}


@dataclass
class TableRows:
    """Forms and issues as plain column lists: cheap to send back from a worker and to append.

    Columns follow :data:`PROJECT_COLUMNS`, :data:`INDICATOR_COLUMNS` and ``ISSUE_COLUMNS``. The
    指标值 of every indicator is parsed here, so worker processes share that work.
    """

    projects: Columns = field(default_factory=lambda: _columns(PROJECT_COLUMNS))
    indicators: Columns = field(default_factory=lambda: _columns(INDICATOR_COLUMNS))
    issues: Columns = field(default_factory=lambda: _columns(ISSUE_COLUMNS))

    def add(self, forms: Iterable[ProjectForm], issues: Iterable[Issue]) -> None:
        projects, indicators = self.projects, self.indicators
        for f in forms:
            for name, column in projects.items():
                column.append(getattr(f, name))
            if not f.indicators:
                continue
            count = len(f.indicators)
            for name in _FORM_COLUMNS:
                indicators[name] += repeat(getattr(f, name), count)
            by_field = list(zip(*f.indicators))
            for name, column in zip(Indicator._fields, by_field):
                indicators[name] += column
            for name, column in zip(_VALUE_COLUMNS, zip(*map(parse_value, by_field[_VALUE_INDEX]))):
                indicators[name] += column
        for i in issues:
            for name, column in self.issues.items():
                column.append(getattr(i, name))

    def tables(self) -> Tables:
        tables = Tables(_frame(self.projects), _frame(self.indicators), _frame(self.issues))
        if any(_UNDECODED.search(str(file)) for file in {*self.projects["file"], *self.issues["file"]}):
            tables.paths = Paths(*(np.array(columns["file"], dtype=object)
                                   for columns in (self.projects, self.indicators, self.issues)))
        return tables


def _frame(columns: Columns) -> pd.DataFrame:
    return pd.DataFrame({name: _array(name, values) for name, values in columns.items()}, copy=False)


def _array(name: str, values: list) -> object:
    if name in _FLOAT_COLUMNS:
        return np.array(values, dtype="float64")
    if name in _INT_COLUMNS:
        return pd.array(values, dtype="Int64")
    if _STR.storage == "pyarrow":
        try:
            array = pa.array(values, type=pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):
            pass  # a value that is not text, or a path that is not UTF-8: converted one by one below
        else:
            return ArrowStringArray(array.fill_null("") if array.null_count else array, dtype=_STR)
    return pd.array([_as_text(v) for v in values], dtype=_STR)


def _as_text(value: object) -> str:
    """A text column's value: missing (None, NaN) as empty text, anything else as its str, a
    file name that is not UTF-8 as it reads (:func:`readable_path`)."""
    return "" if value is None or value != value else readable_path(str(value))


# Python keeps the bytes of a file name that are not UTF-8 as lone surrogates, which no
# table, workbook or CSV can hold.
_UNDECODED = re.compile("[\udc80-\udcff]")


def readable_path(path: str) -> str:
    """``path`` with each part of it that is not UTF-8 read as GBK (GB18030), as unzip and
    Windows shares leave Chinese names, else shown as ``\\xb2``.

        >>> readable_path(b"/in/\\xd2\\xd2\\xbe\\xd6.xlsx".decode("utf-8", "surrogateescape"))
        '/in/乙局.xlsx'
    """
    if not _UNDECODED.search(path):
        return path
    return "/".join(_decoded(part) if _UNDECODED.search(part) else part for part in path.split("/"))


def readable_text(text: str) -> str:
    """``text`` (a message naming paths) with each path in it read as :func:`readable_path` reads
    it. Spaces part the words: no GBK character holds the byte of a space or a slash.

        >>> readable_text(b"cannot write /out/\\xd2\\xd2\\xbe\\xd6.xlsx: No space left".decode("utf-8", "surrogateescape"))
        'cannot write /out/乙局.xlsx: No space left'
    """
    if not _UNDECODED.search(text):
        return text
    return " ".join(readable_path(word) for word in text.split(" "))


def _decoded(part: str) -> str:
    # A GBK name can hold byte pairs that are UTF-8 too (d2 be): the whole part is decoded again.
    raw = part.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


class Paths(NamedTuple):
    """The path each row of each table was read by, where a ``file`` column shows a name that is
    not UTF-8 as it reads (:func:`readable_path`): two files can show the same name."""

    projects: np.ndarray
    indicators: np.ndarray
    issues: np.ndarray


@dataclass
class Tables:
    """The three tables of some forms; a :class:`Collection` is these tables of all of them."""

    projects: pd.DataFrame
    indicators: pd.DataFrame
    issues: pd.DataFrame
    paths: Paths | None = None  # None: every ``file`` is the path it was read by


def _read_paths(tables: Tables | Collection) -> Paths:
    if tables.paths is not None:
        return tables.paths
    return Paths(*(table["file"].to_numpy(dtype=object) for table in (tables.projects, tables.indicators, tables.issues)))


@dataclass
class Collection:
    """The consolidated result: ``projects``, ``indicators`` and ``issues`` DataFrames."""

    projects: pd.DataFrame
    indicators: pd.DataFrame
    issues: pd.DataFrame
    file_count: int = 0
    paths: Paths | None = field(default=None, repr=False, compare=False)  # as :attr:`Tables.paths`

    def __post_init__(self) -> None:
        self.projects, self.indicators, self.issues = map(_with_superseded, (self.projects, self.indicators, self.issues))

    def paths_of(self, table: str) -> pd.Series | np.ndarray:
        """The path each row of ``table`` (``"projects"``, ...) was read by: its :attr:`paths`,
        else its ``file`` column."""
        return getattr(self.paths, table) if self.paths is not None else getattr(self, table)["file"]

    @classmethod
    def from_forms(cls, forms: list[ProjectForm], issues: list[Issue], file_count: int = 0) -> Collection:
        rows = TableRows()
        rows.add(forms, issues)
        return cls.concat([rows.tables()], file_count)

    @classmethod
    def concat(cls, parts: list[Tables], file_count: int = 0) -> Collection:
        """One collection of the tables of ``parts``, in their order."""
        if len(parts) == 1:
            only = parts[0]
            return cls(only.projects, only.indicators, only.issues, file_count, only.paths)
        tables = [pd.concat([getattr(p, name) for p in parts], ignore_index=True)
                  for name in ("projects", "indicators", "issues")]
        paths = None
        if any(p.paths is not None for p in parts):
            paths = Paths(*(np.concatenate(arrays) for arrays in zip(*map(_read_paths, parts))))
        return cls(*tables, file_count=file_count, paths=paths)

    def with_issues(self, issues: list[Issue]) -> Collection:
        """This collection with ``issues`` after its own."""
        if not issues:
            return self
        rows = TableRows()
        rows.add([], issues)
        added = rows.tables()
        paths = None
        if self.paths is not None or added.paths is not None:
            ours = _read_paths(self)
            paths = ours._replace(issues=np.concatenate([ours.issues, _read_paths(added).issues]))
        return Collection(self.projects, self.indicators,
                          pd.concat([self.issues, _with_superseded(added.issues)], ignore_index=True),
                          self.file_count, paths)

    def without_files(self, files: set[str]) -> Collection:
        """This collection without the rows of ``files`` (as the tables name them); they still
        count among the files read (:meth:`summary_line` counts a file no department sent apart)."""
        kept = [~table["file"].isin(files).to_numpy() for table in (self.projects, self.indicators, self.issues)]
        tables = [table[keep].reset_index(drop=True)
                  for table, keep in zip((self.projects, self.indicators, self.issues), kept)]
        paths = None if self.paths is None else Paths(*(p[keep] for p, keep in zip(self.paths, kept)))
        return Collection(*tables, file_count=self.file_count, paths=paths)

    @property
    def error_count(self) -> int:
        """Errors, leaving out those of copies superseded by another (the summary does not use them)."""
        return self._count("error", superseded=False)

    @property
    def warning_count(self) -> int:
        """Warnings, leaving out those of copies superseded by another."""
        return self._count("warning", superseded=False)

    def _count(self, severity: str, *, superseded: bool) -> int:
        issues = self.issues
        return int(((issues["severity"] == severity) & (issues[SUPERSEDED] == superseded)).sum())

    def summary_line(self, files: int) -> str:
        """The closing line of counts the CLI prints; files no department sent (our own summaries
        and feedback copies, rosters, lock files), and the copies superseded with their problems, apart."""
        skipped = self.issues.loc[self.issues["code"].isin(NOT_SENT), "file"].nunique()
        line = (f"{files - skipped}个文件，{len(self.projects)}张表，{len(self.indicators)}条指标，"
                f"{self.error_count}个错误，{self.warning_count}个警告")
        if skipped:
            line += f"；另跳过{skipped}个不是填报表的文件（本工具的输出、项目名单或锁定文件）"
        superseded = int(self.projects[SUPERSEDED].sum())
        if superseded:
            line += (f"；{superseded}张表是重复提交、未采用的副本（其中{self._count('error', superseded=True)}个错误，"
                     f"{self._count('warning', superseded=True)}个警告）")
        return line


def _with_superseded(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a boolean :data:`SUPERSEDED` column (all False when it had none; a column
    read back from CSV or SQLite as text or 0/1 made boolean)."""
    if SUPERSEDED not in table.columns:
        return table.assign(**{SUPERSEDED: False})
    if table[SUPERSEDED].dtype == bool:
        return table
    return table.assign(**{SUPERSEDED: table[SUPERSEDED].isin([True, 1, "True", "true", "1"]).to_numpy()})
