"""Sheets deleted from a workbook of our template whose projects arrived in another file.

A department may send back only the sheet it corrected, or split its projects over two
files. A sheet deleted from our template is a ``sheet_deleted`` error where it is read (a sheet
emptied, ``sheet_emptied``); when
its project (by the key the template recorded) arrived in another file of the round, the
error becomes a ``sheet_sent_elsewhere`` note naming that file::

    >>> sent_elsewhere(collection).issues.query("code == 'sheet_sent_elsewhere'")   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .issues import SHEET_GONE, issue
from .model import Collection, project_key
from .reader import read_identity, sheet_named
from .status import project_keys


def sent_elsewhere(collection: Collection) -> Collection:
    """``collection`` with each ``sheet_deleted`` or ``sheet_emptied`` error whose project another file holds made a
    ``sheet_sent_elsewhere`` note."""
    issues = collection.issues
    deleted = np.flatnonzero(issues["code"].isin(SHEET_GONE).to_numpy())
    if not len(deleted):
        return collection
    # Project key, and unit and name (a copy made by hand has no code) → (path, file shown) of each copy.
    holders: dict[str, list[tuple[str, str]]] = {}
    projects = collection.projects
    named = map(project_key, projects["budget_unit"], projects["project_name"])
    for key, by_name, path, file in zip(project_keys(projects), named, collection.paths_of("projects"), projects["file"]):
        holders.setdefault(key, []).append((path, file))
        if by_name != key:
            holders.setdefault(by_name, []).append((path, file))
    issue_paths = np.asarray(collection.paths_of("issues"), dtype=object)
    records: dict[str, dict] = {}  # path → its identity sheet's records by sheet
    notes = {}
    for row in deleted:
        path, sheet = issue_paths[row], issues["sheet"].iat[row]
        if path not in records:
            identity = read_identity(path)
            records[path] = identity.sheets if identity is not None else {}
        entry = records[path].get(sheet)
        if entry is None:
            continue
        copies = holders.get(entry.project_key) or holders.get(project_key(entry.budget_unit, entry.project_name), [])
        other = next((file for p, file in copies if p != path), None)
        if other:
            notes[row] = issue("sheet_sent_elsewhere", file=issues["file"].iat[row], sheet=sheet,
                               what=sheet_named(sheet, entry.project_name or entry.project_key), other=Path(other).name)
    if not notes:
        return collection
    rows = list(notes)
    changed = issues.copy()
    for column in ("severity", "code", "message"):
        changed.loc[changed.index[rows], column] = [getattr(note, column) for note in notes.values()]
    return Collection(collection.projects, collection.indicators, changed, collection.file_count, collection.paths)
