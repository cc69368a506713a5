"""Which copy of a project is used when it arrived twice, and who has sent what.

Two copies are one project when they have the same 项目编码, or the same 预算单位 + 项目名称
and not two different codes (a copy from our template carries the code, a hand-made one
often does not). A form with
neither a code nor a name, or with neither a code nor a unit, is a project of its own. Of two
copies, a filled one wins over one holding no goal and no indicator (a template sheet sent
back as it came), then our feedback copy of a file, changed and sent back, over that file (a
correction beats its original whatever the files' times), then the one of the round's year (the year of most forms: last year's form
sent again loses), then one on a visible sheet (a hidden one is often an old draft), then the
one whose template was generated later, else the one whose file was modified later; the others
are kept as duplicates, each with the reason it lost, never dropped silently::

    >>> copies = choose_copies(collection)                 # doctest: +SKIP
    >>> status = submission_status(read_roster("名单.csv"), copies, load_headers())  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Sequence

import numpy as np
import pandas as pd

from .headers import Headers, load_headers
from .issues import NOT_SENT, SHEET_GONE, Issue, issue
from .feedback_marks import feedback_copies
from .model import SUPERSEDED, Collection, Paths, project_key, readable_path
from .names import without_place
from .spec import normalize_label

STATUS_COLUMNS = ["status", "roster_row", "budget_unit", "project_name", "project_code", "file", "sheet", "note"]
# A losing copy's own file, sheet and project, as 提交情况 lists it.
_OWN_COLUMNS = ["file", "sheet", "budget_unit", "project_name", "project_code"]
DUPLICATE_COLUMNS = ["key", *_OWN_COLUMNS, "winner_file", "winner_sheet", "reason"]
# Problems that are about a project sent twice: they stay problems whichever copy is used.
_OF_THE_DUPLICATION = ("project_twice_in_file",)


def project_keys(projects: pd.DataFrame) -> pd.Series:
    """The key of the project every row is a copy of: its 项目编码, else 预算单位/项目名称
    (:func:`sheetsync.model.project_key`); a copy without a code takes the code of the copies
    with its unit and name when they all have the same one. A row with neither code nor name,
    or neither code nor unit, gets a key of its own (``#`` and its position)."""
    units, names, codes = (projects[column].tolist() for column in ("budget_unit", "project_name", "project_code"))
    by_name = [(normalize_label(unit), normalize_label(name)) for unit, name in zip(units, names)]
    codes_of_name: dict[tuple[str, str], set[str]] = {}
    for name, code in zip(by_name, codes):
        if code.strip():
            codes_of_name.setdefault(name, set()).add(normalize_label(code))
    keys = []
    for position, (unit, name, code, named) in enumerate(zip(units, names, codes, by_name)):
        if code.strip():
            keys.append(project_key(unit, name, code))
        elif not (named[0] and named[1]):
            keys.append(f"#{position}")
        else:
            shared = codes_of_name.get(named, set())
            keys.append(next(iter(shared)) if len(shared) == 1 else project_key(unit, name))
    return pd.Series(keys, index=projects.index, dtype=object)


class Lost(NamedTuple):
    """Per table of a collection, whether each row is of a copy that lost to another copy of
    its project."""

    projects: np.ndarray
    indicators: np.ndarray
    issues: np.ndarray


@dataclass
class Copies:
    """The winning copy of every project, and the copies it won over."""

    projects: pd.DataFrame
    indicators: pd.DataFrame
    issues: pd.DataFrame  # the collection's, without those of the copies that lost
    duplicates: pd.DataFrame  # DUPLICATE_COLUMNS; reason: filled | corrected | year | visible | generated_at | mtime | order
    keys: list[str]  # the project key of each row of ``projects``, as the duplicates name them
    lost: Lost  # the rows of the collection's tables left out
    paths: Paths | None = None  # of ``projects``, ``indicators`` and ``issues`` (as Collection.paths)


@dataclass
class _Choice:
    duplicates: pd.DataFrame
    keys: pd.Series  # of every row of the collection's projects
    codes: dict[int, str]  # winner without a code → the code its other copies carry
    lost: Lost


def _generated_at(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    # Times without a zone are taken as UTC so that they compare with zoned ones.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def round_year(projects: pd.DataFrame) -> int | None:
    """The year a round collects: the latest of the forms on our templates (a template of an
    earlier year is last year's form sent again, however many units sent theirs); without any,
    the year of most forms (the latest of years as frequent); None when no form says."""
    ours = projects.loc[projects["generated_at"].str.strip() != "", "year"].dropna()
    if not ours.empty:
        return int(ours.max())
    counts = projects["year"].dropna().value_counts()
    if counts.empty:
        return None
    return int(max(year for year, count in counts.items() if count == counts.max()))


def other_year_issues(projects: pd.DataFrame, paths: Sequence[str] | None = None) -> list[Issue]:
    """A warning on every form of another year than most of the round's: last year's form sent
    again. ``paths`` are the paths the rows were read by (:attr:`Collection.paths`), if not ``file``."""
    year = round_year(projects)
    other = (projects["year"].notna() & (projects["year"] != year)).to_numpy()
    files = np.asarray(projects["file"] if paths is None else paths, dtype=object)[other]
    return [issue("other_year", file=file, sheet=sheet, field="year", year=row_year, round_year=year)
            for file, sheet, row_year in zip(files, projects["sheet"][other], projects["year"][other])]


def _ranked(rows: pd.DataFrame, year: int | None, paths: Sequence[str], filled: set[int], hidden: set[int],
            corrections: dict[str, str]) -> tuple[int, dict[int, str]]:
    """The index label (its position) of the winning copy among ``rows``, and for every other
    the reason it lost. ``paths`` are the paths of all rows by position, ``filled`` the positions
    of copies holding a goal or an indicator, ``hidden`` those of copies on a hidden sheet,
    ``corrections`` our feedback copies sent back changed, each to the file it was made from."""
    names = {i: readable_path(paths[i]) for i in rows.index}
    corrected = {corrections[name] for name in names.values() if name in corrections}
    criteria: list[tuple[str, Callable[[int], object]]] = [
        ("filled", lambda i: i in filled),
        ("corrected", lambda i: names[i] not in corrected),
        ("year", lambda i: year is not None and bool(pd.notna(rows.at[i, "year"]) and rows.at[i, "year"] == year)),
        ("visible", lambda i: i not in hidden),
        ("generated_at", lambda i: _generated_at(rows.at[i, "generated_at"])),
        ("mtime", lambda i: _mtime(paths[i])),
    ]
    candidates, lost = list(rows.index), {}
    for reason, measure in criteria:
        values = {i: measure(i) for i in candidates}
        known = [v for v in values.values() if v is not None]
        # A template's generation time counts only when every copy has one.
        if not known or (reason == "generated_at" and len(known) < len(values)):
            continue
        best = max(known)
        for i, value in values.items():
            if value != best:
                lost[i] = reason
        candidates = [i for i in candidates if values[i] == best]
        if len(candidates) == 1:
            break
    lost.update((i, "order") for i in candidates[1:])
    return candidates[0], lost


def choose_copies(collection: Collection) -> Copies:
    """Keep one copy of every project: a filled one, a correction sent back over the file it
    corrects, one of the round's year, on a visible sheet, then the latest template, else the
    latest file (see the module's docstring)."""
    choice = _choose(collection)
    projects = collection.projects.reset_index(drop=True)
    if choice.codes:
        projects = projects.copy()
        projects.loc[list(choice.codes), "project_code"] = list(choice.codes.values())
    tables = (projects, collection.indicators, collection.issues)
    if choice.duplicates.empty:
        return Copies(*tables, choice.duplicates, choice.keys.tolist(), choice.lost, collection.paths)
    kept = [~rows for rows in choice.lost]
    return Copies(
        *(table[keep].reset_index(drop=True) for table, keep in zip(tables, kept)),
        choice.duplicates,
        choice.keys[kept[0]].tolist(),
        choice.lost,
        None if collection.paths is None else Paths(*(p[keep] for p, keep in zip(collection.paths, kept))),
    )


def counted_issues(copies: Copies) -> pd.DataFrame:
    """``copies.issues`` as the summary counts them per project: a problem of the duplication
    itself (one project on two sheets of one file), found on the sheet not used, on the sheet
    used, whose row is the project's."""
    issues = copies.issues
    of_duplication = issues["code"].isin(_OF_THE_DUPLICATION)
    in_one_file = copies.duplicates[copies.duplicates["file"] == copies.duplicates["winner_file"]]
    if not of_duplication.any() or in_one_file.empty:
        return issues
    used = dict(zip(zip(in_one_file["file"], in_one_file["sheet"]), in_one_file["winner_sheet"]))
    sheets = [used.get((file, sheet), sheet) if moved else sheet
              for file, sheet, moved in zip(issues["file"], issues["sheet"], of_duplication)]
    return issues.assign(sheet=sheets)


def mark_superseded(collection: Collection) -> Collection:
    """``collection`` with its :data:`~sheetsync.model.SUPERSEDED` columns true on the rows of
    every copy that lost to another copy of its project (:func:`choose_copies`). Tables changed
    afterwards (rows taken out, issues added) are marked again by calling it again."""
    lost = _choose(collection).lost
    return replace(collection, **{name: getattr(collection, name).assign(**{SUPERSEDED: rows})
                                  for name, rows in lost._asdict().items()})


def _choose(collection: Collection) -> _Choice:
    projects = collection.projects.reset_index(drop=True)
    paths = np.asarray(collection.paths_of("projects"), dtype=object)
    year = round_year(projects)
    keys = project_keys(projects)
    repeated = keys[keys.duplicated(keep=False)]
    losers: list[dict] = []
    lost: list[int] = []
    codes: dict[int, str] = {}
    filled, hidden = _filled_and_hidden(collection, projects, paths, repeated.index)
    corrections = _corrections(paths[repeated.index])
    for key, group in projects.loc[repeated.index].groupby(repeated, sort=False):
        winner, reasons = _ranked(group, year, paths, filled, hidden, corrections)
        known = [code for code in group["project_code"] if code.strip()]
        if known and not group.at[winner, "project_code"].strip():
            codes[winner] = known[0]
        for label, reason in reasons.items():
            lost.append(label)
            losers.append({
                "key": key, **{column: group.at[label, column] for column in _OWN_COLUMNS},
                "winner_file": group.at[winner, "file"], "winner_sheet": group.at[winner, "sheet"],
                "reason": reason,
            })
    duplicates = pd.DataFrame(losers, columns=DUPLICATE_COLUMNS).astype(str)
    return _Choice(duplicates, keys, codes, _lost_rows(collection, projects, paths, lost))


def _corrections(paths: np.ndarray) -> dict[str, str]:
    """Our feedback copies among ``paths`` changed and sent back with the file they were made
    from: copy → that file, as the tables name them."""
    files = sorted(set(paths.tolist()))
    return feedback_copies(files, load_headers().text("feedback_suffix")) if files else {}


def _lost_rows(collection: Collection, projects: pd.DataFrame, paths: np.ndarray, lost: list[int]) -> Lost:
    """The rows of the copies at positions ``lost`` of ``projects`` (read by ``paths``): their
    forms' rows, and the problems of their files outside any form when every form of the file
    lost. A problem of the duplication itself stays a problem whichever copy is used."""
    issues, indicators = collection.issues, collection.indicators
    lost_projects = np.zeros(len(projects), dtype=bool)
    lost_projects[lost] = True
    found = Lost(lost_projects, np.zeros(len(indicators), dtype=bool), np.zeros(len(issues), dtype=bool))
    if not lost:
        return found
    sheets = projects["sheet"].to_numpy(dtype=object)
    lost_forms = set(zip(paths[lost_projects], sheets[lost_projects]))
    lost_files = {path for path, _sheet in lost_forms}
    all_lost = lost_files - set(paths[~lost_projects])
    forms_of_files = {(path, sheet) for path, sheet in zip(paths, sheets) if path in all_lost}
    near = _rows_of(collection.paths_of("issues"), lost_files)
    of_duplication = issues["code"].isin(_OF_THE_DUPLICATION).to_numpy()
    for i, where in zip(near, _rows(collection.paths_of("issues"), issues["sheet"], near)):
        found.issues[i] = not of_duplication[i] and (
            where in lost_forms or (where[0] in all_lost and where not in forms_of_files))
    near = _rows_of(collection.paths_of("indicators"), lost_files)
    found.indicators[near] = [where in lost_forms for where in _rows(collection.paths_of("indicators"), indicators["sheet"], near)]
    return found


def _rows_of(paths: pd.Series | np.ndarray, files: set[str]) -> np.ndarray:
    """The positions of the rows read from one of ``files``."""
    paths = paths if isinstance(paths, pd.Series) else pd.Series(paths, dtype=object)
    return np.flatnonzero(paths.isin(files).to_numpy())


def _rows(paths: pd.Series | np.ndarray, sheets: pd.Series, positions: np.ndarray) -> list[tuple[str, str]]:
    """(path, sheet) of the rows at ``positions``, without making Python text of the others."""
    chosen = paths.iloc[positions].tolist() if isinstance(paths, pd.Series) else paths[positions].tolist()
    return list(zip(chosen, sheets.iloc[positions].tolist()))


def _filled_and_hidden(collection: Collection, projects: pd.DataFrame, paths: np.ndarray,
                       positions: pd.Index) -> tuple[set[int], set[int]]:
    """Of the copies at ``positions``: those holding a goal or an indicator, and those on a
    hidden sheet (a ``hidden_form`` issue)."""
    if positions.empty:
        return set(), set()
    filled = _filled(projects, paths, collection.indicators,
                     np.asarray(collection.paths_of("indicators"), dtype=object), positions)
    issues = collection.issues
    hidden_forms = issues["code"].to_numpy() == "hidden_form"
    on_hidden = _forms(np.asarray(collection.paths_of("issues"), dtype=object)[hidden_forms],
                       issues["sheet"][hidden_forms])
    forms = _forms(paths[positions], projects["sheet"][positions])
    hidden = {int(p) for p, is_hidden in zip(positions, forms.isin(on_hidden)) if is_hidden}
    return filled, hidden


def copies_used(issues: pd.DataFrame, copies: Copies) -> list[tuple[str, str] | None]:
    """For each of ``issues`` (the collection's) of a copy that lost to another, the (file, sheet)
    of the copy used instead; None for the others. A file's own problem names its first form's."""
    if len(issues) != len(copies.lost.issues):
        raise ValueError("copies_used takes the issues of the collection the copies were chosen from")
    if copies.duplicates.empty:
        return [None] * len(issues)
    duplicates = copies.duplicates[["file", "sheet", "winner_file", "winner_sheet"]]
    used = {(file, sheet): (winner, winner_sheet) for file, sheet, winner, winner_sheet in duplicates.itertuples(index=False)}
    of_file = {file: (winner, winner_sheet) for file, _, winner, winner_sheet in duplicates[::-1].itertuples(index=False)}
    return [(used.get((file, sheet)) or of_file.get(file)) if lost else None
            for file, sheet, lost in zip(issues["file"], issues["sheet"], copies.lost.issues)]


def issue_records(collection: Collection) -> list[dict]:
    """The collection's issues as records, for a listing or JSON; ``used_instead`` names, for a
    problem of a copy not used, the ``file`` and ``sheet`` of the copy used (else None)."""
    records = collection.issues.to_dict(orient="records")
    used = (copies_used(collection.issues, choose_copies(collection)) if collection.issues[SUPERSEDED].any()
            else [None] * len(records))
    for record, copy in zip(records, used):
        record["used_instead"] = {"file": copy[0], "sheet": copy[1]} if copy and record[SUPERSEDED] else None
    return records


def blank_forms(copies: Copies) -> set[int]:
    """The positions of the projects whose form holds neither a goal nor an indicator: mostly
    the template sent back as it came."""
    projects, indicators, paths = copies.projects, copies.indicators, copies.paths
    filled = _filled(projects, np.asarray(projects["file"] if paths is None else paths.projects, dtype=object),
                     indicators, np.asarray(indicators["file"] if paths is None else paths.indicators, dtype=object),
                     projects.index)
    return set(range(len(projects))) - filled


def _filled(projects: pd.DataFrame, paths: np.ndarray, indicators: pd.DataFrame, indicator_paths: np.ndarray,
            positions: pd.Index) -> set[int]:
    """Of the projects at ``positions`` (read by ``paths``): those whose form holds a goal or an
    indicator (among ``indicators``, read by ``indicator_paths``)."""
    forms = _forms(paths[positions], projects["sheet"][positions])
    near = indicators["sheet"].isin(set(projects["sheet"][positions])).to_numpy()
    with_indicators = _forms(indicator_paths[near], indicators["sheet"][near])
    goals = (projects["midterm_goal"].str.strip() != "") | (projects["annual_goal"].str.strip() != "")
    filled = forms.isin(with_indicators) | goals.loc[positions].to_numpy()
    return set(positions[filled].tolist())


def _forms(paths: pd.Series | np.ndarray, sheets: pd.Series) -> pd.MultiIndex:
    """(path, sheet) of each row: one form, whatever name its file shows."""
    # A path that is not UTF-8 (kept as lone surrogates) cannot be a pandas text value.
    paths = pd.Index(paths, dtype=object) if isinstance(paths, np.ndarray) else paths
    return pd.MultiIndex.from_arrays([paths, sheets])


def unread_files(collection: Collection) -> dict[str, str]:
    """File → the message of its first problem, for each file that gave no form: what a
    department sent that could not be used (a corrupt workbook, a PDF, a zip, our template with
    its project sheets deleted)."""
    issues = collection.issues
    used = set(collection.projects["file"])
    gone = issues["code"].isin(SHEET_GONE)
    unread = issues[((issues["sheet"] == "") | gone) & ~issues["code"].isin(NOT_SENT) & ~issues["file"].isin(used)]
    unread = unread.sort_values("sheet", key=lambda sheets: sheets != "", kind="stable")  # a file's own problem first
    return dict(unread.drop_duplicates("file")[["file", "message"]].itertuples(index=False, name=None))


def submission_status(roster: Sequence | None, copies: Copies, headers: Headers,
                      unread: dict[str, str] | None = None, blank: set[int] | None = None) -> pd.DataFrame:
    """One row per roster project (已提交/未提交), per project outside it (名单外) and per
    duplicate copy (重复提交, right after the project it duplicates); columns :data:`STATUS_COLUMNS`.

    ``roster`` is a list of :class:`sheetsync.roster.RosterEntry`; without one, every project
    found is 已提交 (未提交 when its form came back blank) and only the duplicates are listed
    besides. ``unread`` (:func:`unread_files`) names, for a missing project, a file named after
    its unit that arrived but could not be used; ``blank`` (:func:`blank_forms`, found when not
    given) are the projects whose form came back blank.
    """
    projects = copies.projects
    keys = copies.keys
    records = projects[["budget_unit", "project_name", "project_code", "file", "sheet"]].to_dict(orient="records")
    matches = _roster_matches(roster or [], projects)
    dups_by_key: dict[str, list[dict]] = {}
    for dup in copies.duplicates.to_dict(orient="records"):
        dups_by_key.setdefault(dup["key"], []).append(dup)

    rows: list[dict] = []

    def found(i: int, status: str, roster_row: object, note: str) -> None:
        p = records[i]
        rows.append({"status": headers.status(status), "roster_row": roster_row, **p, "note": note})
        for dup in dups_by_key.get(keys[i], []):
            reason = headers.status_note(f"by_{dup['reason']}")
            rows.append({"status": headers.status("duplicate"), "roster_row": roster_row,
                         **{column: dup[column] for column in _OWN_COLUMNS},
                         "note": headers.status_note("duplicate", winner=dup["winner_file"],
                                                     winner_sheet=dup["winner_sheet"], reason=reason)})

    claimed: set[int] = set()
    blank = blank_forms(copies) if blank is None else blank
    year = round_year(projects)

    def submitted_note(i: int) -> str:
        """Why a project sent still needs a look: its form is of another year than the round's."""
        form_year = projects["year"].iat[i]
        if year is None or pd.isna(form_year) or form_year == year:
            return ""
        return headers.status_note("other_year", year=form_year, round_year=year)

    files_of = _UnitFiles(unread or {}, {normalize_label(entry.budget_unit) for entry in roster or ()})
    unit_files: dict[str, str] = {}  # unit → the first file it sent that gave forms
    for record in records:
        unit_files.setdefault(normalize_label(record["budget_unit"]), record["file"])
    for k, entry in enumerate(roster or ()):
        if (match := matches.get(k)) is not None:
            claimed.add(match)
            # A form made by hand, without the code, shows the roster's; the unit is shown as the
            # roster spells it, so that a unit's rows sort together (the form's spelling, when
            # another, is in the note).
            unit = records[match]["budget_unit"]
            records[match]["project_code"] = records[match]["project_code"] or entry.project_code
            records[match]["budget_unit"] = entry.budget_unit
            if match in blank:  # the template sent back as it came: not submitted, but say where
                found(match, "missing", entry.row, headers.status_note("missing_blank"))
            else:
                other_unit = normalize_label(unit) != normalize_label(entry.budget_unit)
                notes = [headers.status_note("other_unit", unit=unit, roster_unit=entry.budget_unit) if other_unit else "",
                         submitted_note(match)]
                found(match, "submitted", entry.row, "".join(notes))
        else:
            sent = next(iter(files_of(entry.budget_unit)), None)
            if sent:
                note = headers.status_note("missing_unread", file=Path(sent).name, problem=unread[sent])
            elif (other := unit_files.get(normalize_label(entry.budget_unit))) is not None:
                note = headers.status_note("missing_in_file", file=Path(other).name)
            else:
                note = headers.status_note("missing")
            rows.append({"status": headers.status("missing"), "roster_row": entry.row,
                         "budget_unit": entry.budget_unit, "project_name": entry.project_name,
                         "project_code": entry.project_code, "file": sent or "", "sheet": "", "note": note})
    for i in range(len(records)):
        if i not in claimed:
            if roster is None and i in blank:
                found(i, "missing", None, headers.status_note("missing_blank"))
            elif roster is None:
                found(i, "submitted", None, submitted_note(i))
            else:
                found(i, "outside", None, headers.status_note("outside"))
    frame = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    frame["roster_row"] = pd.array(frame["roster_row"].tolist(), dtype="Int64")
    return frame


def _roster_matches(roster: Sequence, projects: pd.DataFrame) -> dict[int, int]:
    """Roster entry → the project found for it (positions): by its unit and code, then by its
    unit and name, then by its code alone, so that a form carrying another unit's code by mistake
    does not take that unit's place, and last by a name that only one entry and one form have, the
    form's unit being none of the roster's (misspelt, or typed over the line's label)."""
    units = [normalize_label(unit) for unit in projects["budget_unit"]]
    codes = [normalize_label(code) for code in projects["project_code"]]
    by_unit_code = _first_positions(zip(units, codes))
    by_unit_name = _first_positions(zip(units, map(normalize_label, projects["project_name"])))
    by_code = _first_positions(codes)
    names = [normalize_label(name) for name in projects["project_name"]]
    found = Counter(names)
    listed = Counter(normalize_label(entry.project_name) for entry in roster)
    roster_units = {normalize_label(entry.budget_unit) for entry in roster}
    by_name = {name: i for name, i in _first_positions(names).items()
               if found[name] == 1 and units[i] not in roster_units}

    def keys(entry) -> tuple[str, str, str]:
        return normalize_label(entry.budget_unit), normalize_label(entry.project_code), normalize_label(entry.project_name)

    ways: list[Callable[[tuple[str, str, str]], int | None]] = [
        lambda k: by_unit_code.get((k[0], k[1])) if k[1] else None,
        lambda k: by_unit_name.get((k[0], k[2])),
        lambda k: by_code.get(k[1]) if k[1] else None,
        lambda k: by_name.get(k[2]) if listed[k[2]] == 1 else None,
    ]
    matches: dict[int, int] = {}
    for way in ways:
        taken = set(matches.values())
        for position, entry in enumerate(roster):
            if position not in matches and (i := way(keys(entry))) is not None and i not in taken:
                matches[position] = i
                taken.add(i)
    return matches


def roster_spellings(roster: Sequence, projects: pd.DataFrame) -> dict[str, str]:
    """Each unit as forms spell it → as the roster does, when the forms of that spelling matched
    to the roster are all one roster unit's (教育局 → 东莞市教育局, a project matched by its name)."""
    units = projects["budget_unit"].tolist()
    named: dict[str, set[str]] = {}
    for k, i in _roster_matches(roster, projects).items():
        named.setdefault(units[i], set()).add(roster[k].budget_unit)
    return {unit: spelt.pop() for unit, spelt in named.items() if len(spelt) == 1}


def _first_positions(keys: Iterable) -> dict:
    """Each key → the position where it first occurs."""
    first: dict = {}
    for position, key in enumerate(keys):
        first.setdefault(key, position)
    return first


def unread_owners(unread: dict[str, str], units: Iterable[str]) -> dict[str, str]:
    """Each unread file (:func:`unread_files`) named after one of ``units`` → that unit's key
    (:func:`~sheetsync.spec.normalize_label`), so that its problems count as the unit's."""
    keys = {normalize_label(unit) for unit in units}
    files_of = _UnitFiles(unread, keys)
    owners: dict[str, str] = {}
    for key in sorted(keys):
        for file in files_of(key):
            owners.setdefault(file, key)
    return owners


class _UnitFiles:
    """The unread files of a unit among ``units`` (keys): those whose name holds the unit's (our
    templates are named after their unit), or its name without the city or province it begins
    with when no other unit's is the same (东莞市教育局 sends 教育局.xlsx), and no longer name in
    ``units`` that holds it (财政局 is in 财政局国库支付中心)."""

    def __init__(self, unread: Iterable[str], units: set[str]) -> None:
        self._stems = {file: normalize_label(Path(file).stem) for file in unread}
        self._units = list(units)
        self._shorts = [without_place(unit) for unit in self._units] if self._stems else []
        self._short_counts = Counter(self._shorts)

    def __call__(self, unit: str) -> list[str]:
        key = normalize_label(unit)
        if not key or not self._stems:
            return []
        names = [(key, self._units)]
        if (short := without_place(key)) != key and self._short_counts[short] == 1:
            names.append((short, self._shorts))
        for name, others in names:
            named = [(file, stem, at) for file, stem in self._stems.items() if (at := stem.find(name)) >= 0]
            if not named:
                continue
            longer = [other for other in others if name in other and other != name]
            files = [file for file, stem, at in named if not any(other in stem for other in longer)
                     and _ANOTHER_UNIT.match(stem, at + len(name)) is None]
            if files:
                return files
        return []


# Chinese right after the unit's name that ends as the name of a unit of its own does (财政局
# + 国库支付中心, + 东城分局): the file is that unit's. A section's (财务科, 办公室) is the unit's.
_ANOTHER_UNIT = re.compile(r"[\u4e00-\u9fff]*(?:中心|局|所|站|队|院|馆|校|委员会|公司)(?![\u4e00-\u9fff])")


def roster_line(collection: Collection, roster: Sequence) -> str:
    """The closing line of the roster's counts: submitted, missing, duplicate copies, outside it."""
    headers = load_headers()
    status = submission_status(roster, choose_copies(collection), headers, unread_files(collection))["status"]
    counts = status.value_counts()
    return "对照名单：" + "，".join(f"{headers.status(key)}{int(counts.get(headers.status(key), 0))}项"
                                   for key in ("submitted", "missing", "duplicate", "outside"))
