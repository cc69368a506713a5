"""The roster: which budget units get which project sheets, read from CSV or Excel.

One row per project; columns 预算单位 and 项目名称 are required, 项目编码 and both
amounts optional (headers as the form spec lists them, spelling variants accepted)::

    >>> entries = read_roster("examples/roster.csv")   # doctest: +SKIP
    >>> entries[0].project_name, entries[0].annual_budget_wan   # doctest: +SKIP
    ('CO出证认证EDI管理系统CA证书费用', 0.25)

Anything wrong in the file raises one :class:`RosterError` listing every problem by
row and column: a roster is the coordinator's own input and is fixed before going on.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Sequence

from .errors import RosterError
from .names import without_place
from .spec import FormSpec, RosterColumn, column_letter, load_spec, normalize_label, without_bracketed
from .values import clean_text, parse_amount, without_amount_note

if TYPE_CHECKING:
    from .workbook import Grid

AMOUNT_FIELDS = ("midterm_budget_wan", "annual_budget_wan")
# Encodings a roster saved by Excel or WPS on a Chinese Windows comes in; GB18030 is a
# superset of GBK.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class RosterEntry:
    """One project of the roster; ``row`` is the row number a user sees in the file (header = 1)."""

    row: int
    budget_unit: str
    project_name: str
    project_code: str = ""
    midterm_budget_wan: float | None = None
    annual_budget_wan: float | None = None


# Rows searched for the header, below the title lines a roster may start with.
_HEADER_SEARCH_ROWS = 10


def read_roster(path: Path | str, *, form: str | FormSpec = "dongguan_approval") -> list[RosterEntry]:
    """Read and check a roster (CSV in UTF-8 or GBK, or XLSX/XLS/ODS: the visible sheet whose
    header has the required columns, else the first visible sheet; two such sheets are an
    error). Rows that sum the rows above them (合计, 小计) are no projects."""
    spec = form if isinstance(form, FormSpec) else load_spec(form)
    path = Path(path)
    candidates = [(sheet, _header_rows(spec, sheet)) for sheet in _read_rows(path)]
    matching = [c for c in candidates if c[1] is not None and _has_required(spec, _joined_header(c[0], c[1]))]
    if len(matching) > 1:
        names = "、".join(f"“{sheet.name}”" for sheet, _ in matching)
        raise RosterError(f"{path.name}: 花名册有{len(matching)}个工作表都带表头（{names}），只能读一个："
                          f"请把各工作表的项目合并到一个工作表中，或删去不用的工作表。")
    sheet, header_rows = (matching or candidates)[0]
    where = f"{path.name}（工作表“{sheet.name}”）" if sheet.name and len(candidates) > 1 else path.name
    if header_rows is None:
        raise RosterError(f"{where}: 花名册是空的，没有表头和项目。")
    header = _joined_header(sheet, header_rows)
    columns, problems = _match_header(spec, header, header_rows[0] + 1)
    if problems:
        raise RosterError(_report(where, problems))
    problems += _unknown_amounts(spec, header, columns, sheet.rows[header_rows[-1] + 1:], header_rows[0] + 1)
    problems += _noted_units(sheet.rows[:header_rows[0]], columns)
    labels = _header_labels(spec, sheet.rows, header_rows)
    # Each column as problems name it: its letter and its header as the roster writes it.
    names = {name: f"{column_letter(index)}列“{clean_text(header[index])}”" for name, index in columns.items()}
    entries: list[RosterEntry] = []
    for index in range(header_rows[-1] + 1, len(sheet.rows)):
        row = sheet.rows[index]
        if _is_spare(row, columns) or _is_total(row, columns) or _is_numbering(row) or _is_note(sheet, index, columns):
            continue
        if repeated := _repeated_labels(spec, columns, row, labels):
            problems.append((index + 1, f"第{index + 1}行：{repeated}列填的是表头的列名，不是项目；"
                                        f"表头若占两行，请把上下两行的表头合并成一行，或删去这一行"))
            continue
        entries.append(_entry(spec, columns, names, row, index + 1, problems))
    _check_duplicates(spec, names, entries, problems)
    _check_unit_spellings(names, entries, problems)
    if not entries and not problems:
        problems.append((header_rows[-1] + 1, f"第{header_rows[-1] + 1}行以下没有任何项目"))
    if problems:
        raise RosterError(_report(where, problems))
    return entries


def is_roster(rows: list[list[object]] | Sequence[Sequence[object]], spec: FormSpec) -> bool:
    """Whether a sheet's rows are a roster rather than a form: within its first rows, a header
    with the required columns, and a project named below it."""
    for i in _first_filled(rows):
        if (required := _required_columns(spec, list(rows[i]))) is not None:
            return any(at < len(row) and clean_text(row[at]) for row in rows[i + 1:] for at in required)
    return False


def _first_filled(rows: Sequence[Sequence[object]]) -> list[int]:
    """The first rows holding anything, among which a header is looked for."""
    return list(islice((i for i, row in enumerate(rows) if any(clean_text(c) for c in row)), _HEADER_SEARCH_ROWS))


def _is_spare(row: list[object], columns: dict[str, int]) -> bool:
    """Whether the row is no project: nothing in the roster's columns (a spare row numbered in
    advance in a 序号 column, a note beside the table)."""
    return not any(clean_text(row[i]) for i in columns.values() if i < len(row))


def _is_total(row: list[object], columns: dict[str, int]) -> bool:
    """Whether the row sums the rows above it (合计, 小计（2个项目）, 某办小计) instead of naming a
    project: its project name says so, or it is empty and another cell of the row does."""
    def is_total(cell: object) -> bool:
        word = without_bracketed(clean_text(cell))
        return word.endswith(_TOTALS)

    at = columns.get("project_name")
    name = clean_text(row[at]) if at is not None and at < len(row) else ""
    return is_total(name) if name else any(is_total(cell) for cell in row)


# A money unit other than the form's 万元 (元, 千元, 亿元 …), as a group.
_OTHER_MONEY = r"((?:千|百万|千万|亿)?元)"

# What heads a row numbering the columns under the header (栏次 甲 乙 1 2 3): no project.
_NUMBERING_LABELS = frozenset({"栏次", "行次", "列次", "栏号"})
_NUMBERING_LETTERS = frozenset("甲乙丙丁戊己庚辛")


def _is_numbering(row: list[object]) -> bool:
    """Whether the row numbers the columns (栏次, 1, 2, 3 …) rather than naming a project."""
    cells = [text for cell in row if (text := normalize_label(clean_text(cell)))]
    if cells and cells[0] in _NUMBERING_LABELS:
        cells = cells[1:]
    numbers = [int(text) for text in cells if text.isdecimal()]
    letters = sum(text in _NUMBERING_LETTERS for text in cells)
    return (len(numbers) >= 2 and len(numbers) + letters == len(cells)
            and numbers == list(range(numbers[0], numbers[0] + len(numbers))))


def _is_note(sheet: _Sheet, row: int, columns: dict[str, int]) -> bool:
    """Whether the row is a note merged across the table (备注：…): one merged cell over the
    unit's and the project's columns, which no project has."""
    unit, name = columns.get("budget_unit"), columns.get("project_name")
    return unit is not None and name is not None and any(
        r1 <= row <= r2 and c1 <= min(unit, name) and max(unit, name) <= c2 for (r1, c1), (r2, c2) in sheet.merges)


# A money unit noted above the header (单位：元, （金额单位：元）) other than the form's 万元.
_NOTED_UNIT = re.compile(r"(?:金额|计量)?单位\s*(?:[:：]|为)\s*(?:人民币)?" + _OTHER_MONEY)


def _noted_units(rows: list[list[object]], columns: dict[str, int]) -> list[tuple[int, str]]:
    """A problem when a note above the header says the amounts are in another unit than 万元:
    prefilled and locked, 1,200万 元 would reach the department as 1,200万 万元."""
    if not any(name in columns for name in AMOUNT_FIELDS):
        return []
    for r, row in enumerate(rows):
        for cell in row:
            if m := _NOTED_UNIT.search(clean_text(cell)):
                return [(r + 1, f"第{r + 1}行：“{m.group(0)}”说明金额以{m.group(1)}为单位，本表以万元为单位；"
                                f"请把金额换算为万元，并把说明改为“单位：万元”")]
    return []


def _header_index(spec: FormSpec, rows: list[list[object]]) -> int | None:
    """The header: the first of the first non-empty rows that has the required columns (a
    title such as “2026年项目名单” often sits above it), else the first non-empty row."""
    filled = _first_filled(rows)
    return next((i for i in filled if _has_required(spec, rows[i])), filled[0] if filled else None)


def _header_rows(spec: FormSpec, sheet: _Sheet) -> range | None:
    """The rows of the header: the header row and the rows below it that continue it."""
    first = _header_index(spec, sheet.rows)
    if first is None:
        return None
    last = first
    while last + 1 < len(sheet.rows) and _continues_header(sheet, last):
        last += 1
    return range(first, last + 1)


def _continues_header(sheet: _Sheet, last: int) -> bool:
    """Whether the row below the header row ``last`` is more header: each of its cells either
    repeats a label merged down from ``last`` (序号 merged over two rows) or names a column under
    a label merged across ``last`` (中期市财政预算 under 预算金额（万元））."""
    below = sheet.rows[last + 1]
    filled = [c for c, cell in enumerate(below) if clean_text(cell)]
    return bool(filled) and all(
        _merged_down(sheet, last, c) or (isinstance(below[c], str) and _under_group(sheet, last, c)) for c in filled
    )


def _merged_down(sheet: _Sheet, row: int, col: int) -> bool:
    """Whether a merged range covers (row, col) and goes on into the next row."""
    return any(r1 <= row < r2 and c1 <= col <= c2 for (r1, c1), (r2, c2) in sheet.merges)


def _under_group(sheet: _Sheet, row: int, col: int) -> bool:
    """Whether a merged range over several columns, ending at ``row``, covers (row, col)."""
    return any(r1 <= row == r2 and c1 <= col <= c2 and c1 < c2 for (r1, c1), (r2, c2) in sheet.merges)


def _joined_header(sheet: _Sheet, header_rows: range) -> list[object]:
    """One header row out of ``header_rows``: each column named by its lowest label. A label
    merged across columns with none below it names its first column only (项目名称 over C:D)."""
    rows, last = sheet.rows, header_rows[-1]
    width = max(len(rows[r]) for r in header_rows)
    labels = [_column_label([rows[r][c] for r in header_rows if c < len(rows[r])]) for c in range(width)]
    for (r1, c1), (r2, c2) in sheet.merges:
        if r1 <= last <= r2 and c1 < c2:
            for c in range(c1 + 1, min(c2 + 1, width)):
                labels[c] = ""
    return labels


def _column_label(cells: list[object]) -> str:
    """A column's label from its cells in the header rows: the lowest, with the money unit of a
    label above it when it names none (中期市财政预算 under 预算金额（元） is in 元)."""
    texts = [text for cell in cells if (text := clean_text(cell))]
    if not texts:
        return ""
    units = [m.group(0) for text in texts if (m := _ANY_MONEY_UNIT.search(text))]
    return texts[-1] if _ANY_MONEY_UNIT.search(texts[-1]) or not units else texts[-1] + units[-1]


def _header_labels(spec: FormSpec, rows: list[list[object]], header_rows: range) -> set[str]:
    """Every text a header could hold: the header rows' cells and the roster's column names."""
    labels = {normalize_label(cell) for r in header_rows for cell in rows[r]}
    labels |= {form for column in spec.roster for form in _header_forms(column)}
    return labels - {""}


def _repeated_labels(spec: FormSpec, columns: dict[str, int], row: list[object], labels: set[str]) -> str:
    """The columns (“预算单位”“项目名称”) of a data row that hold a header's label instead of a
    unit, a project or a code; "" when none does."""
    repeated = [
        f"“{column.label.text}”" for column in spec.roster
        if column.name in columns and column.name not in AMOUNT_FIELDS and columns[column.name] < len(row)
        and normalize_label(row[columns[column.name]]) in labels
    ]
    return "".join(repeated)


def _has_required(spec: FormSpec, row: list[object]) -> bool:
    """Whether ``row`` names every required column: a header, whatever else is wrong with it."""
    return _required_columns(spec, row) is not None


def _required_columns(spec: FormSpec, row: list[object]) -> list[int] | None:
    """Where ``row`` names each required column, or None when it misses one."""
    columns, _problems = _match_header(spec, row, 0)
    found = [columns.get(column.name) for column in spec.roster if column.required]
    return None if None in found else found


def _report(where: str, problems: list[tuple[int, str]]) -> str:
    lines = [text for _, text in sorted(problems, key=lambda p: p[0])]
    return f"{where}: 花名册有{len(lines)}处问题，请修改后重试：\n  " + "\n  ".join(lines)


# --- reading the cells ---------------------------------------------------------------


class _Sheet(NamedTuple):
    """A sheet's rows from row 1, as the user numbers them, and its merged ranges (first and last
    cell, from 0); a CSV is one sheet named "" without merges."""

    name: str
    rows: list[list[object]]
    merges: list[tuple[tuple[int, int], tuple[int, int]]]


def _read_rows(path: Path) -> list[_Sheet]:
    """Each visible sheet of the roster: a workbook's (told by its content, so also WPS's .et
    or an .xlsx named .csv), else the rows of a CSV."""
    _check_roster_file(path)
    if _is_workbook(path):
        return _read_excel(path)
    return [_Sheet("", _read_csv(path), [])]


def _is_workbook(path: Path) -> bool:
    from .safety import OLE_MAGIC, ZIP_MAGIC

    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise RosterError(f"{path}: 无法读取花名册（{exc.strerror or exc}）。") from None
    return head.startswith((ZIP_MAGIC, OLE_MAGIC))


def _check_roster_file(path: Path) -> None:
    """Raise unless ``path`` is a file: missing, a folder, or one that cannot be looked at (a
    name too long, a folder not to be entered)."""
    try:
        found = path.is_file()
    except OSError as exc:
        raise RosterError(f"{path}: 无法读取花名册（{exc.strerror or exc}）。") from None
    if not found and path.is_dir():
        raise RosterError(f"{path}: 这是一个文件夹，请给出花名册文件（.csv、.xlsx、.xls、.ods）的路径。")
    if not found:
        raise RosterError(f"{path}: 找不到花名册文件。")


def _read_csv(path: Path) -> list[list[object]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"{path}: 无法读取花名册（{exc}）。") from exc
    for encoding in CSV_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",\t;").delimiter
        except csv.Error:
            delimiter = ","
        # Only the separator is guessed: Excel and WPS quote with " alone, and a guessed ' would
        # eat the apostrophes of a name such as 'A'类项目.
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    raise RosterError(f"{path.name}: 花名册既不是UTF-8也不是GBK编码的CSV，无法读取；请在Excel中另存为“CSV UTF-8”或.xlsx。")


def _read_excel(path: Path) -> list[_Sheet]:
    """Each visible sheet's rows (the first sheet's when none is visible), opened as the reader
    opens a department's workbook: a far stray value or a damaged file is an error message."""
    from .issues import Issue
    from .safety import inspect_file
    from .workbook import open_workbook

    check = inspect_file(path)
    book, problem = (None, check.issue) if check.issue is not None else open_workbook(path, check.kind, check.sheets)
    if problem is not None:
        raise RosterError(f"{path.name}: 无法读取花名册（{problem.message}）")
    with book:
        grids = [book.grid(name) for name in book.sheet_names]
        sheets = [grid for grid in grids if not isinstance(grid, Issue)]
        if not sheets:
            raise RosterError(f"{path.name}: 无法读取花名册（{grids[0].message if grids else '没有工作表'}）")
        visible = [grid for grid in sheets if grid.visible]
        return [_Sheet(grid.name, _cells(grid), list(grid.merged_ranges)) for grid in visible or sheets[:1]]


class CellError(str):
    """The error value a cell shows (``#N/A`` of a VLOOKUP that found nothing), which calamine
    reads as empty: it is neither a name nor an amount."""


def _shown(grid: Grid, r: int, c: int, value: object) -> object:
    """A cell's value as the roster reads it: a formula's error value as a :class:`CellError`, a
    whole number shown with zeros before it (a 项目编码 00124 through the format 00000) as shown."""
    if value == "" and (error := grid.error_at(r, c)):
        return CellError(error)
    if type(value) in (int, float) and (shown := grid.shown(r, c)) is not None and shown.width:
        return shown.text(value)
    return value


def _cells(grid: Grid) -> list[list[object]]:
    """The sheet's rows (each cell as :func:`_shown` reads it), and a merged range's value in each
    of its cells: 预算单位 merged down over the unit's projects belongs to each of them."""
    rows = [[_shown(grid, r, c, value) for c, value in enumerate(row)] for r, row in enumerate(grid.rows)]
    for (r1, c1), (r2, c2) in grid.merged_ranges:
        if r1 >= len(rows) or c1 >= len(rows[r1]):
            continue
        value = rows[r1][c1]
        for r in range(r1, min(r2 + 1, len(rows))):
            for c in range(c1, min(c2 + 1, len(rows[r]))):
                rows[r][c] = value
    return rows


# --- checking ------------------------------------------------------------------------


@cache
def _header_forms(column: RosterColumn) -> frozenset[str]:
    forms = set()
    for text in (column.label.text, *column.label.variants):
        forms.add(normalize_label(text))
        forms.add(without_bracketed(text))
    return frozenset(forms)


def _match_header(spec: FormSpec, header: list[object], row: int) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Column index of each roster field, and the problems of the header row."""
    columns: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    for index, cell in enumerate(header):
        text = normalize_label(cell)
        if not text:
            continue
        for column in spec.roster:
            if text in _header_forms(column) or without_bracketed(text) in _header_forms(column):
                if column.name in AMOUNT_FIELDS and (unit := _other_unit(text)):
                    problems.append((row, f"第{row}行：列“{clean_text(cell)}”的金额单位是{unit}，本表以万元为单位；"
                                          f"请换算为万元，并把表头改为“{column.label.text}”"))
                if column.name in columns:
                    problems.append((row, f"第{row}行：列“{column.label.text}”出现了两次（第{columns[column.name] + 1}列和第{index + 1}列）"))
                else:
                    columns[column.name] = index
                break
    for column in spec.roster:
        if column.required and column.name not in columns:
            accepted = "、".join((column.label.text, *column.label.variants))
            problems.append((row, f"第{row}行（表头）：缺少必填列“{column.label.text}”（可用列名：{accepted}）"))
    return columns, problems


def _unknown_amounts(spec: FormSpec, header: list[object], columns: dict[str, int], rows: list[list[object]],
                     row: int) -> list[tuple[int, str]]:
    """A problem for each column that holds amounts under a header naming neither of the form's
    (预算金额（万元）), while one of the form's amount columns is missing: prefilling would leave its
    amounts out without a word. With both amount columns found, others (上年预算) are kept for reference."""
    missing = [_label(spec, name) for name in AMOUNT_FIELDS if name not in columns and _in_roster(spec, name)]
    if not missing:
        return []
    problems = []
    for index, cell in enumerate(header):
        text = clean_text(cell)
        if index in columns.values() or not _AMOUNT_HEADER.search(text) or _NOT_AMOUNT_HEADER.search(text):
            continue
        values = [line[index] for line in rows if index < len(line) and clean_text(line[index])]
        if values and all(parse_amount(value).value is not None for value in values):
            wanted = "或".join(f"“{label}”" for label in missing)
            problems.append((row, f"第{row}行（表头）：列“{text}”填的像是金额，但看不出是哪一项预算，没有读取；"
                                  f"若是{wanted}，请把表头改成这个名称，否则请删去这一列"))
    return problems


def _in_roster(spec: FormSpec, name: str) -> bool:
    return any(column.name == name for column in spec.roster)


# A header that names an amount, and one that names something about it that is no amount.
_AMOUNT_HEADER = re.compile(r"预算|金额|资金|经费|万元|[（(]元[）)]")
_NOT_AMOUNT_HEADER = re.compile(r"来源|渠道|科目|编码|代码|编号|性质|类型|类别|单位$")


# A money unit in a header's brackets other than the form's 万元: 中期市财政预算（元）.
_MONEY_UNIT = re.compile(r"[（(]\s*" + _OTHER_MONEY + r"\s*[）)]")


# Any money unit in brackets, the form's own included.
_ANY_MONEY_UNIT = re.compile(r"[（(]\s*(?:千|百万|千万|万|亿)?元\s*[）)]")


def _other_unit(header: str) -> str:
    m = _MONEY_UNIT.search(header)
    return m.group(1) if m else ""


def _label(spec: FormSpec, name: str) -> str:
    return next(c.label.text for c in spec.roster if c.name == name)


def _entry(spec: FormSpec, columns: dict[str, int], names: dict[str, str], row: list[object], number: int,
           problems: list[tuple[int, str]]) -> RosterEntry:
    """The roster row as an entry, its problems added to ``problems`` (an amount that is not one is None)."""
    def cell(name: str) -> object:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else None

    values: dict[str, object] = {}
    for column in spec.roster:
        if column.name not in columns:
            continue
        raw = cell(column.name)
        where = f"第{number}行{names[column.name]}"
        if isinstance(raw, CellError):
            problems.append((number, f"{where}：单元格显示的是公式错误“{raw}”，没有内容可读；请改正公式，或改为直接填写"))
            values[column.name] = None if column.name in AMOUNT_FIELDS else ""
        elif column.name in AMOUNT_FIELDS:
            values[column.name] = _amount(raw, number, where, problems)
        else:
            text = clean_text(raw)
            limit = _max_length(spec, column.name)
            if isinstance(raw, (int, float)) and not isinstance(raw, bool) and abs(raw) >= _EXACT_DIGITS_BELOW:
                problems.append((number, f"{where}：“{text}”以数字形式保存，Excel只保留数字的前15位，"
                                         f"编码可能已被改动；请把该列设为文本格式后重新输入"))
            elif column.name == "project_code" and _SCIENTIFIC.match(text):
                problems.append((number, f"{where}：“{text}”是Excel把长数字编码显示成的科学计数法，"
                                         f"原编码已丢失；请把该列设为文本格式后重新输入编码"))
            elif column.required and not text:
                problems.append((number, f"{where}：为空，请填写"))
            elif limit and len(text) > limit:
                problems.append((number, f"{where}：超过表格限定的{limit}字（现{len(text)}字），请精简"))
            elif column.name == spec.unit_line.field and (problem := unit_name_problem(spec, text)):
                problems.append((number, f"{where}：{problem}"))
            values[column.name] = text
    midterm, annual = values.get("midterm_budget_wan"), values.get("annual_budget_wan")
    if isinstance(midterm, float) and isinstance(annual, float) and annual > midterm:
        problems.append((number, (
            f"第{number}行{names['annual_budget_wan']}：{annual:g}万元超过{names['midterm_budget_wan']}的{midterm:g}万元"
        )))
    return RosterEntry(row=number, **values)


# Excel keeps 15 significant digits of a number: a code of 16 digits typed as one is changed.
_EXACT_DIGITS_BELOW = 1e15
# What a CSV opened and saved again in Excel holds for a long numeric code: 4.4190021E+17.
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+\d+$")
# What a row summing the rows above it says in place of a project or a unit.
_TOTALS = ("合计", "小计", "总计", "共计")


def unit_name_problem(spec: FormSpec, name: str) -> str | None:
    """Why ``name`` cannot be prefilled as the unit (the form's unit line would read back
    otherwise), or None: it carries the line's label, or the note of the amounts' unit.

        >>> unit_name_problem(load_spec(), "东莞市某局（单位：万元）")
        '“东莞市某局（单位：万元）”中的“（单位：万元）”是金额单位的说明，不是单位名称，请删去'
    """
    label = spec.unit_line.label
    if label and name.startswith(label) and name[len(label):len(label) + 1] in ("：", ":"):
        return f"“{name}”以“{label}{name[len(label)]}”开头，表中已印有这几个字，请只填单位名称"
    if (bare := without_amount_note(name)) != name:
        return f"“{name}”中的“{name[len(bare):].strip()}”是金额单位的说明，不是单位名称，请删去"
    return None


def _max_length(spec: FormSpec, name: str) -> int | None:
    """The form's length limit for the field a roster column fills (none for a column the form lacks)."""
    try:
        return spec.field(name).max_length
    except KeyError:
        return None


def _amount(raw: object, row: int, where: str, problems: list[tuple[int, str]]) -> float | None:
    if clean_text(raw) == "":
        return None
    amount = parse_amount(raw)
    if amount.too_large:
        problems.append((row, f"{where}：{clean_text(raw)}太大，不像以万元为单位的金额（是否按“元”填写？），请核对"))
        return None
    if amount.value is None:
        problems.append((row, f"{where}：“{clean_text(raw)}”不是数字，请填写以万元为单位的金额"))
        return None
    if amount.converted:
        problems.append((row, f"{where}：“{clean_text(raw)}”按“{amount.unit}”填写，请换算为万元并只填数字"))
        return None
    if amount.value < 0:
        problems.append((row, f"{where}：金额不能为负数（{clean_text(raw)}）"))
        return None
    return amount.value


def _check_unit_spellings(names: dict[str, str], entries: list[RosterEntry], problems: list[tuple[int, str]]) -> None:
    """A unit named both in full and without its city (东莞市教育局, 教育局): the files and forms
    of the two would be taken for one unit's, its templates made twice."""
    first: dict[str, RosterEntry] = {}
    for entry in entries:
        first.setdefault(normalize_label(entry.budget_unit), entry)
    in_full: dict[str, list[RosterEntry]] = {}
    for key, entry in first.items():
        if (short := without_place(key)) != key and short in first:
            in_full.setdefault(short, []).append(entry)
    for short, full in in_full.items():
        bare = first[short]
        where = f"第{bare.row}行{names['budget_unit']}：“{bare.budget_unit}”"
        if len(full) == 1:
            problem = f"{where}与第{full[0].row}行的“{full[0].budget_unit}”像是同一单位的两种写法，请统一为一种"
        else:
            named = "、".join(f"第{entry.row}行的“{entry.budget_unit}”" for entry in full)
            problem = f"{where}像是{named}中某一单位的简称，请写全称"
        problems.append((bare.row, problem))


def _check_duplicates(spec: FormSpec, names: dict[str, str], entries: list[RosterEntry], problems: list[tuple[int, str]]) -> None:
    by_name: dict[tuple[str, str], RosterEntry] = {}
    by_code: dict[str, RosterEntry] = {}
    for entry in entries:
        key = (normalize_label(entry.budget_unit), normalize_label(entry.project_name))
        if not key[1]:
            pass  # an empty name is reported as such
        elif key in by_name:
            problems.append((entry.row, (
                f"第{entry.row}行{names['project_name']}：项目“{entry.project_name}”与第{by_name[key].row}行重复"
                f"（同一{_label(spec, 'budget_unit')}下项目名称不能重复）"
            )))
        else:
            by_name[key] = entry
        # Codes are compared as the collection compares them (model.project_key): P 001 is P001.
        code = normalize_label(entry.project_code)
        if code:
            if code in by_code:
                other = by_code[code]
                spelt = "" if other.project_code == entry.project_code else f"的“{other.project_code}”"
                problems.append((entry.row, (
                    f"第{entry.row}行{names['project_code']}：编码“{entry.project_code}”与第{other.row}行{spelt}重复"
                )))
            else:
                by_code[code] = entry
