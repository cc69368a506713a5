"""Time and peak memory of the summary workbook and the exports, on synthesised tables.

    python benchmarks/bench_summary.py                        # a city: 10,000 projects, 200,000 indicator rows
    python benchmarks/bench_summary.py --projects 100000 --indicators 2000000   # a province

Each measurement runs in its own process, so that its peak resident memory (ru_maxrss) is
its own; that peak includes building the synthetic tables, so the resident memory with the
tables built, before writing, is printed beside it.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sheetsync.issues import ISSUE_COLUMNS, issue  # noqa: E402
from sheetsync.model import INDICATOR_COLUMNS, PROJECT_COLUMNS, Collection  # noqa: E402
from sheetsync.spec import load_spec  # noqa: E402
from sheetsync.values import parse_value  # noqa: E402

VALUES = ["≥95%", "每年不少于3次", "有效", "及时", "9个Ukey", "满意", "≤90万元", "每年两场", "95%以上", "2020年9月"]


def _pick(labels: list[str], index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    return pd.array(labels, dtype="str").take(index)


def synthesise(projects: int, indicators: int, units: int = 500, seed: int = 1) -> Collection:
    """A collection round of ``projects`` forms and ``indicators`` indicator rows, as DataFrames."""
    rng = np.random.default_rng(seed)
    spec = load_spec()
    tree = spec.tree(spec.default_framework)
    pairs = [(l1.label, l2) for l1 in tree.level1 for l2 in l1.level2]
    unit_of = rng.integers(0, units, projects)
    unit = pd.array([f"东莞市第{i:03d}局" for i in range(units)], dtype="str").take(unit_of)
    files = pd.array([f"收回/东莞市第{i:03d}局.xlsx" for i in range(units)], dtype="str").take(unit_of)
    sheets = pd.array([f"项目{i}" for i in range(projects)], dtype="str")
    midterm = rng.integers(1, 100_000, projects) / 100
    project_frame = pd.DataFrame({
        "file": files, "sheet": sheets, "form": "dongguan_approval", "year": pd.array([2021] * projects, dtype="Int64"),
        "budget_unit": unit, "project_name": sheets,
        "project_code": "", "midterm_period": "2021年--2023年", "midterm_budget_wan": midterm,
        "annual_budget_wan": np.round(midterm / 3, 2), "midterm_goal": "完成中期建设目标，提高服务质量。" * 4,
        "annual_goal": "按期完成年度任务。" * 4, "approval_opinion": "", "template_version": "1",
        "generated_at": "2026-01-05T09:00:00+08:00",
    })[PROJECT_COLUMNS]
    owner = np.sort(rng.integers(0, projects, indicators))
    pair = rng.integers(0, len(pairs), indicators)
    value = rng.integers(0, len(VALUES), indicators)
    parsed = [parse_value(v) for v in VALUES]
    indicator_frame = pd.DataFrame({
        "file": files.take(owner), "sheet": sheets.take(owner), "budget_unit": unit.take(owner),
        "project_name": sheets.take(owner),
        "period": np.where(rng.random(indicators) < 0.5, "中期", "年度"),
        "level1": _pick([p[0] for p in pairs], pair), "level2": _pick([p[1] for p in pairs], pair),
        "level3": _pick([f"三级指标{i}" for i in range(13)], pair * 7 % 13),
        "value": _pick(VALUES, value), "value_op": _pick([p.op for p in parsed], value),
        "value_num": np.array([np.nan if p.num is None else p.num for p in parsed])[value],
        "value_unit": _pick([p.unit for p in parsed], value), "value_kind": _pick([p.kind for p in parsed], value),
        "cell": _pick([f"H{i}" for i in range(8, 28)], owner % 20),
    })[INDICATOR_COLUMNS]
    bad = rng.choice(projects, size=max(1, projects // 20), replace=False)
    problems = [issue("missing_field", file=files[i], sheet=sheets[i], cell="F6", field="annual_goal", label="年度目标")
                for i in bad.tolist()]
    issue_frame = pd.DataFrame([p.as_dict() for p in problems], columns=ISSUE_COLUMNS).astype(str)
    return Collection(project_frame, indicator_frame, issue_frame, file_count=units)


def _maxrss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    """Resident memory now (Linux /proc), to separate the tables from what writing adds."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(task: str, projects: int, indicators: int, out: str) -> dict:
    from sheetsync import exports
    from sheetsync.summary import write_summary

    collection = synthesise(projects, indicators)
    gc.collect()
    baseline = _rss_mb()
    start = time.perf_counter()
    if task == "summary":
        write_summary(collection, Path(out) / "summary.xlsx", force=True)
    elif task == "parquet":
        exports.export_parquet(collection, Path(out) / "parquet", force=True)
    elif task == "sqlite":
        exports.export_sqlite(collection, Path(out) / "tables.db", force=True)
    elif task == "csv":
        exports.export_csv(collection, Path(out) / "csv", force=True)
    seconds = time.perf_counter() - start
    return {"task": task, "seconds": seconds, "baseline_mb": baseline, "peak_mb": _maxrss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--indicators", type=int, default=200_000)
    parser.add_argument("--tasks", default="summary,parquet,sqlite,csv")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.projects, args.indicators, args.out)))
        return
    print(f"{args.projects:,} projects, {args.indicators:,} indicator rows; {os.cpu_count()} cores; "
          f"Python {sys.version.split()[0]}, pandas {pd.__version__}")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-summary-") as out:
        for task in args.tasks.split(","):
            run = subprocess.run([sys.executable, __file__, "--child", task, "--projects", str(args.projects),
                                  "--indicators", str(args.indicators), "--out", out],
                                 capture_output=True, text=True, check=True)
            result = json.loads(run.stdout.strip().splitlines()[-1])
            results.append(result)
            size = sum(f.stat().st_size for f in Path(out).rglob("*") if f.is_file()) / 2**20
            print(f"{task:<8} {result['seconds']:7.2f} s   peak RSS {result['peak_mb']:7.0f} MB "
                  f"(with the tables in memory: {result['baseline_mb']:.0f} MB)"
                  f"   output so far {size:.0f} MB")
    rows = args.indicators + args.projects
    summary = next((r for r in results if r["task"] == "summary"), None)
    if summary:
        print(f"summary: {rows / summary['seconds']:,.0f} rows/s")
        for r in results:
            if r["task"] != "summary":
                print(f"summary / {r['task']}: {summary['seconds'] / r['seconds']:.1f}x")


if __name__ == "__main__":
    main()
