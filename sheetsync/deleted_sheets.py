"""Sheets deleted from a workbook of our template whose projects arrived in another file.

A department may send back only the sheet it corrected, or split its projects over two
files. A sheet deleted from our template is a ``sheet_deleted`` error where it is read; when
its project (by the key the template recorded) arrived in another file of the round, the
error becomes a ``sheet_sent_elsewhere`` note naming that file::

    >>> sent_elsewhere(collection).issues.query("code == 'sheet_sent_elsewhere'")   # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from .issues import issue
from .model import Collection
from .reader import read_identity
from .status import project_keys


def sent_elsewhere(collection: Collection) -> Collection:
    """``collection`` with each ``sheet_deleted`` error whose project another file holds made a
    ``sheet_sent_elsewhere`` note."""
    issues = collection.issues
    deleted = np.flatnonzero((issues["code"] == "sheet_deleted").to_numpy())
    if not len(deleted):
        return collection
    holders: dict[str, list[tuple[str, str]]] = {}  # project key → (path, file shown) of each copy
    project_paths = collection.paths_of("projects")
    for key, path, file in zip(project_keys(collection.projects), project_paths, collection.projects["file"]):
        holders.setdefault(key, []).append((path, file))
    issue_paths = np.asarray(collection.paths_of("issues"), dtype=object)
    records: dict[str, dict] = {}  # path → its identity sheet's records by sheet
    notes = {}
    for row in deleted:
        path, sheet = issue_paths[row], issues["sheet"].iat[row]
        if path not in records:
            identity = read_identity(path)
            records[path] = identity.sheets if identity is not None else {}
        entry = records[path].get(sheet)
        other = entry and next((file for p, file in holders.get(entry.project_key, ()) if p != path), None)
        if other:
            notes[row] = issue("sheet_sent_elsewhere", file=issues["file"].iat[row], sheet=sheet, name=sheet,
                               project=entry.project_name or entry.project_key, other=other)
    if not notes:
        return collection
    rows = list(notes)
    changed = issues.copy()
    for column in ("severity", "code", "message"):
        changed.loc[changed.index[rows], column] = [getattr(note, column) for note in notes.values()]
    return Collection(collection.projects, collection.indicators, changed, collection.file_count, collection.paths)
