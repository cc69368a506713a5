"""The Chinese labels of what we write: column headers, sheet names, statuses.

A column that is a field of the form is headed with the form's own label (from the spec);
every other label is in ``templates/columns.toml``::

    >>> h = load_headers()
    >>> h.column("annual_budget_wan"), h.column("level2"), h.column("file")
    ('本年度申请市财政预算资金（万元）', '二级指标', '文件')
    >>> h.sheet("projects"), h.status("missing")
    ('项目汇总', '未提交')
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from .errors import SpecError
from .spec import FormSpec, load_spec, templates_dir

COLUMNS_FILE = "columns.toml"


@cache
def _labels_data() -> dict:
    path = templates_dir() / COLUMNS_FILE
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"{path}: {exc}") from exc


@dataclass(frozen=True)
class Headers:
    """Labels for one form spec; see the module docstring."""

    spec: FormSpec

    def _table(self, table: str, key: str) -> str:
        try:
            return _labels_data()[table][key]
        except KeyError:
            raise SpecError(f"{COLUMNS_FILE} has no [{table}] {key}") from None

    def column(self, name: str) -> str:
        """The header of a column of the projects, indicators or issues tables."""
        indicators = self.spec.indicators
        by_role = {
            "level1": indicators.level1.label,
            "level2": indicators.periods[0].level2.label,
            "level3": indicators.periods[0].level3.label,
            "value": indicators.periods[0].value.label,
        }
        if name in by_role:
            return by_role[name].text
        try:
            field = self.spec.field(name)
        except KeyError:
            if name == self.spec.unit_line.field:
                return self.spec.label_of(name)
            roster = {c.name: c.label.text for c in self.spec.roster}
            return roster[name] if name in roster else self._table("columns", name)
        # A prefix label carries data after the prefix (中期滚动目标（2021年--2023年）).
        return field.label.prefix or field.label.text

    def columns(self, names: list[str]) -> list[str]:
        return [self.column(n) for n in names]

    def field_label(self, name: str) -> str:
        """The label of an issue's ``field``; the name itself when it is no known column."""
        if not name:
            return ""
        try:
            return self.column(name)
        except SpecError:
            return name

    def level1_count(self, level1: str) -> str:
        return self._table("columns", "level1_count").format(level1=level1)

    def period_count(self, period: str, what: str) -> str:
        return self._table("columns", "period_count").format(period=period, what=self.column(what))

    def sheet(self, key: str) -> str:
        return self._table("sheets", key)

    def continued_sheet(self, key: str, number: int) -> str:
        return self._table("sheets", "continued").format(name=self.sheet(key), number=number)

    def text(self, key: str, **params: object) -> str:
        return self._table("text", key).format(**params)

    def severity(self, severity: str) -> str:
        return _labels_data()["severity"].get(severity, severity)

    def status(self, key: str) -> str:
        return self._table("status", key)

    def status_note(self, key: str, **params: object) -> str:
        return self._table("status_note", key).format(**params)


def load_headers(form_id: str | None = None) -> Headers:
    """The labels for the form spec ``form_id`` (default: the default form)."""
    return Headers(load_spec(form_id) if form_id else load_spec())
