"""Annotated copies of the filled workbooks, to mail back to the departments.

For every input, a copy (the input is never written) in which each cell with a problem is
filled and carries the message as a comment, and a first sheet 问题清单 lists all of the
file's problems. .xls, .xlsb and .ods files, which openpyxl cannot open, and an .xlsx too
damaged for it, come back as an .xlsx rebuilt from their cells, and the 问题清单 sheet says so::

    >>> write_feedback(["收回/"], "反馈/")                   # doctest: +SKIP
    [PosixPath('反馈/财务科_反馈.xlsx'), PosixPath('反馈/办公室_反馈.xlsx')]
"""

from __future__ import annotations

import os
import re
import warnings
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.packaging.custom import CustomPropertyList, StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from .cell_comments import AUTHOR, MARK, their_text
from .errors import OutputError, SheetsyncError
from .feedback_marks import FEEDBACK, KIND, LIST_COLUMNS, LIST_FIRST_ROWS, copy_properties, is_problem_list
from .headers import Headers, load_headers
from .issues import NOT_SENT, Issue
from .model import SUPERSEDED, readable_path
from .names import FILE_NAME_MAX, SHEET_NAME_MAX, UniqueNames, safe_file_name, unique_sheet_names
from .output import atomic_path, check_folder, check_writable, publish_all, staged_as, staging_folder
from .safety import FileCheck, inspect_file
from .sheet_extensions import keep_sheet_validations
from .status import choose_copies
from .workbook import open_workbook

ANNOTATABLE = {".xlsx", ".xlsm"}
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
LIST_WIDTHS = [16, 10, 10, 90]
# Comment box size in pixels, large enough for a message of two or three lines.
COMMENT_WIDTH, COMMENT_HEIGHT = 320, 120
_STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
_FIRST_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)")


@dataclass(frozen=True)
class FeedbackCopy:
    """One annotated copy: where it was written, from what, and how."""

    path: Path
    source: Path
    issues: int
    errors: int = 0
    rebuilt: bool = False  # rebuilt as .xlsx from the cells of an .xls/.xlsb/.ods, or of a damaged .xlsx
    unreadable: bool = False  # the input could not be opened or annotated: the copy holds only 问题清单

    @property
    def note(self) -> str:
        source = readable_path(str(self.source))
        if self.unreadable:
            return f"{source}：无法打开或标注，{self.path.name} 只列出它的问题。"
        if self.rebuilt:
            return f"{source}：无法在原文件上标注，已按其单元格内容重建为 {self.path.name}。"
        return ""


def write_feedback(paths: Iterable[str | Path], out_dir: Path | str, *, force: bool = False,
                   on_copy: Callable[[FeedbackCopy], None] | None = None) -> list[Path]:
    """Write an annotated copy of every input workbook into ``out_dir``; return their paths.

    All copies are written, or none: each is made under a temporary name first. The unchanged
    copies of an earlier run, found among the inputs, are no inputs (with ``force`` they are
    replaced), and no copy may replace an input. ``on_copy`` is called with each
    :class:`FeedbackCopy` (the CLI prints its note).
    """
    from .collect import collect, expand_paths, missing_error, missing_paths, no_workbooks_error, path_list, real_path

    paths = path_list(paths)
    missing = missing_paths(paths)
    if missing:
        raise missing_error(missing)
    out_dir = check_folder(out_dir)
    files = [Path(f) for f in expand_paths(paths)]
    if not files:
        raise no_workbooks_error(paths)
    collection = collect([str(f) for f in files])
    headers = load_headers()
    by_file = _rows_by_file(collection.issues, files)
    superseded = _rows_by_file(choose_copies(collection).duplicates, files)
    own = set(collection.issues.loc[collection.issues["code"].isin(NOT_SENT), "file"])
    sources = [f for f in files if str(f) not in own]
    targets = _targets(sources, out_dir, headers)
    # The copies of an earlier run, found among the inputs, are no inputs: they are replaced
    # (with force) like any earlier output.
    inputs = {real_path(str(f)) for f in sources}
    for target in targets:
        if real_path(str(target)) in inputs:
            raise OutputError(f"{target} 是要读取的文件之一，请把反馈写到另一个文件夹。")
        check_writable(target, force)
    with staging_folder(out_dir) as staging:
        copies = []
        taken = {target.name for target in targets}
        for source, target in zip(sources, targets):
            issues = by_file.get(source, pd.DataFrame(columns=collection.issues.columns))
            copies.append(_staged_copy(source, target, issues, superseded.get(source), headers, staging, taken))
        publish_all([(copy.path, target) for copy, target in copies], force)
    for copy, target in copies:
        if on_copy is not None:
            on_copy(replace(copy, path=target))
    return [target for _copy, target in copies]


def _staged_copy(source: Path, target: Path, issues: pd.DataFrame, superseded: pd.DataFrame | None, headers: Headers,
                 staging: Path, taken: set[str]) -> tuple[FeedbackCopy, Path]:
    """The annotated copy of ``source``, written into ``staging``, and the output it becomes:
    ``target``, or an .xlsx of its name when the copy was rebuilt from the cells of an .xlsm."""
    with staged_as(target):
        copy = annotate_copy(source, staging / target.name, issues, headers, superseded=superseded)
    if (copy.rebuilt or copy.unreadable) and target.suffix.lower() != ".xlsx":
        # A copy rebuilt from the cells holds no macros: Excel refuses it named .xlsm.
        target = target.with_name(_unique_name(target.stem, ".xlsx", taken))
        with staged_as(target):
            copy.path.rename(staging / target.name)
        copy = replace(copy, path=staging / target.name)
    return copy, target


def _rows_by_file(rows: pd.DataFrame, files: list[Path]) -> dict[Path, pd.DataFrame]:
    """The rows (issues, duplicates) of each input file, matched by absolute path (or by name
    when that is unique)."""
    # The tables name a file whose name is not UTF-8 as it reads (model.readable_path).
    absolute = {readable_path(os.path.abspath(f)): f for f in files}
    names: dict[str, list[Path]] = {}
    for f in files:
        names.setdefault(readable_path(f.name), []).append(f)
    result: dict[Path, pd.DataFrame] = {}
    for file, group in rows.groupby("file", sort=False):
        source = absolute.get(os.path.abspath(file))
        if source is None and len(names.get(Path(file).name, [])) == 1:
            source = names[Path(file).name][0]
        if source is not None:
            result[source] = pd.concat([result[source], group]) if source in result else group
    return result


def _targets(sources: list[Path], out_dir: Path, headers: Headers) -> list[Path]:
    suffix = headers.text("feedback_suffix")
    taken: set[str] = set()
    targets = []
    for source in sources:
        ext = source.suffix.lower() if source.suffix.lower() in ANNOTATABLE else ".xlsx"
        targets.append(out_dir / _unique_name(readable_path(source.stem), ext, taken, tail=suffix))
    return targets


def _unique_name(stem: str, ext: str, taken: set[str], *, tail: str = "") -> str:
    """``stem + tail + ext``, numbered when taken (``财务科_反馈 (2).xlsx``); added to ``taken``.
    ``stem`` is shortened so that the whole name fits FILE_NAME_MAX: ``tail`` (_反馈, by which a
    copy is told) is kept whole."""
    name, n = _fitted(stem, f"{tail}{ext}"), 1
    while name in taken:
        n += 1
        name = _fitted(stem, f"{tail} ({n}){ext}")
    taken.add(name)
    return name


def _fitted(stem: str, end: str) -> str:
    return safe_file_name(stem, fallback="", max_length=FILE_NAME_MAX - len(end)) + end


def annotate_copy(source: Path, target: Path, issues: pd.DataFrame, headers: Headers, *,
                  superseded: pd.DataFrame | None = None, force: bool = False) -> FeedbackCopy:
    """Write to ``target`` a copy of ``source`` annotated with ``issues`` (rows of the issues table).

    ``superseded`` are the forms of ``source`` that another copy of their project superseded
    (rows of :attr:`sheetsync.status.Copies.duplicates`): 问题清单 names the copy used instead,
    and their problems do not count among the copy's errors. A file that cannot be opened, or
    whose copy cannot be annotated, gets a copy that only lists its problems.
    """
    check = inspect_file(source)
    workbook, sheet_names, rebuilt = _open(source, check) if check.issue is None else (None, {}, False)
    records = [{**r, "sheet": sheet_names.get(r["sheet"], r["sheet"])} for r in issues.to_dict(orient="records")]
    unreadable = workbook is None
    marks = copy_properties(source)
    origin = headers.text("source_note", file=readable_path(str(source)))
    unused = _superseded_notes(superseded, sheet_names, headers)
    if unreadable:
        _write_copy(_empty_workbook(), [], records, headers, [origin, *unused], marks, target, force)
    else:
        note = ""
        if rebuilt:  # an .xlsx is rebuilt when damaged or strict, other formats always
            note = headers.text(_rebuilt_note(source, check), suffix=source.suffix.lower())
        try:
            # A problem of a copy not used is listed, but its cell is not marked for correcting.
            marked = [r for r in records if not r.get(SUPERSEDED, False)]
            _write_copy(workbook, marked, records, headers, [origin, note, *unused], marks, target, force,
                        validations_from=None if rebuilt else source)
        except (SheetsyncError, OSError):
            raise
        except Exception:  # openpyxl fails on some content it opened but does not model
            unreadable = True
            _write_copy(_empty_workbook(), [], records, headers, [origin, headers.text("list_only_note"), *unused],
                        marks, target, force)
    errors = sum(1 for r in records if r["severity"] == "error" and not r.get(SUPERSEDED, False))
    return FeedbackCopy(target, source, len(records), errors, rebuilt=rebuilt and not unreadable, unreadable=unreadable)


def _superseded_notes(superseded: pd.DataFrame | None, sheet_names: dict[str, str], headers: Headers) -> list[str]:
    """For each form of the copy superseded by a copy of its project in another file, which copy
    was used (within one file, the ``project_twice_in_file`` warning says so): by its name, or
    by its path as the tables give it when it has the name of the file superseded (a copy sent
    again into another folder)."""
    if superseded is None:
        return []

    def named(winner: str, file: str) -> str:
        return winner if Path(winner).name == Path(file).name else Path(winner).name

    return [headers.text("superseded_note", sheet=sheet_names.get(sheet, sheet), winner=named(winner, file),
                         winner_sheet=winner_sheet)
            for file, sheet, winner, winner_sheet
            in superseded[["file", "sheet", "winner_file", "winner_sheet"]].itertuples(index=False) if winner != file]


def _write_copy(workbook: Workbook, marked: list[dict], records: list[dict], headers: Headers, lines: list[str],
                properties: dict[str, str], target: Path, force: bool, validations_from: Path | None = None) -> None:
    """Mark the cells of ``marked``, list ``records`` on 问题清单 under ``lines`` (the source
    file, then a note when there is one), set the document ``properties``
    that tell a feedback copy (:mod:`sheetsync.feedback_marks`) and save ``workbook`` as ``target``,
    with the data validations openpyxl dropped from the .xlsx ``validations_from``."""
    _clear_earlier_marks(workbook)
    # Errors are marked last so that their fill wins on a cell that also has a warning.
    for record in sorted(marked, key=lambda r: SEVERITY_RANK.get(r["severity"], 0)):
        _mark(workbook, record)
    _issue_sheet(workbook, records, headers, lines)
    kept = [p for p in workbook.custom_doc_props.props if p.name not in properties]
    workbook.custom_doc_props = CustomPropertyList()
    for prop in [*kept, *(StringProperty(name=k, value=v) for k, v in properties.items())]:
        workbook.custom_doc_props.append(prop)
    with atomic_path(target, force=force) as tmp:
        workbook.save(tmp)
        if validations_from is not None:
            try:
                keep_sheet_validations(validations_from, tmp)
            except Exception:  # zipfile, zlib and the XML parser raise many types for a damaged part
                pass  # the copy keeps what openpyxl saved, without those dropdowns


def _empty_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def _open(source: Path, check: FileCheck) -> tuple[Workbook | None, dict[str, str], bool]:
    """The workbook to annotate (None when it cannot be opened), the sheets renamed in it, and
    whether it was rebuilt from the cells: an .xls, .xlsb or .ods, or an .xlsx that openpyxl
    cannot open but calamine, more forgiving of damage, can read.

    The file is opened by what it holds (``check.kind``, as sniffed), not by its name's suffix.
    """
    if check.kind == "xlsx":
        try:
            with open(source, "rb") as fh, warnings.catch_warnings():
                # The data validations it drops are put back (sheetsync.sheet_extensions).
                warnings.filterwarnings("ignore", "Data Validation extension is not supported")
                # The values, not the formulas: openpyxl would save a formula without the value
                # it last showed, and the copy would read as blank where the original does not.
                workbook = openpyxl.load_workbook(fh, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True,
                                                  data_only=True)
            # openpyxl opens a "Strict Open XML" workbook, whose parts use other namespaces, as
            # one without sheets: it is rebuilt like a damaged one.
            if workbook.worksheets or not check.sheets or not check.sheets.count:
                return workbook, {}, False
        except Exception:  # openpyxl raises many error types for damaged files
            pass
    try:
        workbook, names = _rebuilt(source, check)
    except Exception:  # calamine too, and for encrypted files
        return None, {}, False
    return workbook, names, workbook is not None


def _rebuilt_note(source: Path, check: FileCheck) -> str:
    """Why the copy was rebuilt: the key of its note."""
    if check.kind != "xlsx":
        return "rebuilt_note"
    try:
        with zipfile.ZipFile(source) as archive, archive.open("xl/workbook.xml") as part:
            strict = _STRICT_NAMESPACE in part.read(4096)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError):
        strict = False
    return "strict_note" if strict else "damaged_note"


def _rebuilt(source: Path, check: FileCheck) -> tuple[Workbook | None, dict[str, str]]:
    """An openpyxl workbook holding the cells (values only) of an .xls, .xlsb or .ods file, and
    the sheets renamed for Excel (an .ods allows longer names, and History). The sheets are
    loaded as the reader loads them: one too large to load is left empty (its issue says why)."""
    book, problem = open_workbook(source, check.kind, check.sheets)
    if problem is not None:
        return None, {}
    workbook = Workbook()
    workbook.remove(workbook.active)
    with book:
        names = dict(zip(book.sheet_names, unique_sheet_names(book.sheet_names, fallback="Sheet")))
        for name in book.sheet_names:
            grid = book.grid(name)
            sheet = workbook.create_sheet(names[name])
            sheet.sheet_state = book.state(name)
            if isinstance(grid, Issue):
                continue
            for r, row in enumerate(grid.rows, start=1):
                for c, value in enumerate(row, start=1):
                    if value == "" or value is None:
                        continue
                    if isinstance(value, str):
                        _text(sheet.cell(r, c), value)
                        continue
                    sheet.cell(r, c).value = value
                    # A number shown as a percentage or with a unit keeps that look, so the copy
                    # reads as the original.
                    shown = grid.shown(r - 1, c - 1) if isinstance(value, (int, float)) else None
                    if shown is not None:
                        sheet.cell(r, c).number_format = shown.format_code()
            for (r1, c1), (r2, c2) in grid.merged_ranges:
                sheet.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    return workbook, {old: new for old, new in names.items() if old != new}


def _text(cell, text: str) -> None:
    """Put ``text`` in ``cell`` as text: openpyxl would make a formula of a string starting with ``=``."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"


def _mark(workbook: Workbook, record: dict) -> None:
    """Fill the issue's cell and attach its message as a comment."""
    match = _FIRST_CELL.match(str(record["cell"]).upper())
    if not match or record["sheet"] not in workbook.sheetnames:
        return
    cell = _markable_cell(workbook[record["sheet"]], f"{match.group(1)}{match.group(2)}")
    if cell is None:
        return
    fill = FILLS.get(record["severity"])
    if fill:
        cell.fill = PatternFill("solid", fgColor=fill)
    message = MARK + ILLEGAL_CHARACTERS_RE.sub("", str(record["message"]))
    text = f"{cell.comment.text}\n{message}" if cell.comment is not None else message
    cell.comment = Comment(text, AUTHOR, width=COMMENT_WIDTH, height=COMMENT_HEIGHT)


def _clear_earlier_marks(workbook: Workbook) -> None:
    """Take out what an earlier feedback copy marked (a copy corrected and sent back, annotated
    again): our messages in comments, and the fills of the cells they were on, or in a copy of
    ours every fill of our colours (a clerk may delete our note on a cell corrected). The
    department's own comments stay."""
    ours = any(prop.name == KIND and getattr(prop, "value", None) == FEEDBACK for prop in workbook.custom_doc_props.props)
    for sheet in workbook.worksheets:
        # openpyxl lists no sheet's comments; its private cell map holds only the cells that exist,
        # where iter_rows would make every cell of the used range (a stray value in XFD1048576).
        for cell in list(sheet._cells.values()):
            marked = ours
            if cell.comment is not None and (MARK in (cell.comment.text or "") or cell.comment.author == AUTHOR):
                theirs = their_text(cell.comment.text or "") if MARK in (cell.comment.text or "") else ""
                author = "" if cell.comment.author == AUTHOR else cell.comment.author
                cell.comment = Comment(theirs, author) if theirs else None
                marked = True
            if marked and cell.fill.fill_type == "solid" and str(cell.fill.fgColor.rgb)[-6:] in FILLS.values():
                cell.fill = PatternFill()


def _markable_cell(sheet: Worksheet, ref: str) -> Cell | None:
    """The cell that carries the mark of ``ref``: itself, or the first cell of the merged range it
    lies in. Ranges that overlap (Excel repairs them as it opens the file) can leave none."""
    cell = sheet[ref]
    if not isinstance(cell, MergedCell):
        return cell
    for merged in sheet.merged_cells.ranges:
        if ref in merged:
            first = sheet.cell(merged.min_row, merged.min_col)
            if not isinstance(first, MergedCell):
                return first
    return None


def _is_problem_list(sheet: Worksheet, headers: Headers) -> bool:
    return is_problem_list(sheet.iter_rows(max_row=LIST_FIRST_ROWS, max_col=len(LIST_COLUMNS), values_only=True),
                           headers)


def _issue_sheet(workbook: Workbook, records: list[dict], headers: Headers, lines: list[str]) -> None:
    """The 问题清单 sheet, first in the workbook and shown on opening (replacing an earlier one):
    ``lines`` (the first in bold, a note after it in red bold), then the list. A sheet of the
    department's that has the name keeps it, and the list takes the name with a number."""
    name = headers.sheet("issues")
    for earlier in [sheet for sheet in workbook.worksheets if _is_problem_list(sheet, headers)]:
        workbook.remove(earlier)
    sheet = workbook.create_sheet(UniqueNames(SHEET_NAME_MAX, workbook.sheetnames).add(name), 0)
    bold = Font(bold=True)
    row = 1
    for index, line in enumerate(line for line in lines if line):
        _text(sheet.cell(row, 1), line)
        sheet.cell(row, 1).font = bold if index == 0 else Font(bold=True, color="C00000")
        row += 1
    row += 1
    for col, (name, width) in enumerate(zip(LIST_COLUMNS, LIST_WIDTHS), start=1):
        _text(sheet.cell(row, col), headers.column(name))
        sheet.cell(row, col).font = bold
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = sheet.cell(row + 1, 1)
    if not records:
        _text(sheet.cell(row + 1, 1), headers.text("no_issues"))
    for record in records:
        row += 1
        values = {**record, "severity": headers.severity(record["severity"])}
        for col, name in enumerate(LIST_COLUMNS, start=1):
            cell = sheet.cell(row, col)
            _text(cell, str(values[name]))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            fill = None if record.get(SUPERSEDED, False) else FILLS.get(record["severity"])
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
    for other in workbook.worksheets:
        other.sheet_view.tabSelected = False
    workbook.active = 0
    sheet.sheet_view.tabSelected = True
