"""How fast collect reads filled forms, beside python-calamine's raw read and openpyxl's full load.

Builds a round of workbooks (the seed's 16 forms per workbook, half through our template
writer, half the official form laid out by hand with openpyxl), then times:

- raw: python-calamine opening every file and loading every sheet with its cells and merges;
- collect, jobs=1: the whole reader, checks and the three DataFrames;
- collect, jobs=2: the same in two worker processes;
- openpyxl full load of a subset, scaled to the same number of sheets.

    python benchmarks/bench_collect.py                 # 200 workbooks × 16 sheets = 3,200 forms
    python benchmarks/bench_collect.py --workbooks 50  # quicker

Goal (issue 3): collect within 2× of the raw read in one process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import fixtures_forms as handmade  # noqa: E402

from sheetsync.collect import collect, expand_paths  # noqa: E402
from sheetsync.importer import read_text_file  # noqa: E402
from sheetsync.model import Collection  # noqa: E402
from sheetsync.reader import read_file  # noqa: E402
from sheetsync.template import write_unit_workbook  # noqa: E402

SEED = ROOT / "examples" / "seed_2021_dongguan_ccpit.txt"
DISTINCT = 8  # distinct workbooks written; the rest are copies (reading cost is the same)
HAND_LAYOUTS = [
    handmade.Layout(),
    handmade.Layout(top=2, left=1, merges="first"),
    handmade.Layout(merges="repeated", labels=handmade.RETYPED_LABELS),
    handmade.Layout(blank_rows_before_table=1, unit_in_next_cell=True),
]


def hand_rows(form) -> tuple:
    """The form's indicators as rows of the official table: 中期 and 年度 side by side per 一级."""
    rows = []
    for level1 in dict.fromkeys(ind.level1 for ind in form.indicators):
        sides = [[handmade.Side(i.level2, i.level3, i.value) for i in form.indicators
                  if i.level1 == level1 and i.period == period] for period in ("中期", "年度")]
        for k in range(max(len(s) for s in sides)):
            mid, ann = (s[k] if k < len(s) else handmade.Side("") for s in sides)
            rows.append(handmade.Row(level1 if k == 0 else None, mid, ann))
    return tuple(rows)


def build_round(folder: Path, workbooks: int, distinct: int = DISTINCT, **changes: object) -> list[Path]:
    """``workbooks`` copies of ``distinct`` workbooks under ``folder/round``; ``changes`` (such as
    ``annual_goal=""``) are made to every form, in our template and laid out by hand alike."""
    forms = [replace(item.form, **changes) for item in read_text_file(SEED).forms]
    unit = forms[0].budget_unit
    pool = []
    for i in range(distinct):
        path = folder / f"pool_{i}.xlsx"
        if i % 2 == 0:
            named = [replace(f, project_name=f"{f.project_name}{i}") for f in forms]
            write_unit_workbook(path, named, year=2021, budget_unit=unit, force=True)
        else:
            sheets = []
            for n, f in enumerate(forms):
                data = replace(handmade.SEED_FORM, name=f"{f.project_name}{i}", rows=hand_rows(f) or handmade.SEED_ROWS,
                               **changes)
                sheets.append((f"项目{n + 1}", data, HAND_LAYOUTS[(i // 2 + n) % len(HAND_LAYOUTS)]))
            handmade.write_workbook(path, sheets)
        pool.append(path)
    files = []
    for n in range(workbooks):
        target = folder / "round" / f"unit_{n:04d}.xlsx"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(pool[n % len(pool)], target)
        files.append(target)
    return files


def raw_calamine(files: list[Path]) -> int:
    from python_calamine import CalamineWorkbook

    sheets = 0
    for path in files:
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            sheet.to_python(skip_empty_area=False)
            sheet.merged_cell_ranges
            sheets += 1
        wb.close()
    return sheets


def openpyxl_full(files: list[Path]) -> int:
    import openpyxl

    sheets = 0
    for path in files:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
            ws.merged_cells.ranges
            sheets += 1
        wb.close()
    return sheets


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workbooks", type=int, default=200)
    parser.add_argument("--openpyxl-files", type=int, default=10, help="files for the openpyxl subset")
    parser.add_argument("--keep", type=Path, help="build the round here and keep it")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_collect_"))
    folder.mkdir(parents=True, exist_ok=True)
    t_build, files = timed(build_round, folder, args.workbooks)
    paths = expand_paths([folder / "round"])
    print(f"built {len(files)} workbooks in {t_build:.1f} s ({folder})")

    load = os.getloadavg()
    raw_calamine(files[:4])  # warm the page cache and imports
    t_raw, sheets = timed(raw_calamine, files)
    t_read, results = timed(lambda: [read_file(p) for p in paths])
    forms = [f for r in results for f in r.forms]
    issues = [i for r in results for i in r.issues]
    t_frames, _ = timed(Collection.from_forms, forms, issues, len(paths))
    t_one, one = timed(collect, paths)
    t_two, two = timed(lambda: collect(paths, jobs=2))
    subset = files[: args.openpyxl_files]
    t_opx, opx_sheets = timed(openpyxl_full, subset)
    t_opx_scaled = t_opx / max(opx_sheets, 1) * sheets

    # Worker processes can only help when cores are free: say how busy the machine was.
    print(f"cores: {os.cpu_count()}, load average before timing: {load[0]:.1f}")
    print(f"sheets: {sheets:,} ({len(one.projects):,} forms, {len(one.indicators):,} indicators, "
          f"{len(one.issues):,} issues)")
    print(f"python-calamine raw read (cells + merges): {t_raw:6.2f} s  {sheets / t_raw:8,.0f} sheets/s")
    print(f"collect jobs=1                           : {t_one:6.2f} s  {sheets / t_one:8,.0f} sheets/s")
    print(f"  of which reading files (read_file)     : {t_read:6.2f} s")
    print(f"  of which building the DataFrames       : {t_frames:6.2f} s")
    print(f"collect jobs=2                           : {t_two:6.2f} s  {sheets / t_two:8,.0f} sheets/s")
    print(f"openpyxl full load ({opx_sheets} sheets, scaled)  : {t_opx_scaled:6.2f} s  {opx_sheets / t_opx:8,.0f} sheets/s")
    print(f"ratio collect/raw (goal <= 2.0)          : {t_one / t_raw:6.2f}")
    print(f"ratio read_file/raw                      : {t_read / t_raw:6.2f}")
    print(f"speed-up jobs=2 vs jobs=1                : {t_one / t_two:6.2f}")
    print(f"openpyxl / raw calamine                  : {t_opx_scaled / t_raw:6.1f}")
    same = all(one.__dict__[k].equals(two.__dict__[k]) for k in ("projects", "indicators", "issues"))
    print(f"jobs=2 tables identical to jobs=1        : {same}")
    if args.keep is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
