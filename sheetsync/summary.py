"""The summary workbook of a collection round, written with XlsxWriter.

Sheets (names from ``templates/columns.toml``, column headers from the form spec of the round):
项目汇总, 绩效指标 (continued on 绩效指标 (2), ... past Excel's row limit), 单位汇总, 指标结构,
问题清单 (continued likewise), 提交情况 (with a roster, or when a project arrived twice or its
form came back blank) and 图表 (when a form was filled in)::

    >>> write_summary(collect(["收回/"]), "汇总.xlsx", roster="名单.csv")   # doctest: +SKIP
    PosixPath('汇总.xlsx')
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from xlsxwriter.workbook import Workbook

from . import summary_sheets as sheets
from .headers import Headers, load_headers
from .identity import SUMMARY_MARK
from .model import Collection
from .output import atomic_path, check_workbook_name
from .roster import RosterEntry, read_roster
from .reader import form_specs
from .spec import FormSpec, load_spec
from .status import (Copies, blank_forms, choose_copies, copies_used, counted_issues, submission_status,
                     roster_spellings, unread_files, unread_owners)
from .summary_chart import write_chart
from .summary_sheets import AMOUNT, COUNT, NUMBER, SHARE, TEXT, Formats, Table, write_table
from .summary_tables import (INDICATOR_TABLE, ISSUE_TABLE, PROJECT_TABLE, PROJECT_TRAILER, ROSTER_UNIT_TABLE,
                             UNIT_TABLE, indicator_kinds, level1_order, project_table, structure_table,
                             unit_issue_counts, unit_table, with_roster)
from .xlsx import close_workbook

KINDS = {"midterm_budget_wan": AMOUNT, "annual_budget_wan": AMOUNT, "indicators": COUNT, "errors": COUNT,
         "warnings": COUNT, "projects": COUNT, "blank_projects": COUNT, "roster_projects": COUNT,
         "missing_projects": COUNT, "quantitative_share": SHARE, "value_num": NUMBER, "year": NUMBER,
         "roster_row": COUNT}


def _kinds(columns: list[str]) -> list[str]:
    return [KINDS.get(c, TEXT) for c in columns]


def _styles(errors: pd.Series, warnings: pd.Series) -> list[str | None]:
    return [("error" if e else "warning" if w else None) for e, w in zip(errors.tolist(), warnings.tolist())]


def _totals(frame: pd.DataFrame, kinds: list[str]) -> dict[int, float]:
    totals = {i: float(frame.iloc[:, i].sum()) for i, k in enumerate(kinds) if k == AMOUNT}
    totals.update({i: int(frame.iloc[:, i].sum()) for i, k in enumerate(kinds) if k == COUNT})
    return totals


def _losing_copy_notes(issues: pd.DataFrame, copies: Copies, headers: Headers) -> list[str]:
    """For each issue of a copy that lost to another (重复提交), which copy the summary used:
    a problem of an old copy needs no correcting once a newer one was sent."""
    return [headers.status_note("superseded", winner=used[0], winner_sheet=used[1]) if used else ""
            for used in copies_used(issues, copies)]


def _share(quantitative: float, total: float) -> float:
    return quantitative / total if total else math.nan


def write_summary(collection: Collection, path: Path | str, *,
                  roster: Path | str | list[RosterEntry] | None = None, force: bool = False) -> Path:
    """Write the summary workbook of ``collection`` to ``path`` (atomically; ``force`` to overwrite).

    ``roster`` is a roster file or its entries (see :func:`sheetsync.roster.read_roster`); with it, the
    提交情况 sheet marks every roster project 已提交, 未提交 or 重复提交 and every other
    project found 名单外.
    """
    check_workbook_name(path)
    headers = _round_headers(collection.projects)
    entries = read_roster(roster) if isinstance(roster, (str, Path)) else roster
    copies = choose_copies(collection)
    with atomic_path(path, force=force) as tmp:
        workbook = Workbook(str(tmp), sheets.workbook_options())
        workbook.set_custom_property(*SUMMARY_MARK)
        _write_sheets(workbook, headers, collection, copies, entries)
        close_workbook(workbook)
    return Path(path)


def _round_specs(projects: pd.DataFrame) -> list[FormSpec]:
    """The specs of the round's form kinds (the default form's for a round without forms)."""
    specs = {spec.id: spec for spec in form_specs()}
    return [specs[kind] for kind in projects["form"].unique().tolist() if kind in specs] or [load_spec()]


def _round_headers(projects: pd.DataFrame) -> Headers:
    """The labels of the round's form kind when its forms are all of one, else the default form's."""
    used = _round_specs(projects)
    return Headers(used[0]) if len(used) == 1 else load_headers()


def _fields_absent(projects: pd.DataFrame) -> set[str]:
    """The fields of the known form kinds that no form of the round has (an annual-only form
    has no 中期 amount): their columns are left out of the summary."""
    def names(spec: FormSpec) -> set[str]:
        return {field.name for field in (*spec.fields, *spec.footer)}

    return set().union(*map(names, form_specs())) - set().union(*map(names, _round_specs(projects)))


def _sheet_names(headers: Headers, key: str, rows: int) -> list[str]:
    """The sheet of table ``key`` and, past Excel's row limit, the sheets it continues on."""
    count = max(1, math.ceil(rows / sheets.rows_per_sheet()))
    return [headers.sheet(key)] + [headers.continued_sheet(key, n) for n in range(2, count + 1)]


def _respelt(table: pd.DataFrame, units: dict[str, str]) -> pd.DataFrame:
    """``table`` with its units spelt as ``units`` maps them."""
    if not units:
        return table
    return table.assign(budget_unit=[units.get(unit, unit) for unit in table["budget_unit"].tolist()])


def _continued_note(headers: Headers, key: str, rows: int) -> str:
    """Where table ``key`` continues, for its first sheet; "" when it fits on one."""
    names = _sheet_names(headers, key, rows)
    return headers.text("continued_note", table=names[0], rows=rows, sheets="、".join(names[1:])) if len(names) > 1 else ""


def _write_continued(workbook: Workbook, formats: Formats, headers: Headers, key: str, table: Table) -> None:
    """Table ``key`` on its sheet and, past Excel's row limit, on further sheets, the first saying so."""
    rows, per_sheet = len(table.frame), sheets.rows_per_sheet()
    for n, name in enumerate(_sheet_names(headers, key, rows)):
        write_table(workbook, formats, name, table, start=n * per_sheet, stop=(n + 1) * per_sheet,
                    note=_continued_note(headers, key, rows) if n == 0 else "")


def _write_sheets(workbook: Workbook, headers: Headers, collection: Collection, copies: Copies, entries) -> None:
    formats = Formats(workbook)
    spec = headers.spec
    level1 = level1_order(copies.indicators, spec)
    blank = blank_forms(copies)
    counted = counted_issues(copies)
    projects = project_table(copies.projects, copies.indicators, counted, level1, copies.paths, blank)
    filled = projects[~projects["blank"]]
    notes = [_continued_note(headers, "indicators", len(copies.indicators))]
    if blank:
        notes.append(headers.text("blank_note", count=len(blank), column=headers.column("blank")))

    absent = _fields_absent(copies.projects)
    columns = [c for c in PROJECT_TABLE if c not in absent] + level1 + PROJECT_TRAILER
    kinds = [COUNT if c in level1 else k for c, k in zip(columns, _kinds(columns))]
    totals = _totals(filled[columns], kinds)
    all_kinds = indicator_kinds(copies.indicators).sum()
    share = _share(all_kinds["quantitative"], all_kinds["kinded"])
    totals[columns.index("quantitative_share")] = share
    shown = projects.assign(blank=projects["blank"].map({True: headers.text("blank_form"), False: ""}))
    write_table(workbook, formats, headers.sheet("projects"), Table(
        shown[columns], [headers.level1_count(c) if c in level1 else headers.column(c) for c in columns], kinds,
        _styles(projects["errors"], projects["warnings"]), totals, headers.text("total"),
        blanks_only=columns.index("blank") if blank else None), note=" ".join(filter(None, notes)))

    indicators = copies.indicators[INDICATOR_TABLE]
    _write_continued(workbook, formats, headers, "indicators",
                     Table(indicators, headers.columns(INDICATOR_TABLE), _kinds(INDICATOR_TABLE)))

    status = None
    unread = unread_files(collection)
    if entries is not None or not copies.duplicates.empty or blank:
        status = submission_status(entries, copies, headers, unread, blank)
    named = copies.projects["budget_unit"] if entries is None else [entry.budget_unit for entry in entries]
    # With a roster, a unit is counted under the roster's name, however its forms spell it.
    spelt = {} if entries is None else roster_spellings(entries, copies.projects)
    issue_counts = unit_issue_counts(counted, _respelt(collection.projects, spelt), unread_owners(unread, named))
    units = unit_table(_respelt(projects, spelt), _respelt(copies.indicators, spelt), issue_counts)
    if entries is not None:
        units = with_roster(units, entries, status, headers.status("missing"), issue_counts)
    unit_columns = [c for c in (UNIT_TABLE if entries is None else ROSTER_UNIT_TABLE) if c not in absent]
    units = units[unit_columns]
    kinds = _kinds(unit_columns)
    totals = _totals(units, kinds)
    totals[unit_columns.index("quantitative_share")] = share
    write_table(workbook, formats, headers.sheet("units"), Table(
        units, headers.columns(unit_columns), kinds, _styles(units["errors"], units["warnings"]),
        totals, headers.text("total")))

    structure = structure_table(copies.indicators, level1, spec)
    structure_headers = [headers.column("level1"), headers.column("level2")] + [
        headers.period_count(period, measure) for period, measure in structure.columns[2:]]
    kinds = [TEXT, TEXT] + [COUNT] * (len(structure.columns) - 2)
    write_table(workbook, formats, headers.sheet("structure"), Table(
        structure, structure_headers, kinds, None, _totals(structure, kinds), headers.text("total")))

    issues = collection.issues[ISSUE_TABLE].assign(
        field=collection.issues["field"].map(headers.field_label),
        severity=collection.issues["severity"].map(headers.severity),
        note=_losing_copy_notes(collection.issues, copies, headers),
    )
    # A problem of a copy not used needs no correcting: it is listed, not flagged.
    counted = collection.issues["severity"].where(~copies.lost.issues)
    styles = _styles(counted == "error", counted == "warning")
    columns = ISSUE_TABLE + ["note"]
    _write_continued(workbook, formats, headers, "issues", Table(issues, headers.columns(columns), _kinds(columns), styles))

    if status is not None:
        flagged = {headers.status("missing"): "error", headers.status("duplicate"): "warning",
                   headers.status("outside"): "warning"}
        write_table(workbook, formats, headers.sheet("status"), Table(
            status, headers.columns(list(status.columns)), _kinds(list(status.columns)),
            [flagged.get(s) for s in status["status"].tolist()]))

    if len(filled) and "annual_budget_wan" not in absent:
        write_chart(workbook, formats, headers, filled, units)
