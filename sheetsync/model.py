"""What a filled form holds, and the consolidated tables built from many of them.

:class:`ProjectForm` is one project sheet as read (or imported); :class:`Collection` holds
the three DataFrames that :func:`sheetsync.collect` returns. The column names here are the
public, stable API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import pandas as pd

from .issues import ISSUE_COLUMNS, Issue
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
_FLOAT_COLUMNS = {"midterm_budget_wan", "annual_budget_wan", "value_num"}
_INT_COLUMNS = {"year"}


@dataclass
class Indicator:
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


def _frame(rows: list[tuple], names: list[str]) -> pd.DataFrame:
    columns = list(zip(*rows)) if rows else [()] * len(names)
    df = pd.DataFrame(dict(zip(names, (list(c) for c in columns))), columns=names)
    for col in names:
        if col in _FLOAT_COLUMNS:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
        elif col in _INT_COLUMNS:
            df[col] = pd.array(df[col].tolist(), dtype="Int64")
        else:
            df[col] = df[col].fillna("").astype(str)
    return df


@dataclass
class TableRows:
    """Forms and issues as plain row tuples: cheap to send back from a worker and to append.

    Rows follow :data:`PROJECT_COLUMNS`, :data:`INDICATOR_COLUMNS` and ``ISSUE_COLUMNS``. The
    指标值 of every indicator is parsed here, so worker processes share that work.
    """

    projects: list[tuple] = field(default_factory=list)
    indicators: list[tuple] = field(default_factory=list)
    issues: list[tuple] = field(default_factory=list)

    @classmethod
    def of(cls, forms: Iterable[ProjectForm], issues: Iterable[Issue]) -> TableRows:
        rows = cls()
        for f in forms:
            rows.projects.append(tuple(getattr(f, name) for name in PROJECT_COLUMNS))
            where = (f.file, f.sheet, f.budget_unit, f.project_name)
            for ind in f.indicators:
                parsed = parse_value(ind.value)
                rows.indicators.append((*where, ind.period, ind.level1, ind.level2, ind.level3, ind.value,
                                        parsed.op, parsed.num, parsed.unit, parsed.kind, ind.cell))
        rows.issues = [tuple(getattr(i, name) for name in ISSUE_COLUMNS) for i in issues]
        return rows

    def extend(self, other: TableRows) -> None:
        self.projects += other.projects
        self.indicators += other.indicators
        self.issues += other.issues

    def tables(self) -> Tables:
        return Tables(_frame(self.projects, PROJECT_COLUMNS), _frame(self.indicators, INDICATOR_COLUMNS),
                      _frame(self.issues, ISSUE_COLUMNS))


@dataclass
class Tables:
    """The three tables of some forms; a :class:`Collection` is these tables of all of them."""

    projects: pd.DataFrame
    indicators: pd.DataFrame
    issues: pd.DataFrame


@dataclass
class Collection:
    """The consolidated result: ``projects``, ``indicators`` and ``issues`` DataFrames."""

    projects: pd.DataFrame
    indicators: pd.DataFrame
    issues: pd.DataFrame
    file_count: int = 0

    @classmethod
    def from_forms(cls, forms: list[ProjectForm], issues: list[Issue], file_count: int = 0) -> Collection:
        return cls.concat([TableRows.of(forms, issues).tables()], file_count)

    @classmethod
    def concat(cls, parts: list[Tables], file_count: int = 0) -> Collection:
        """One collection of the tables of ``parts``, in their order."""
        if len(parts) == 1:
            only = parts[0]
            return cls(only.projects, only.indicators, only.issues, file_count)
        tables = [pd.concat([getattr(p, name) for p in parts], ignore_index=True)
                  for name in ("projects", "indicators", "issues")]
        return cls(*tables, file_count=file_count)

    @property
    def error_count(self) -> int:
        return int((self.issues["severity"] == "error").sum())

    @property
    def warning_count(self) -> int:
        return int((self.issues["severity"] == "warning").sum())

    def summary_line(self, files: int) -> str:
        """The closing line of counts the CLI prints."""
        return (
            f"{files} files, {len(self.projects)} forms, {len(self.indicators)} indicators, "
            f"{self.error_count} errors, {self.warning_count} warnings"
        )
