"""Scale: a city's and a province's collection round on one machine (issue 6).

For each size (project sheets) a synthetic round is generated once (round_generator.py,
cached under benchmarks/data/), then each step runs in a fresh process so that its wall
time and peak memory (the process and its workers) are its own:

- raw:      python-calamine loading every sheet with its cells and merges (the baseline)
- collect1: sheetsync.collect, one process
- collect2: sheetsync.collect, two worker processes
- summary:  collect (2 jobs) and the full summary workbook
- exports:  collect (2 jobs) and the Parquet and SQLite exports
- pair:     two one-process collects side by side, each in its own process: what two cores
            of this machine give to independent work, the ceiling of the 2-job speed-up

    python benchmarks/bench_scale.py --sizes 1000 10000 100000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

STEPS = ("raw", "collect1", "collect2", "summary", "exports", "pair")


def raw_read(folder: Path) -> int:
    from bench_collect import raw_calamine

    return raw_calamine(sorted(folder.glob("*.xlsx")))


def run_step(step: str, folder: Path) -> dict:
    """Run one step in this process; return its figures."""
    from sheetsync import collect

    start = time.perf_counter()
    out = {}
    if step == "raw":
        out["sheets"] = raw_read(folder)
    else:
        result = collect([str(folder)], jobs=1 if step == "collect1" else 2)
        out["sheets"] = len(result.projects)
        out["indicators"] = len(result.indicators)
        out["collect_seconds"] = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as tmp:
            if step == "summary":
                from sheetsync.summary import write_summary

                t = time.perf_counter()
                write_summary(result, Path(tmp) / "summary.xlsx")
                out["write_seconds"] = time.perf_counter() - t
            elif step == "exports":
                from sheetsync.exports import export_parquet, export_sqlite

                t = time.perf_counter()
                export_parquet(result, Path(tmp) / "parquet")
                out["parquet_seconds"] = time.perf_counter() - t
                t = time.perf_counter()
                export_sqlite(result, Path(tmp) / "round.sqlite")
                out["sqlite_seconds"] = time.perf_counter() - t
    out["seconds"] = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out["peak_mb"] = max(own, workers) / 1024  # Linux reports kilobytes
    return out


def measure(step: str, folder: Path) -> dict:
    if step == "pair":
        return measure_pair(folder)
    cmd = [sys.executable, __file__, "--step", step, "--folder", str(folder)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_pair(folder: Path) -> dict:
    """Two collect1 steps started together; the time of the slower, as each measures its own
    (from after its imports, which take the same time in both, to its end)."""
    cmd = [sys.executable, __file__, "--step", "collect1", "--folder", str(folder)]
    both = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    figures = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in both]
    if any(p.returncode for p in both):
        raise RuntimeError("a collect of the pair failed")
    return {"sheets": sum(f["sheets"] for f in figures), "seconds": max(f["seconds"] for f in figures),
            "peak_mb": max(f["peak_mb"] for f in figures)}


def ensure_round(sheets: int) -> Path:
    folder = HERE / "data" / f"round_{sheets}"
    if not (folder / ".complete").exists():
        from round_generator import make_round

        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.xlsx"):
            old.unlink()
        t = time.perf_counter()
        files, total = make_round(folder, sheets)
        (folder / ".complete").write_text(f"{files} {total}\n")
        print(f"  generated {files} workbooks / {total} sheets in {time.perf_counter() - t:.0f} s", flush=True)
    return folder


def report(sizes: list[int], steps: list[str]) -> None:
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    for size in sizes:
        print(f"\n== {size} sheets ==", flush=True)
        folder = ensure_round(size)
        figures = {}
        for step in steps:
            figures[step] = f = measure(step, folder)
            extra = " ".join(f"{k}={v:.1f}" for k, v in f.items() if k.endswith("_seconds"))
            print(f"  {step:<9} {f['seconds']:7.1f} s  {f['sheets'] / f['seconds']:8.0f} sheets/s  "
                  f"peak {f['peak_mb']:6.0f} MB  {extra}", flush=True)
        if {"raw", "collect1"} <= figures.keys():
            print(f"  collect (1 job) / raw read:  {figures['collect1']['seconds'] / figures['raw']['seconds']:.2f}x  (goal <= 2)")
        if {"raw", "collect2"} <= figures.keys():
            print(f"  collect (2 jobs) / raw read:  {figures['collect2']['seconds'] / figures['raw']['seconds']:.2f}x")
        if {"collect1", "collect2"} <= figures.keys():
            print(f"  2 jobs speed-up over 1:      {figures['collect1']['seconds'] / figures['collect2']['seconds']:.2f}x  (goal >= 1.7)")
        if {"collect1", "pair"} <= figures.keys():
            print(f"  2 lone collects side by side: {2 * figures['collect1']['seconds'] / figures['pair']['seconds']:.2f}x"
                  "  (the machine's ceiling for the 2-job speed-up)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS))
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(run_step(args.step, args.folder)))
    else:
        report(args.sizes, args.steps)


if __name__ == "__main__":
    main()
