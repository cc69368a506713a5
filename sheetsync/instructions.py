"""The 填表说明 sheet: what a department clerk fills in, where and how.

Its text is in the form spec (``[instructions]``), with the form's labels filled in from the
spec, so it follows the spec.
"""

from __future__ import annotations

from .errors import SpecError
from .spec import FormSpec, Tree

COLUMN_WIDTH = 68


# Placeholders of the instructions' points for the form's fields, when the form has them.
_FIELD_PLACEHOLDERS = {"name": "project_name", "midterm": "midterm_budget_wan", "annual": "annual_budget_wan",
                       "goal_midterm": "midterm_goal", "goal_annual": "annual_goal"}


def instruction_lines(spec: FormSpec, trees: list[Tree], *, year: int | None, password: bool) -> list[tuple[str, str]]:
    """(style, text) per row of the sheet: a heading, numbered points, then the indicator trees used."""
    text = spec.instructions
    ind = spec.indicators
    fields = {f.name: f for f in (*spec.fields, *spec.footer)}
    labels = {
        "title": spec.title,
        "year": year or "",
        **{key: fields[name].label.prefix or fields[name].label.text
           for key, name in _FIELD_PLACEHOLDERS.items() if name in fields},
        "midterm_years": spec.midterm_years,
        "periods": "、".join(spec.period_names),
        "level1": ind.level1.label.text,
        "level2": ind.periods[0].level2.label.text,
        "level3": ind.periods[0].level3.label.text,
        "value": ind.periods[0].value.label.text,
        "rows_per_level2": ind.rows_per_level2,
        "opinion": spec.footer[0].label.text if spec.footer else "",
        "protection": text.protected_with_password if password else text.protected_without_password,
    }
    try:
        rows = [("heading", text.heading.format(**labels)), ("plain", "")]
        rows += [("plain", f"{i}. {point.format(**labels)}") for i, point in enumerate(text.points, 1)]
    except KeyError as exc:
        raise SpecError(f"{spec.id}: the instructions name {{{exc.args[0]}}}, which this form has not; "
                        f"known: {', '.join(sorted(labels))}") from None
    for tree in trees:
        rows += [("plain", ""), ("plain", text.tree_heading.format(tree=tree.name))]
        rows += [("plain", text.tree_line.format(level1=l1.label, level2s="；".join(l1.level2))) for l1 in tree.level1]
    return rows
