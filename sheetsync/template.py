"""Template workbooks: blank, from a roster, or filled with forms.

    >>> write_template("绩效目标表.xlsx", year=2026, unit="东莞市某局", count=5)   # doctest: +SKIP
    >>> write_templates_from_roster("roster.csv", "out/", year=2021)           # doctest: +SKIP

Every workbook has the 填表说明 sheet first, then one protected, validated sheet per
project laid out by :mod:`sheetsync.layout`, a hidden sheet with the 二级 lists of the
dropdowns and the very hidden identity sheet (:mod:`sheetsync.identity`).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError, TemplateError
from .identity import IDENTITY_SHEET, LISTS_SHEET, Identity, SheetIdentity, not_for_projects
from .instructions import COLUMN_WIDTH, instruction_lines
from .layout import LINE_HEIGHT, choose_tree, plan_sheet, text_lines
from .model import BUDGET_YEARS, ProjectForm
from .names import unique_file_names, unique_sheet_names
from .output import atomic_path, check_workbook_name, check_writable, publish_all, staged_as, staging_folder
from .roster import RosterEntry, read_roster, unit_name_problem
from .spec import FormSpec, Tree, column_letter, load_spec, normalize_label
from .values import clean_text
from .xlsx import A4, Book, Sheet, check

LIST_COLUMN_WIDTH = 30

# Print setup: A4, landscape, centred, the whole form on one page; margins in inches.
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.5}


@dataclass
class ProjectSheet:
    name: str
    form: ProjectForm
    tree: Tree
    blank: bool = False  # a sheet for no project yet: no project key in the identity sheet


def default_year() -> int:
    """Templates are handed out for next year's budget."""
    return dt.date.today().year + 1


# --- public functions ------------------------------------------------------------------


def write_template(output, *, year=None, unit="", count=1, framework=None, password=None,
                   form="dongguan_approval", force=False) -> Path:
    """Write one workbook with ``count`` blank project sheets (项目1, 项目2, ...).

    >>> write_template("t.xlsx", year=2026, unit="东莞市某局", count=3)   # doctest: +SKIP
    PosixPath('t.xlsx')
    """
    spec = load_spec(form)
    year = year or default_year()
    tree = spec.tree(framework or spec.default_framework)
    _check_year(year)
    if count < 1:
        raise TemplateError(f"项目表的张数至少为1，现为{count}。")
    _check_password(password)
    unit = unit.strip()
    if problem := unit_name_problem(spec, unit):
        raise TemplateError(f"--unit：{problem}")
    names = unique_sheet_names([spec.blank_sheet_name.format(number=i) for i in range(1, count + 1)], taken=not_for_projects(spec))
    sheets = [ProjectSheet(n, ProjectForm(budget_unit=unit, year=year), tree, blank=True) for n in names]
    output = check_workbook_name(output)
    with atomic_path(output, force=force) as tmp:
        _write_workbook(tmp, spec, sheets, year=year, budget_unit=unit, framework=tree.key, password=password,
                        rows_per_level2=spec.indicators.rows_per_level2)
    return output


def write_templates_from_roster(roster_path, out_dir, *, year=None, framework=None, password=None,
                                form="dongguan_approval", force=False) -> list[Path]:
    """Write one workbook per budget unit of the roster into ``out_dir``, one sheet per project.

    All workbooks are written to temporary files first and put in place only when every one
    succeeded, all or none: an error leaves no partial output.

    >>> write_templates_from_roster("examples/roster.csv", "out/", year=2021)   # doctest: +SKIP
    [PosixPath('out/中国国际贸易促进委员会东莞市委员会.xlsx')]
    """
    spec = load_spec(form)
    year = year or default_year()
    tree = spec.tree(framework or spec.default_framework)
    _check_year(year)
    _check_password(password)
    entries = read_roster(roster_path, form=spec)
    out_dir = Path(out_dir)
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise OutputError(f"{out_dir} 是文件；带 --roster 时，输出应是文件夹。")
    units = _by_unit(entries)
    paths = [out_dir / f"{name}.xlsx" for name in unique_file_names(list(units))]
    for path in paths:
        check_writable(path, force)
        if os.path.realpath(path) == os.path.realpath(roster_path):
            raise OutputError(f"{path} 是项目名单，请把模板写到另一个文件夹。")
    with staging_folder(out_dir) as staging:
        for (unit, mine), path in zip(units.items(), paths):
            names = unique_sheet_names([e.project_name for e in mine], taken=not_for_projects(spec))
            sheets = [
                ProjectSheet(name, ProjectForm(
                    budget_unit=unit, project_name=e.project_name, project_code=e.project_code, year=year,
                    midterm_budget_wan=e.midterm_budget_wan, annual_budget_wan=e.annual_budget_wan,
                ), tree)
                for name, e in zip(names, mine)
            ]
            with staged_as(path):
                _write_workbook(staging / path.name, spec, sheets, year=year, budget_unit=unit, framework=tree.key,
                                password=password, rows_per_level2=spec.indicators.rows_per_level2)
        publish_all([(staging / path.name, path) for path in paths], force)
    return paths


def _by_unit(entries: list[RosterEntry]) -> dict[str, list[RosterEntry]]:
    """The roster's projects by unit, in the roster's order, each unit named as first spelt: its
    other spellings (东莞市某局(本级), 东莞市某局 （本级）) are the same unit, as the roster's
    duplicate check takes them."""
    groups: dict[str, list[RosterEntry]] = {}
    for entry in entries:
        groups.setdefault(normalize_label(entry.budget_unit), []).append(entry)
    return {mine[0].budget_unit: mine for mine in groups.values()}


def _check_year(year: int) -> None:
    if year not in BUDGET_YEARS:
        raise TemplateError(f"年度{year}不在{BUDGET_YEARS.start}至{BUDGET_YEARS.stop - 1}年之间，请核对。")


def _check_password(password: str | None) -> None:
    # Excel and LibreOffice check a sheet's password through a hash of its bytes, and
    # XlsxWriter hashes each character whole: a Chinese password would lock the sheet for good.
    if password and not (password.isascii() and password.isprintable()):
        raise TemplateError("密码只能使用英文字母、数字和符号（不能有汉字）。")


def write_unit_workbook(path, forms: list[ProjectForm], *, year, budget_unit, framework=None, password=None,
                        form="dongguan_approval", force=False) -> Path:
    """Write the template filled with ``forms``: amounts, goals, opinion and indicators.

    ``year`` None (a form without its year) leaves the year line's year blank.

    Each sheet uses ``framework``'s tree, or (None) the tree that best matches its 一级
    labels; each 二级 gets as many rows as its indicators need. The reader gives the
    same projects and indicators back.
    """
    spec = load_spec(form)
    _check_password(password)
    chosen = spec.tree(framework) if framework else None
    names = unique_sheet_names([f.project_name for f in forms], taken=not_for_projects(spec))
    sheets = [ProjectSheet(n, f, chosen or choose_tree(spec, f.indicators)) for n, f in zip(names, forms)]
    used = ",".join(dict.fromkeys(s.tree.key for s in sheets)) or spec.default_framework
    path = Path(path)
    with atomic_path(path, force=force) as tmp:
        _write_workbook(tmp, spec, sheets, year=year, budget_unit=budget_unit, framework=framework or used,
                        password=password, rows_per_level2=1)
    return path


# --- the workbook ------------------------------------------------------------------------


class _Lists:
    """The hidden sheet holding one column of 二级 labels per 一级, sources of the dropdowns.

    Excel limits an inline list to 255 characters; a range has no such limit.
    """

    def __init__(self) -> None:
        self.columns: dict[tuple[str, str], tuple[int, tuple[str, ...]]] = {}

    def source(self, tree: Tree, level1: str) -> str:
        key = (tree.key, level1)
        if key not in self.columns:
            self.columns[key] = (len(self.columns), tree.level2_of(level1))
        col, labels = self.columns[key]
        letter = column_letter(col)
        return f"='{LISTS_SHEET}'!${letter}$1:${letter}${max(1, len(labels))}"

    def write(self, sheet: Sheet) -> None:
        for col, labels in self.columns.values():
            sheet.column_width(col, LIST_COLUMN_WIDTH)
            for row, label in enumerate(labels):
                sheet.text(row, col, label)


def _write_workbook(path: Path, spec: FormSpec, sheets: list[ProjectSheet], *, year: int | None, budget_unit: str,
                    framework: str, password: str | None, rows_per_level2: int) -> None:
    book = Book(path)
    instructions = book.add_sheet(spec.instructions.sheet)
    trees = list({s.tree.key: s.tree for s in sheets}.values()) or [spec.tree(spec.default_framework)]
    instructions.column_width(0, COLUMN_WIDTH)
    for row, (style, text) in enumerate(instruction_lines(spec, trees, year=year, password=bool(password))):
        instructions.text(row, 0, text, style)
        instructions.row_height(row, LINE_HEIGHT * text_lines(text, COLUMN_WIDTH) + 6)
    instructions.ws.set_paper(A4)
    instructions.ws.fit_to_pages(1, 0)
    lists = _Lists()
    identity = Identity(
        form_id=spec.id, spec_version=str(spec.version), spec_hash=spec.hash, year="" if year is None else str(year),
        budget_unit=budget_unit, framework=framework,
        generated_at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    )
    for project in sheets:
        sheet = book.add_sheet(project.name)
        _write_project_sheet(sheet, spec, project, year=year, budget_unit=budget_unit, lists=lists,
                             password=password, rows_per_level2=rows_per_level2)
        form = project.form
        identity.sheets[project.name] = SheetIdentity(
            sheet=project.name, project_key="" if project.blank else form.key, project_code=form.project_code,
            budget_unit=form.budget_unit or budget_unit, project_name=form.project_name,
            midterm_budget_wan=clean_text(form.midterm_budget_wan), annual_budget_wan=clean_text(form.annual_budget_wan),
        )
    list_sheet = book.add_sheet(LISTS_SHEET)
    lists.write(list_sheet)
    list_sheet.ws.protect("")
    list_sheet.ws.hide()
    identity_sheet = book.add_sheet(IDENTITY_SHEET)
    for row, cells in enumerate(identity.rows()):
        for col, text in enumerate(cells):
            identity_sheet.text(row, col, text)
    # LibreOffice has no "very hidden": Sheet > Show Sheet lists it, so it is protected too.
    identity_sheet.ws.protect(password or "")
    identity_sheet.ws.very_hidden()
    book.close()


def _write_project_sheet(sheet: Sheet, spec: FormSpec, project: ProjectSheet, *, year: int | None, budget_unit: str,
                         lists: _Lists, password: str | None, rows_per_level2: int) -> None:
    plan = plan_sheet(spec, project.form, year=year, budget_unit=budget_unit, tree=project.tree,
                      list_source=lists.source, rows_per_level2=rows_per_level2)
    for col, width in enumerate(spec.column_widths):
        sheet.column_width(col, width)
    for row, height in sorted(plan.row_heights.items()):
        sheet.row_height(row, height)
    for cell in plan.cells:
        sheet.put(cell.span, cell.value, cell.style, cell.locked)
    for span, options in plan.validations:
        sheet.validate(span, options)
    ws = sheet.ws
    # Inserting rows lets a department add level-3 indicators; formatting rows lets it make
    # a row taller for long text. Everything else needs the sheet unprotected.
    ws.protect(password or "", {"insert_rows": True, "format_rows": True})
    ws.set_paper(A4)
    ws.set_landscape()
    ws.center_horizontally()
    ws.set_margins(**MARGINS)
    ws.fit_to_pages(1, 1)
    last_col = spec.columns - 1
    check(ws.print_area(0, 0, plan.last_row, last_col), "the print area", sheet.name)
    check(ws.repeat_rows(0, spec.unit_line.at.last_row), "the print titles", sheet.name)
