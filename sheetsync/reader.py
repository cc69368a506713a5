"""Reading one filled workbook into project forms and issues.

    >>> result = read_workbook("收回/财务科.xlsx")     # doctest: +SKIP
    >>> result.projects[["sheet", "project_name", "annual_budget_wan"]]   # doctest: +SKIP

Each sheet is matched against the form specs (:mod:`sheetsync.locate`) and read by
:mod:`sheetsync.sheet_reader`. :func:`read_file` is the same as plain records (forms and
issues), small enough to send back from a worker process; :func:`read_workbook` wraps them
in a :class:`Collection`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from typing import Callable

from . import checks
from .cell_comments import Comment, ods_comments, sheet_comments, xls_comments
from .checks import SheetRead
from .feedback_marks import is_problem_list
from .headers import load_headers
from .identity import IDENTITY_SHEET, Identity, SheetIdentity, parse_identity, reserved_sheets
from .issues import Issue, issue
from .locate import Layout, label_key, locate
from .model import Collection, ProjectForm
from .roster import is_roster
from .safety import FileCheck, inspect_file
from .sheet_reader import read_sheet
from .spec import FormSpec, load_specs
from .status import mark_superseded
from .workbook import Book, Grid, open_workbook



@dataclass
class FileResult:
    """What one file gave: its forms and its issues (picklable, for worker processes)."""

    forms: list[ProjectForm] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def read_workbook(path: str | os.PathLike, *, spec: FormSpec | None = None) -> Collection:
    """Read one workbook (.xlsx, .xlsm, .xls or .ods) into a :class:`Collection`.

    With ``spec=None`` every form spec in ``templates/`` is tried; a sheet is a form of the
    spec whose labels it has.

        >>> c = read_workbook("财务科.xlsx")           # doctest: +SKIP
        >>> c.projects.project_name.tolist(), len(c.issues)   # doctest: +SKIP
    """
    result = read_file(path, spec=spec)
    return mark_superseded(Collection.from_forms(result.forms, result.issues, file_count=1))


def read_file(path: str | os.PathLike, *, spec: FormSpec | None = None) -> FileResult:
    """Read one file into forms and issues; a bad file is an issue, never an exception."""
    path = file = os.fsdecode(path)
    check = inspect_file(path)
    if check.issue is not None:
        return FileResult(issues=[check.issue])
    book, problem = open_workbook(path, check.kind, check.sheets)
    if problem is not None:
        return FileResult(issues=[problem])
    with book:
        result = _read_book(book, file, [spec] if spec is not None else form_specs())
    if result.forms and (comments := _comment_reader(check)) is not None:
        result.issues += _comment_issues(file, {form.sheet for form in result.forms}, comments)
    return result


def _comment_reader(check: FileCheck) -> Callable[[str], dict[str, list[Comment]]] | None:
    """What reads the comments on the cells of the file ``check`` looked at; None for an .xlsx
    without comment parts, and for an .xlsb (whose comments are not read)."""
    if check.kind == "xlsx":
        return sheet_comments if check.sheets is not None and check.sheets.commented else None
    return {"xls": xls_comments, "ods": ods_comments}.get(check.kind)


def _comment_issues(file: str, sheets: set[str], comments_of: Callable[[str], dict[str, list[Comment]]]) -> list[Issue]:
    """An ``info`` issue for each comment a department left on a cell of a form's sheet."""
    try:
        comments = comments_of(file)
    except Exception:  # zipfile, zlib, xlrd and the XML parsers raise many types for a damaged file
        return []
    return [issue("cell_comment", file=file, sheet=sheet, cell=cell, text=_shortened(text))
            for sheet, found in comments.items() if sheet in sheets for cell, _author, text in found]


def _shortened(text: str, most: int = 200) -> str:
    return text if len(text) <= most else text[:most] + "…"


@cache
def form_specs() -> tuple[FormSpec, ...]:
    """Every form spec in ``templates/``, loaded once per process."""
    return tuple(load_specs())


def _read_book(book: Book, file: str, specs: tuple[FormSpec, ...] | list[FormSpec]) -> FileResult:
    result = FileResult()
    identity = _identity(book) if IDENTITY_SHEET in book.sheet_names else None
    # Our own sheets go without a note: a template's instructions and dropdown lists, and the
    # problem list of a feedback copy sent back corrected.
    ours = {name for spec in specs for name in reserved_sheets(spec)} if identity is not None else set()
    sheets: list[tuple[SheetRead, list[Issue]]] = []
    hidden: set[str] = set()
    unreadable: set[str] = set()
    formless: set[str] = set()
    rosters: list[Issue] = []
    for name in book.sheet_names:
        if name == IDENTITY_SHEET:
            continue
        grid = book.grid(name)
        if isinstance(grid, Issue):
            result.issues.append(grid)
            unreadable.add(name)
            continue
        layout = _best_layout(grid, specs)
        # A roster's header holds form labels (项目名称, the amounts), but no indicator table.
        if ((layout is None or layout.header_row is None) and name not in ours
                and any(is_roster(grid.rows, spec) for spec in specs)):
            rosters.append(issue("roster_sheet", file=file, sheet=name))
            continue
        if layout is None:
            formless.add(name)
            if (name not in ours and grid.visible and any(any(v != "" for v in row) for row in grid.rows)
                    and not is_problem_list(grid.rows, load_headers())):
                result.issues.append(issue("ignored_sheet", file=file, sheet=name))
            continue
        sheets.append(read_sheet(grid, layout, file, identity=identity))
        if not grid.visible:
            hidden.add(name)
    records = _records(identity, [read for read, _ in sheets]) if identity is not None else {}
    reads: list[tuple[SheetRead, list[Issue]]] = []
    blanks: list[tuple[SheetRead, list[Issue]]] = []
    for read, sheet_issues in sheets:
        entry = records.get(read.sheet)
        if entry is not None:
            read.form.project_code = entry.project_code
            sheet_issues += checks.identity_issues(read, entry)
        # A blank sheet nobody was assigned (no project key) is an unused spare, not a form.
        spare = entry is None or not entry.project_key
        (blanks if spare and _is_blank(read) else reads).append((read, sheet_issues))
    # A sheet that cannot be read is reported as such, not as one that lost its project.
    matched = {entry.sheet for entry in records.values()} | unreadable
    if not reads and blanks:
        reads, blanks = blanks, []
    if not reads:
        # Our template with every project's sheet deleted or emptied names each project lost.
        gone = _missing_sheets(identity, matched, book.sheet_names, formless, file) if identity is not None else []
        if rosters:
            result.issues.append(issue("roster_file", file=file))
        elif gone:
            result.issues += gone
        else:
            result.issues.append(issue("no_form", file=file, title="、".join(s.title for s in specs)))
        return result
    result.issues += rosters
    if identity is not None:
        result.issues += checks.template_issues(reads[0][0].spec, identity, file)
        result.issues += _missing_sheets(identity, matched, book.sheet_names, formless, file)
    # A form on a hidden sheet (often an old draft) comes after the visible ones.
    reads.sort(key=lambda pair: pair[0].sheet in hidden)
    for read, sheet_issues in reads:
        result.forms.append(read.form)
        if read.sheet in hidden:
            result.issues.append(issue("hidden_form", file=file, sheet=read.sheet))
        result.issues += sheet_issues
    result.issues += _projects_twice([read.form for read, _ in reads if read.sheet not in hidden], file)
    for read, _ in blanks:
        result.issues.append(issue("blank_form", file=file, sheet=read.sheet))
    return result


def _projects_twice(forms: list[ProjectForm], file: str) -> list[Issue]:
    """A warning on each later visible sheet holding a project an earlier one holds (a sheet
    copied, then edited), naming the sheet the summary uses: the first, unless only the later is
    filled (:func:`sheetsync.status.choose_copies`). Two different codes are two projects."""
    found = []
    first_of: dict[tuple[str, str], ProjectForm] = {}
    for form in forms:
        if not (name := label_key(form.project_name)):
            continue
        first = first_of.setdefault((label_key(form.budget_unit), name), form)
        if first is form or (first.project_code and form.project_code and first.project_code != form.project_code):
            continue
        used = form if _is_filled(form) and not _is_filled(first) else first
        found.append(issue("project_twice_in_file", file=file, sheet=form.sheet, other=first.sheet,
                           project=form.project_name, used=used.sheet))
    return found


def _is_filled(form: ProjectForm) -> bool:
    return bool(form.indicators or form.midterm_goal.strip() or form.annual_goal.strip())


def _identity(book: Book) -> Identity | None:
    grid = book.grid(IDENTITY_SHEET)
    return None if isinstance(grid, Issue) else parse_identity(grid.rows)


def _records(identity: Identity, reads: list[SheetRead]) -> dict[str, SheetIdentity]:
    """Sheet → the identity record of the project it holds.

    A sheet's own record (by its name) when it holds that record's project, or the record
    assigns none; else a record not yet matched whose project name it holds (a sheet renamed,
    or two sheets' names swapped); else its own record, whose differences are then reported.
    """
    found: dict[str, SheetIdentity] = {}
    for read in reads:
        own = identity.sheets.get(read.sheet)
        if own is not None and (not own.project_key or _holds(read, own)):
            found[read.sheet] = own
    taken = {entry.sheet for entry in found.values()}
    for read in reads:
        entry = None if read.sheet in found else next(
            (e for e in identity.sheets.values() if e.sheet not in taken and _holds(read, e)), None)
        if entry is not None:
            found[read.sheet] = entry
            taken.add(entry.sheet)
    for read in reads:
        if read.sheet not in found and read.sheet in identity.sheets and read.sheet not in taken:
            found[read.sheet] = identity.sheets[read.sheet]
            taken.add(read.sheet)
    return found


def _holds(read: SheetRead, entry: SheetIdentity) -> bool:
    name = label_key(read.form.project_name)
    return bool(name) and label_key(entry.project_name) == name


def _missing_sheets(identity: Identity, matched: set[str], present: list[str], formless: set[str],
                    file: str) -> list[Issue]:
    """Records of assigned projects (with a project key) that no sheet holds: the sheet is gone,
    holds no form any more (cleared), or holds another project now."""
    found = []
    for entry in identity.sheets.values():
        if entry.project_key and entry.sheet not in matched:
            project = entry.project_name or entry.project_key
            if entry.sheet in formless:
                found.append(issue("sheet_emptied", file=file, sheet=entry.sheet, what=sheet_named(entry.sheet, project)))
            elif entry.sheet in present:
                found.append(issue("identity_mismatch", file=file, sheet=entry.sheet,
                                   detail=f"模板中的工作表{sheet_named(entry.sheet, project)}中已不是这个项目"))
            else:
                found.append(issue("sheet_deleted", file=file, sheet=entry.sheet, what=sheet_named(entry.sheet, project)))
    return found


def sheet_named(sheet: str, project: str) -> str:
    """A template's sheet as a message names it: “项目1”（办公设备购置）, or only its name when
    that is the project's."""
    return f"“{sheet}”" if sheet == project else f"“{sheet}”（{project}）"


def read_identity(path: str | os.PathLike) -> Identity | None:
    """The identity sheet of a workbook of our template; None without one, or when the file
    cannot be read (its reading reports why)."""
    check = inspect_file(path)
    if check.issue is not None:
        return None
    book, problem = open_workbook(path, check.kind, check.sheets)
    if problem is not None:
        return None
    with book:
        return _identity(book) if IDENTITY_SHEET in book.sheet_names else None


def _best_layout(grid: Grid, specs: list[FormSpec]) -> Layout | None:
    best = None
    for spec in specs:
        layout = locate(grid, spec)
        if layout.is_form and (best is None or layout.score > best.score):
            best = layout
    return best


def _is_blank(read: SheetRead) -> bool:
    form = read.form
    return not (form.project_name or form.midterm_goal or form.annual_goal or form.indicators
                or form.midterm_budget_wan is not None or form.annual_budget_wan is not None)
