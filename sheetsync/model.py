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
        """The project key of the identity sheet: 项目编码, else unit + name."""
        return self.project_code or f"{self.budget_unit}/{self.project_name}"


def _frame(rows: list[dict] | dict[str, list], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    for col in columns:
        if col in _FLOAT_COLUMNS:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
        elif col in _INT_COLUMNS:
            df[col] = pd.array(df[col].tolist(), dtype="Int64")
        else:
            df[col] = df[col].fillna("").astype(str)
    return df


def projects_frame(forms: Iterable[ProjectForm]) -> pd.DataFrame:
    """One row per project form, columns :data:`PROJECT_COLUMNS`."""
    return _frame([{c: getattr(f, c) for c in PROJECT_COLUMNS} for f in forms], PROJECT_COLUMNS)


def indicators_frame(forms: Iterable[ProjectForm]) -> pd.DataFrame:
    """One row per indicator and period, columns :data:`INDICATOR_COLUMNS`, values parsed."""
    columns: dict[str, list] = {c: [] for c in INDICATOR_COLUMNS}
    for f in forms:
        n = len(f.indicators)
        for name in ("file", "sheet", "budget_unit", "project_name"):
            columns[name] += [getattr(f, name)] * n
        for ind in f.indicators:
            for name in ("period", "level1", "level2", "level3", "value", "cell"):
                columns[name].append(getattr(ind, name))
            parsed = parse_value(ind.value)
            columns["value_op"].append(parsed.op)
            columns["value_num"].append(parsed.num)
            columns["value_unit"].append(parsed.unit)
            columns["value_kind"].append(parsed.kind)
    return _frame(columns, INDICATOR_COLUMNS)


def issues_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    """One row per issue, columns :data:`sheetsync.issues.ISSUE_COLUMNS`."""
    return _frame([i.as_dict() for i in issues], ISSUE_COLUMNS)


@dataclass
class Collection:
    """The consolidated result: ``projects``, ``indicators`` and ``issues`` DataFrames."""

    projects: pd.DataFrame
    indicators: pd.DataFrame
    issues: pd.DataFrame
    file_count: int = 0

    @classmethod
    def from_forms(cls, forms: list[ProjectForm], issues: list[Issue], file_count: int = 0) -> Collection:
        return cls(projects_frame(forms), indicators_frame(forms), issues_frame(issues), file_count)

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
