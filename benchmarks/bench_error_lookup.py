"""What looking up error values (#DIV/0!) costs collect, in its worst case.

calamine reads a cell showing an error as empty, so where the reader reports an empty cell (a
required field, an incomplete indicator row) it reads the sheet's part again to tell a failed
formula from a blank (sheetsync/cell_errors.py). A sheet without such a cell is never read again.
The worst case is a round where every sheet has one: here the seed's 16 forms per workbook, half
through our template writer and half laid out by hand, each with 年度目标 left blank.

Times collect in one process with the lookup and without it (``error_cells_of`` giving none),
alternating, and prints the minimum of each and their ratio.

    python benchmarks/bench_error_lookup.py --workbooks 60
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "tests"), str(HERE)]

import fixtures_forms as handmade  # noqa: E402
from bench_collect import HAND_LAYOUTS, SEED, hand_rows  # noqa: E402

import sheetsync.workbook as workbook  # noqa: E402
from sheetsync.collect import collect  # noqa: E402
from sheetsync.importer import read_text_file  # noqa: E402
from sheetsync.template import write_unit_workbook  # noqa: E402

DISTINCT = 4


def build_round(folder: Path, workbooks: int) -> Path:
    forms = [replace(item.form, annual_goal="") for item in read_text_file(SEED).forms]
    unit = forms[0].budget_unit
    pool = []
    for i in range(DISTINCT):
        path = folder / f"pool_{i}.xlsx"
        if i % 2 == 0:
            named = [replace(f, project_name=f"{f.project_name}{i}") for f in forms]
            write_unit_workbook(path, named, year=2021, budget_unit=unit, force=True)
        else:
            sheets = [(f"项目{n + 1}", replace(handmade.SEED_FORM, name=f"{f.project_name}{i}", annual_goal="",
                                              rows=hand_rows(f) or handmade.SEED_ROWS),
                       HAND_LAYOUTS[(i // 2 + n) % len(HAND_LAYOUTS)]) for n, f in enumerate(forms)]
            handmade.write_workbook(path, sheets)
        pool.append(path)
    round_folder = folder / "round"
    round_folder.mkdir()
    for n in range(workbooks):
        shutil.copyfile(pool[n % len(pool)], round_folder / f"unit_{n:04d}.xlsx")
    return round_folder


def timed(folder: Path) -> tuple[float, int, int]:
    start = time.process_time()
    result = collect([folder], jobs=1)
    blanks = int((result.issues["code"] == "missing_field").sum())
    return time.process_time() - start, len(result.projects), blanks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workbooks", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_round(Path(tmp), args.workbooks)
        collect([folder], jobs=1)  # warm the caches of labels and values
        lookup = workbook.error_cells_of
        seconds: dict[str, list[float]] = {"with the lookup": [], "without": []}
        for _ in range(args.runs):
            for name, errors_of in (("with the lookup", lookup), ("without", lambda *a: None)):
                workbook.error_cells_of = errors_of
                cpu, forms, blanks = timed(folder)
                seconds[name].append(cpu)
        workbook.error_cells_of = lookup
    print(f"{forms} forms, {blanks} with a required field blank (every sheet read again)")
    for name, runs in seconds.items():
        print(f"  collect, one process, {name:<16} {min(runs):6.2f} s CPU  ({forms / min(runs):,.0f} forms/s)")
    print(f"  ratio: {min(seconds['with the lookup']) / min(seconds['without']):.2f}x")


if __name__ == "__main__":
    main()
