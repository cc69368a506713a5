"""The 图表 sheet: a bar chart of the annual amounts, by project, or by unit when there are many."""

from __future__ import annotations

import pandas as pd
from xlsxwriter.workbook import Workbook

from .headers import Headers
from .summary_sheets import AMOUNT, TEXT, Formats, Table, write_table

# Above this many bars a chart is unreadable: chart by unit instead, and at most this many bars.
MAX_BARS = 30
# Height of one bar in pixels, and the chart's default height (XlsxWriter: 288 px).
BAR_HEIGHT, CHART_HEIGHT = 22, 288


def _bars(projects: pd.DataFrame, units: pd.DataFrame, headers: Headers) -> tuple[pd.DataFrame, str]:
    """(name, amount) rows to chart and the chart's title."""
    if len(projects) <= MAX_BARS:
        names = projects["project_name"]
        # Projects of one name in two units: each bar says whose it is.
        named = names.where(~names.duplicated(keep=False), names + "（" + projects["budget_unit"] + "）")
        bars = pd.DataFrame({"name": named.to_numpy(), "amount": projects["annual_budget_wan"].to_numpy()})
        return bars, headers.text("chart_by_project")
    bars = units.loc[units["projects"] > 0, ["budget_unit", "annual_budget_wan"]].set_axis(["name", "amount"], axis=1)
    title = headers.text("chart_by_unit")
    if len(bars) > MAX_BARS:
        bars = bars.sort_values("amount", ascending=False, kind="stable")
        top, rest = bars.iloc[:MAX_BARS - 1], bars.iloc[MAX_BARS - 1:]
        other = pd.DataFrame({"name": [headers.text("chart_other")], "amount": [rest["amount"].sum()]})
        bars = pd.concat([top, other], ignore_index=True)
        title += headers.text("chart_top", count=MAX_BARS - 1)
    return bars.reset_index(drop=True), title


def write_chart(workbook: Workbook, formats: Formats, headers: Headers, projects: pd.DataFrame,
                units: pd.DataFrame) -> None:
    """Add the 图表 sheet: the charted figures as a small table, and the bar chart beside it."""
    bars, title = _bars(projects, units, headers)
    name = headers.sheet("chart")
    amount = headers.column("annual_budget_wan")
    sheet = write_table(workbook, formats, name, Table(bars, [headers.text("chart_category"), amount], [TEXT, AMOUNT]))
    chart = workbook.add_chart({"type": "bar"})
    n = len(bars)
    # A bar chart draws its first category at the bottom; reversing the axis keeps the table's order.
    chart.add_series({"name": amount, "categories": [name, 1, 0, n, 0], "values": [name, 1, 1, n, 1],
                      "data_labels": {"value": True, "num_format": "0.00"}})
    chart.set_title({"name": title})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})
    chart.set_x_axis({"num_format": "0.00"})
    sheet.insert_chart(1, 3, chart, {"x_scale": 2.0, "y_scale": max(1.0, n * BAR_HEIGHT / CHART_HEIGHT)})
