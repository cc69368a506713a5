"""The identity record our templates carry on a very hidden sheet.

It lets the reader recognise a workbook as ours, know its spec version and match each
project sheet to its project. The sheet is a plain two-column table::

    form_id       | dongguan_approval
    spec_version  | 1
    spec_hash     | c19ce1bb45be1906
    year          | 2021
    budget_unit   | 中国国际贸易促进委员会东莞市委员会
    framework     | dongguan
    generated_at  | 2026-11-25T19:30:00+08:00
    (empty row)
    sheet | project_key | project_code | budget_unit | project_name | midterm_budget_wan | annual_budget_wan
    项目1 | ...         | ...          | ...         | ...          | 60                 | 20

The header row is :data:`PROJECT_HEADER`; templates of before the amounts were recorded have
its first five columns only. An amount is recorded only when the roster prefilled it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

from .headers import load_headers
from .values import clean_text

if TYPE_CHECKING:
    from .spec import FormSpec

IDENTITY_SHEET = "_sheetsync"
# The hidden sheet of the template's dropdown lists.
LISTS_SHEET = "_lists"
# The custom document property (name, value) that marks a summary workbook we wrote: its
# header rows carry the form's labels, so the reader must know to skip it.
SUMMARY_MARK = ("sheetsync", "summary")
RECORD_KEYS = ("form_id", "spec_version", "spec_hash", "year", "budget_unit", "framework", "generated_at")
PROJECT_HEADER = ("sheet", "project_key", "project_code", "budget_unit", "project_name",
                  "midterm_budget_wan", "annual_budget_wan")


@dataclass(frozen=True)
class SheetIdentity:
    sheet: str
    project_key: str
    project_code: str = ""
    budget_unit: str = ""
    project_name: str = ""
    midterm_budget_wan: str = ""  # as prefilled, "" when not
    annual_budget_wan: str = ""


@dataclass
class Identity:
    """What the identity sheet says about the workbook and each project sheet."""

    form_id: str = ""
    spec_version: str = ""
    spec_hash: str = ""
    year: str = ""
    budget_unit: str = ""
    framework: str = ""
    generated_at: str = ""
    sheets: dict[str, SheetIdentity] = field(default_factory=dict)

    def rows(self) -> list[list[str]]:
        """The identity sheet's cells, row by row (what :func:`parse_identity` reads back)."""
        rows = [[key, str(getattr(self, key))] for key in RECORD_KEYS]
        rows.append([])
        rows.append(list(PROJECT_HEADER))
        for sheet in self.sheets.values():
            rows.append([getattr(sheet, column) for column in PROJECT_HEADER])
        return rows


def reserved_sheets(spec: FormSpec) -> tuple[str, ...]:
    """Sheet names our templates use besides the project sheets."""
    return (spec.instructions.sheet, LISTS_SHEET, IDENTITY_SHEET)


def not_for_projects(spec: FormSpec) -> tuple[str, ...]:
    """Sheet names a project's sheet never takes: the template's other sheets, and the name of the
    problem list that a feedback copy puts first."""
    return (*reserved_sheets(spec), load_headers().sheet("issues"))


def parse_identity(rows: Iterable[Sequence[object]]) -> Identity:
    """Read an identity sheet from its cell values (as calamine or openpyxl give them)."""
    identity = Identity()
    columns: list[str] = []  # the project header's columns, once found
    for raw in rows:
        cells = [clean_text(c) for c in raw]
        if not any(cells):
            continue
        if tuple(cells[:2]) == PROJECT_HEADER[:2]:
            columns = cells
            continue
        if columns:
            cells += [""] * (len(columns) - len(cells))
            entry = SheetIdentity(**{name: value for name, value in zip(columns, cells) if name in PROJECT_HEADER})
            identity.sheets[entry.sheet] = entry
        elif cells[0] in RECORD_KEYS and len(cells) > 1:
            setattr(identity, cells[0], cells[1])
    return identity
