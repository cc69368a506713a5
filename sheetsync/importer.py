"""Importing the published text of approved forms (批复表) into our tables and workbooks.

Approved forms are published as PDFs; their text, tab-separated, is all a unit may have of last
year's targets::

    >>> result = import_text("examples/seed_2021_dongguan_ccpit.txt")      # doctest: +SKIP
    >>> len(result.projects), result.projects["annual_budget_wan"].sum()    # doctest: +SKIP
    (16, 210.41)
    >>> import_text_files(["seed.txt"], "forms/")                            # doctest: +SKIP
    (Collection(...), [PosixPath('forms/中国国际贸易促进委员会东莞市委员会.xlsx')])

Issues name the line of the text file as their cell (``第41行``, never an A1 reference, which
would point into a workbook). Every repair of the extracted text is a warning saying what was
done; text that cannot be placed is named in an issue, never dropped silently.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .issues import Issue, issue
from .model import Collection
from .output import check_writable, publish_all, staged_as, staging_folder
from .spec import FormSpec, load_spec
from .status import mark_superseded
from .text_form import FormText, ImportedForm, is_title
from .text_rows import Row, read_rows, read_text

__all__ = ["import_text", "import_text_files"]


@dataclass
class ImportedFile:
    """The forms of one text file, and the issues of the file outside any form."""

    path: str
    forms: list[ImportedForm] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # issues outside any form


# --- public functions ----------------------------------------------------------------


def import_text(path: Path | str) -> Collection:
    """Parse one text file of one or more 批复表 forms into projects, indicators and issues.

    ``sheet`` is the name the form's sheet gets in the workbook :func:`import_text_files` writes.

    >>> result = import_text("examples/seed_2021_dongguan_ccpit.txt")   # doctest: +SKIP
    >>> result.issues[["cell", "code", "message"]]                       # doctest: +SKIP
    """
    imported = read_text_file(path)
    for items in _by_unit([imported]).values():
        _name_sheets(items)
    return _collection([imported])


def import_text_files(paths: list[Path | str], out_dir: Path | str, *, force: bool = False) -> tuple[Collection, list[Path]]:
    """Import every file and write the forms as filled workbooks, one per budget unit, into ``out_dir``.

    The file name is the unit's name made safe (``中国国际贸易促进委员会东莞市委员会.xlsx``). All
    workbooks are written to a temporary folder first and moved into ``out_dir`` only when every
    one succeeded; an existing output is overwritten only with ``force``.

    >>> collection, written = import_text_files(["seed.txt"], "forms/")   # doctest: +SKIP
    """
    from .names import unique_file_names
    from .template import write_unit_workbook

    files = [read_text_file(p) for p in paths]
    groups = _by_unit(files)
    units = [unit or Path(items[0].form.file).stem for (unit, _), items in groups.items()]
    years = Counter(unit for unit, _ in groups)
    stems = [f"{name}_{year}" if years[unit] > 1 else name for name, (unit, year) in zip(units, groups)]
    out_dir = Path(out_dir)
    targets = [out_dir / f"{stem}.xlsx" for stem in unique_file_names(stems)]
    for target in targets:
        check_writable(target, force)
    if targets:
        with staging_folder(out_dir) as staging:
            for target, ((unit, year), items) in zip(targets, groups.items()):
                _name_sheets(items)
                with staged_as(target):
                    write_unit_workbook(staging / target.name, [item.form for item in items], year=year,
                                        budget_unit=unit)
            publish_all([(staging / target.name, target) for target in targets], force)
    return _collection(files), targets


def _by_unit(files: list[ImportedFile]) -> dict[tuple[str, int | None], list[ImportedForm]]:
    """The forms of every file grouped by budget unit and year, in order of appearance."""
    groups: dict[tuple[str, int | None], list[ImportedForm]] = {}
    for imported in files:
        for item in imported.forms:
            groups.setdefault((item.form.budget_unit, item.form.year), []).append(item)
    return groups


# --- one file --------------------------------------------------------------------------


def read_text_file(path: Path | str, spec: FormSpec | None = None) -> ImportedFile:
    """Every form in one text file, each with its issues; sheets not yet named."""
    spec = spec or load_spec()
    name = str(path)
    imported = ImportedFile(name)
    try:
        text = read_text(path)
    except OSError as exc:
        imported.issues.append(_unreadable(name, exc))
        return imported
    except UnicodeDecodeError as exc:
        imported.issues.append(issue("text_unreadable", file=name, detail=str(exc)))
        return imported
    rows = read_rows(text)
    starts = [i for i, row in enumerate(rows) if is_title(row, spec)]
    if not starts:
        imported.issues.append(issue("text_no_form", file=name, title=spec.title))
        return imported
    for row in rows[: starts[0]]:
        imported.issues += _stray(row, name)
    for start, end in zip(starts, [*starts[1:], len(rows)]):
        imported.forms.append(FormText(spec, name, rows[start:end]).read())
    return imported


def _unreadable(file: str, exc: OSError) -> Issue:
    """The issue of a text file that cannot be opened, as the reader words a workbook's."""
    if isinstance(exc, FileNotFoundError):
        return issue("file_not_found", file=file)
    if isinstance(exc, IsADirectoryError):
        return issue("unreadable_file", file=file, detail="这是一个文件夹")
    return issue("unreadable_file", file=file, detail=exc.strerror or type(exc).__name__)


def _stray(row: Row, file: str) -> list[Issue]:
    if row.is_blank:
        return []
    if row.is_separator:
        return [issue("text_separator", file=file, cell=row.ref, text=row.raw.strip())]
    if row.is_page_number:
        return [issue("text_page_number", file=file, cell=row.ref, text=row.raw.strip())]
    return [issue("text_unclaimed_line", file=file, cell=row.ref, text=row.text())]

# --- naming sheets and building the tables ------------------------------------------------


def _name_sheets(items: list[ImportedForm]) -> None:
    """Give each form the sheet name the template writer gives it, and its issues that sheet."""
    from .names import unique_sheet_names
    from .identity import not_for_projects

    names = unique_sheet_names([item.form.project_name for item in items], taken=not_for_projects(load_spec()))
    for item, name in zip(items, names):
        item.form.sheet = name
        item.issues = [dataclasses.replace(i, sheet=name) for i in item.issues]


def _collection(files: list[ImportedFile]) -> Collection:
    forms, issues = [], []
    for imported in files:
        issues += imported.issues
        for item in imported.forms:
            forms.append(item.form)
            issues += item.issues
    return mark_superseded(Collection.from_forms(forms, issues, file_count=len(files)))
