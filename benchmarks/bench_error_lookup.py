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
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "tests"), str(HERE)]

import bench_collect  # noqa: E402

import sheetsync.workbook as workbook  # noqa: E402
from sheetsync.collect import collect  # noqa: E402


def build_round(folder: Path, workbooks: int) -> Path:
    """The round of :func:`bench_collect.build_round`, 年度目标 left blank on every form."""
    bench_collect.build_round(folder, workbooks, distinct=4, annual_goal="")
    return folder / "round"


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
