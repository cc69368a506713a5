"""Time `sheetsync template --roster` for many units beside plain XlsxWriter writing the same cells.

    python benchmarks/bench_template.py                 # 300 units x 16 projects
    python benchmarks/bench_template.py --units 30      # a quicker run

The baseline writes, for every unit, a workbook with the same sheets and the same cell
values (from the same layout plan) with write_string/write_number only: no formats, merges,
validations, protection, print setup, lists or identity sheet (both in_memory). The ratio is what the
template's formatting, validation and checking cost.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sheetsync.layout import plan_sheet  # noqa: E402
from sheetsync.model import ProjectForm  # noqa: E402
from sheetsync.names import unique_file_names, unique_sheet_names  # noqa: E402
from sheetsync.roster import read_roster  # noqa: E402
from sheetsync.spec import load_spec  # noqa: E402
from sheetsync.template import reserved_sheets, _Lists, write_templates_from_roster  # noqa: E402

YEAR = 2021


def make_roster(path: Path, units: int, projects: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["预算单位", "项目名称", "项目编码", "中期市财政预算（万元）", "本年度申请市财政预算资金（万元）"])
        for u in range(units):
            for p in range(projects):
                out.writerow([f"东莞市第{u + 1}预算单位", f"第{p + 1}个项目支出（办公及业务场所租金等）", f"U{u:03d}P{p:02d}", "66.00", "22.00"])


def plain_xlsxwriter(roster: Path, out_dir: Path) -> None:
    spec = load_spec()
    tree = spec.tree(spec.default_framework)
    entries = read_roster(roster, form=spec)
    units = list(dict.fromkeys(e.budget_unit for e in entries))
    for unit, name in zip(units, unique_file_names(units)):
        mine = [e for e in entries if e.budget_unit == unit]
        wb = xlsxwriter.Workbook(str(out_dir / f"{name}.xlsx"), {"in_memory": True})
        lists = _Lists()
        for sheet_name, e in zip(unique_sheet_names([e.project_name for e in mine], taken=reserved_sheets(spec)), mine):
            ws = wb.add_worksheet(sheet_name)
            form = ProjectForm(budget_unit=unit, project_name=e.project_name, midterm_budget_wan=e.midterm_budget_wan,
                               annual_budget_wan=e.annual_budget_wan, year=YEAR)
            plan = plan_sheet(spec, form, year=YEAR, budget_unit=unit, tree=tree, list_source=lists.source,
                              rows_per_level2=spec.indicators.rows_per_level2)
            for cell in plan.cells:
                if isinstance(cell.value, str) and cell.value:
                    ws.write_string(cell.span.first_row, cell.span.first_col, cell.value)
                elif isinstance(cell.value, float):
                    ws.write_number(cell.span.first_row, cell.span.first_col, cell.value)
        wb.close()


def timed(label: str, fn) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:8.2f} s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--projects", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        roster = tmp / "roster.csv"
        make_roster(roster, args.units, args.projects)
        (tmp / "plain").mkdir()
        sheets = args.units * args.projects
        print(f"{args.units} units x {args.projects} projects = {sheets} project sheets")
        ours = timed("sheetsync template --roster", lambda: write_templates_from_roster(roster, tmp / "ours", year=YEAR))
        plain = timed("XlsxWriter, same cells, no formatting", lambda: plain_xlsxwriter(roster, tmp / "plain"))
        size = sum(p.stat().st_size for p in (tmp / "ours").iterdir())
        print(f"{'per project sheet (sheetsync)':<44} {ours / sheets * 1000:8.2f} ms")
        print(f"{'output size (sheetsync)':<44} {size / 1e6:8.1f} MB")
        print(f"{'ratio sheetsync / plain XlsxWriter':<44} {ours / plain:8.2f} x")


if __name__ == "__main__":
    main()
