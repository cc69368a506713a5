"""The benchmarks' round generators still run, and every form they write is read back."""

from __future__ import annotations

import sys
from pathlib import Path

from sheetsync import collect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import round_generator  # noqa: E402


def test_a_small_round_is_read_back_whole(tmp_path):
    files, sheets = round_generator.make_round(tmp_path, 40, pool_size=4)
    result = collect([tmp_path])
    assert result.file_count == files == len(list(tmp_path.glob("*.xlsx")))
    assert len(result.projects) == sheets
    # The messy layouts are read without a wrong guess: what is left is the data's own faults
    # (an indicator dropped empties a 一级指标, an amount typed as 100万元) and instruction sheets.
    assert set(result.issues["code"]) <= {"empty_level1", "amount_as_text", "ignored_sheet"}
    assert result.projects["budget_unit"].str.startswith("模拟单位").all()


def test_the_error_lookup_benchmark_round_has_a_blank_on_every_sheet(tmp_path):
    import bench_error_lookup

    folder = bench_error_lookup.build_round(tmp_path, 4)
    _cpu, forms, blanks = bench_error_lookup.timed(folder)
    assert forms == blanks == 4 * 16
