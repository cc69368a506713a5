"""The tables of the summary workbook, computed from the collected DataFrames.

Each function returns a DataFrame whose columns are names known to
:class:`sheetsync.headers.Headers`, except the 一级 count columns, which are named by the
一级 label itself (see :func:`level1_order`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .model import Paths
from .spec import FormSpec, normalize_label
from .values import QUALITATIVE, QUANTITATIVE

if TYPE_CHECKING:
    from .roster import RosterEntry

PROJECT_TABLE = ["budget_unit", "project_name", "project_code", "year", "midterm_budget_wan", "annual_budget_wan",
                 "midterm_goal", "annual_goal"]
PROJECT_TRAILER = ["indicators", "quantitative_share", "errors", "warnings", "blank", "file", "sheet"]
INDICATOR_TABLE = ["budget_unit", "project_name", "period", "level1", "level2", "level3", "value",
                   "value_op", "value_num", "value_unit", "value_kind", "file", "sheet", "cell"]
UNIT_TABLE = ["budget_unit", "projects", "blank_projects", "midterm_budget_wan", "annual_budget_wan", "indicators",
              "quantitative_share", "errors", "warnings"]
# 单位汇总 with a roster: how many projects the roster gives each unit, and how many are not in.
ROSTER_UNIT_TABLE = ["budget_unit", "roster_projects", "projects", "missing_projects", *UNIT_TABLE[2:]]
ISSUE_TABLE = ["file", "sheet", "cell", "field", "severity", "code", "message"]
STRUCTURE_MEASURES = ["indicators", "quantitative", "qualitative"]


def level1_order(indicators: pd.DataFrame, spec: FormSpec) -> list[str]:
    """The 一级 labels present, in the order of the indicator trees, unknown ones last."""
    known: list[str] = []
    for tree in spec.trees.values():
        known += [label for label in tree.level1_labels if label not in known]
    present = [v for v in indicators["level1"].unique().tolist() if v]
    rank = {label: i for i, label in enumerate(known)}
    return sorted(present, key=lambda v: (rank.get(v, len(rank)), v))


def _issue_counts(issues: pd.DataFrame, files: pd.Series) -> pd.DataFrame:
    """Errors and warnings per (file key, sheet)."""
    counts = pd.crosstab([files, issues["sheet"]], issues["severity"])
    out = pd.DataFrame(index=counts.index)
    out["errors"] = counts["error"] if "error" in counts else 0
    out["warnings"] = counts["warning"] if "warning" in counts else 0
    return out


def project_table(projects: pd.DataFrame, indicators: pd.DataFrame, issues: pd.DataFrame,
                  level1: list[str], paths: Paths | None = None, blank: Iterable[int] = ()) -> pd.DataFrame:
    """One row per project: identity, amounts, goals, indicators per 一级, 定量 share, issue
    counts, and whether its form came back blank (``blank``: positions in ``projects``).

    ``paths`` (:attr:`sheetsync.status.Copies.paths`) tell apart files that show the same name;
    without them the ``file`` columns do."""
    of_project, of_indicator, of_issue = _file_keys(projects, indicators, issues, paths)
    where = [of_indicator, indicators["sheet"]]
    by_level1 = pd.crosstab(where, indicators["level1"])
    counts = by_level1.reindex(columns=level1, fill_value=0)
    kinds = indicator_kinds(indicators).groupby(where).sum()
    counts["indicators"] = kinds["indicators"]
    counts["quantitative_share"] = kinds["quantitative"] / kinds["kinded"]
    counts = counts.join(_issue_counts(issues, of_issue), how="outer")
    found = counts.reindex(pd.MultiIndex.from_arrays([of_project, projects["sheet"]]))
    table = pd.concat([projects[PROJECT_TABLE + ["file", "sheet"]].reset_index(drop=True),
                       found.reset_index(drop=True)], axis=1)
    for col in [*level1, "indicators", "errors", "warnings"]:
        table[col] = table[col].fillna(0).astype("int64")
    table["blank"] = np.isin(np.arange(len(table)), list(blank))
    return table[PROJECT_TABLE + level1 + PROJECT_TRAILER].reset_index(drop=True)


def _file_keys(projects: pd.DataFrame, indicators: pd.DataFrame, issues: pd.DataFrame,
               paths: Paths | None) -> list[pd.Series]:
    """A key per row of each table for the file it came from: its ``file``, or with ``paths`` a
    number per path (a name that is not UTF-8 cannot be a pandas text value)."""
    tables = (projects, indicators, issues)
    if paths is None:
        return [table["file"] for table in tables]
    numbers, _ = pd.factorize(np.concatenate(paths))
    parts = np.split(numbers, np.cumsum([len(table) for table in tables])[:-1])
    return [pd.Series(part, index=table.index) for part, table in zip(parts, tables)]


def unit_table(table: pd.DataFrame, indicators: pd.DataFrame, issue_counts: pd.DataFrame) -> pd.DataFrame:
    """One row per budget unit, from :func:`project_table`'s rows and the indicators; a unit
    spelt with other spaces or brackets is the same unit, named as first written. Its projects
    and amounts are those of the forms filled in; the blank ones are counted apart. Its errors
    and warnings are its row of ``issue_counts`` (:func:`unit_issue_counts`)."""
    keys = _unit_keys(table["budget_unit"])
    grouped = table.groupby(keys, sort=False)
    units = pd.DataFrame({"budget_unit": grouped["budget_unit"].first()})
    filled = table[~table["blank"]].groupby(keys[~table["blank"]], sort=False)
    units = units.assign(
        projects=filled.size().reindex(units.index, fill_value=0),
        blank_projects=grouped["blank"].sum().astype("int64"),
        midterm_budget_wan=filled["midterm_budget_wan"].sum(min_count=1).reindex(units.index),
        annual_budget_wan=filled["annual_budget_wan"].sum(min_count=1).reindex(units.index),
        indicators=grouped["indicators"].sum(),
    )
    kinds = indicator_kinds(indicators).groupby(_unit_keys(indicators["budget_unit"])).sum()
    units["quantitative_share"] = (kinds["quantitative"] / kinds["kinded"]).reindex(units.index)
    units = units.reset_index(drop=True)
    return _with_issue_counts(units, issue_counts)[UNIT_TABLE]


def with_roster(units: pd.DataFrame, roster: list[RosterEntry], status: pd.DataFrame, missing: str,
                issue_counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`unit_table` against a roster: every unit of the roster, those that sent no form
    after the others (with the problems of the files they sent, ``issue_counts``), and per unit
    the roster's projects and those not submitted (rows of ``status`` whose status reads
    ``missing``, blank forms among them)."""
    keys = _unit_keys(units["budget_unit"])
    named = pd.Series([entry.budget_unit for entry in roster], dtype=object)
    listed = named.groupby(_unit_keys(named), sort=False)
    first = listed.first()
    absent = first[~first.index.isin(keys)]
    zeros = {column: 0 for column in ("projects", "blank_projects", "indicators")}
    absent = _with_issue_counts(pd.DataFrame({"budget_unit": absent.tolist(), **zeros}), issue_counts)
    units = pd.concat([units, absent], ignore_index=True)
    keys = _unit_keys(units["budget_unit"])
    not_sent = status[status["status"] == missing]
    units["roster_projects"] = keys.map(listed.size()).fillna(0).astype("int64")
    units["missing_projects"] = keys.map(not_sent.groupby(_unit_keys(not_sent["budget_unit"])).size()).fillna(0).astype("int64")
    return units


def indicator_kinds(indicators: pd.DataFrame) -> pd.DataFrame:
    """Per indicator: one, whether 定量, and whether its value is either (an empty one is neither)."""
    kinds = indicators["value_kind"]
    return pd.DataFrame({"indicators": 1, "quantitative": (kinds == QUANTITATIVE).astype("int64"),
                         "kinded": (kinds != "").astype("int64")}, index=indicators.index)


def _unit_keys(units: pd.Series) -> pd.Series:
    keys = {unit: normalize_label(unit) for unit in units.unique().tolist()}
    return units.map(keys)


def unit_issue_counts(issues: pd.DataFrame, forms: pd.DataFrame, owners: dict[str, str]) -> pd.DataFrame:
    """Errors and warnings per unit key: an issue is its sheet's unit's, else its file's when
    the file's forms are all of one unit, else the unit that ``owners`` give its file (a file
    that gave no form, :func:`sheetsync.status.unread_owners`). ``forms`` are the rows of every
    copy read."""
    unit_keys = _unit_keys(forms["budget_unit"]).tolist()
    of_sheet = dict(zip(zip(forms["file"].tolist(), forms["sheet"].tolist()), unit_keys))
    of_file: dict[str, set[str]] = {}
    for file, key in zip(forms["file"].tolist(), unit_keys):
        of_file.setdefault(file, set()).add(key)
    sole = {file: next(iter(keys)) for file, keys in of_file.items() if len(keys) == 1}
    owners = [of_sheet.get((file, sheet), sole.get(file, owners.get(file)))
              for file, sheet in zip(issues["file"].tolist(), issues["sheet"].tolist())]
    severity = issues["severity"].tolist()
    frame = pd.DataFrame({"unit": owners, "errors": [s == "error" for s in severity],
                          "warnings": [s == "warning" for s in severity]})
    return frame.dropna(subset=["unit"]).groupby("unit")[["errors", "warnings"]].sum()


def _with_issue_counts(units: pd.DataFrame, issue_counts: pd.DataFrame) -> pd.DataFrame:
    counts = issue_counts.reindex(_unit_keys(units["budget_unit"]).tolist(), fill_value=0)
    return units.assign(**{column: counts[column].to_numpy(dtype="int64") for column in ("errors", "warnings")})


def structure_table(indicators: pd.DataFrame, level1: list[str], spec: FormSpec) -> pd.DataFrame:
    """Counts per 一级 and 二级 (rows, in the trees' order) and per period × {indicators, 定量,
    定性} (columns). Columns are ``level1``, ``level2`` then ``(period, measure)`` tuples.
    """
    periods = spec.period_names
    frame = indicators.assign(
        quantitative=(indicators["value_kind"] == QUANTITATIVE).astype("int64"),
        qualitative=(indicators["value_kind"] == QUALITATIVE).astype("int64"),
        indicators=1,
    )
    table = frame.pivot_table(index=["level1", "level2"], columns="period", values=STRUCTURE_MEASURES,
                              aggfunc="sum", fill_value=0, observed=True)
    columns = [(p, m) for p in periods for m in STRUCTURE_MEASURES]
    table.columns = [(p, m) for m, p in table.columns]
    table = table.reindex(columns=columns, fill_value=0).reset_index()
    rank = {label: i for i, label in enumerate(level1)}
    table["_rank"] = table["level1"].map(rank).fillna(len(rank))
    table["_rank2"] = [_level2_rank(spec, l1, l2) for l1, l2 in zip(table["level1"], table["level2"])]
    table = table.sort_values(["_rank", "level1", "_rank2", "level2"], kind="stable").drop(columns=["_rank", "_rank2"])
    for col in columns:
        table[col] = table[col].astype("int64")
    return table.reset_index(drop=True)


def _level2_rank(spec: FormSpec, level1: str, level2: str) -> int:
    """Where a 二级 stands under its 一级 in the first tree that has it; unknown ones last."""
    for tree in spec.trees.values():
        if level2 in (labels := tree.level2_of(level1)):
            return labels.index(level2)
    return 1_000
