"""The 填表说明 sheet: what a department clerk fills in, where and how.

Its text is in the form spec (``[instructions]``), with the form's labels filled in from the
spec, so it follows the spec.
"""

from __future__ import annotations

from .spec import FormSpec, Tree

COLUMN_WIDTH = 68


def instruction_lines(spec: FormSpec, trees: list[Tree], *, year: int | None, password: bool) -> list[tuple[str, str]]:
    """(style, text) per row of the sheet: a heading, numbered points, then the indicator trees used."""
    text = spec.instructions
    ind = spec.indicators
    labels = {
        "title": spec.title,
        "year": year or "",
        "name": spec.label_of("project_name"),
        "midterm": spec.label_of("midterm_budget_wan"),
        "annual": spec.label_of("annual_budget_wan"),
        "goal_midterm": spec.field("midterm_goal").label.prefix or spec.label_of("midterm_goal"),
        "goal_annual": spec.label_of("annual_goal"),
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
    rows = [("heading", text.heading.format(**labels)), ("plain", "")]
    rows += [("plain", f"{i}. {point.format(**labels)}") for i, point in enumerate(text.points, 1)]
    for tree in trees:
        rows += [("plain", ""), ("plain", text.tree_heading.format(tree=tree.name))]
        rows += [("plain", text.tree_line.format(level1=l1.label, level2s="；".join(l1.level2))) for l1 in tree.level1]
    return rows
