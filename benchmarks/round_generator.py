"""Synthetic collection rounds built from the seed's 16 forms, for the scale benchmarks.

A round is a folder of filled workbooks, one per budget unit, as a coordinator gets them
back: some are our template filled in, the rest the official form laid out by hand in the
messy ways of the reader issue (shifted, blank and inserted rows, merges undone or their
value repeated, labels retyped, an instructions sheet first, sheets renamed).

Writing thousands of distinct workbooks cell by cell would take longer than reading them,
so a small pool of distinct workbooks is written once and each unit's file is a copy of
one with its unit name replaced inside the zip's XML parts::

    python benchmarks/round_generator.py --sheets 10000 --out benchmarks/data/round_10000
"""

from __future__ import annotations

import argparse
import random
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import fixtures_forms as handmade  # noqa: E402  (the tests' hand-made layouts)

from sheetsync.importer import read_text_file  # noqa: E402
from sheetsync.model import Indicator, ProjectForm  # noqa: E402
from sheetsync.template import write_unit_workbook  # noqa: E402

SEED = ROOT / "examples" / "seed_2021_dongguan_ccpit.txt"
PLACEHOLDER = "模拟预算单位ZZQX"
POOL_SIZE = 48


def seed_forms() -> list[ProjectForm]:
    return [item.form for item in read_text_file(SEED).forms]


def vary(form: ProjectForm, rng: random.Random, number: int) -> ProjectForm:
    """Another project like ``form``: new name and amounts, some indicators dropped or repeated."""
    scale = rng.choice([0.5, 1, 1, 2, 3, 10])
    indicators: list[Indicator] = []
    for ind in form.indicators:
        if rng.random() < 0.08:
            continue
        indicators.append(ind._replace(cell=""))
        if rng.random() < 0.1:
            indicators.append(ind._replace(level3=ind.level3 + "（补充）", cell=""))
    return replace(
        form,
        budget_unit=PLACEHOLDER,
        project_name=f"{form.project_name}{number:03d}",
        midterm_budget_wan=round((form.midterm_budget_wan or 0) * scale, 2),
        annual_budget_wan=round((form.annual_budget_wan or 0) * scale, 2),
        indicators=indicators,
        file="", sheet="",
    )


def handmade_rows(form: ProjectForm) -> tuple[handmade.Row, ...]:
    """The form's indicators as table rows: 中期 and 年度 side by side per (一级, 二级)."""
    groups: dict[tuple[str, str], dict[str, list[Indicator]]] = {}
    for ind in form.indicators:
        groups.setdefault((ind.level1, ind.level2), {}).setdefault(ind.period, []).append(ind)
    rows: list[handmade.Row] = []
    previous_level1 = None
    for (level1, level2), sides in groups.items():
        mids, annuals = sides.get("中期", []), sides.get("年度", [])
        for i in range(max(len(mids), len(annuals))):
            def side(items: list[Indicator]) -> handmade.Side:
                first = level2 if i == 0 else None
                return handmade.Side(first, items[i].level3, items[i].value) if i < len(items) else handmade.Side(first)
            rows.append(handmade.Row(None if level1 == previous_level1 else level1, side(mids), side(annuals)))
            previous_level1 = level1
    return tuple(rows)


def random_layout(rng: random.Random) -> handmade.Layout:
    return handmade.Layout(
        top=rng.choice([0, 0, 1, 3]),
        left=rng.choice([0, 0, 1, 2]),
        merges=rng.choice(["merged", "merged", "first", "repeated"]),
        labels=rng.choice([handmade.OFFICIAL_LABELS, handmade.RETYPED_LABELS]),
        blank_rows_before_table=rng.choice([0, 0, 1]),
        unit_in_next_cell=rng.random() < 0.2,
    )


def write_pool_workbook(path: Path, forms: list[ProjectForm], rng: random.Random, kind: str) -> int:
    if kind == "template":
        write_unit_workbook(path, forms, year=2021, budget_unit=PLACEHOLDER, force=True)
        return len(forms)
    sheets = []
    for i, form in enumerate(forms):
        data = handmade.FormData(
            unit=PLACEHOLDER, year=2021, name=form.project_name,
            midterm_budget=rng.choice([form.midterm_budget_wan, f"{form.midterm_budget_wan}万元"]),
            annual_budget=form.annual_budget_wan, midterm_goal=form.midterm_goal, annual_goal=form.annual_goal,
            rows=handmade_rows(form), opinion=form.approval_opinion,
        )
        name = rng.choice([form.project_name[:20], f"Sheet{i + 1}", f"项目{i + 1}"])
        sheets.append((f"{name}-{i}", data, random_layout(rng)))
    rng.shuffle(sheets)
    extra = {"填表说明": [["请按要求填写各项目绩效目标。"], ["金额单位：万元"]]} if rng.random() < 0.3 else None
    handmade.write_workbook(path, sheets, extra_first=extra)
    return len(forms)


def write_pool(folder: Path, seed: int = 2021, size: int = POOL_SIZE) -> list[tuple[Path, int]]:
    """``size`` distinct workbooks of 8 to 24 projects each; (path, sheets) per workbook."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    base = seed_forms()
    pool = []
    for k in range(size):
        forms = [vary(rng.choice(base), rng, n) for n in range(rng.randint(8, 24))]
        path = folder / f"pool_{k:03d}.xlsx"
        kind = "template" if k % 5 < 2 else "handmade"
        pool.append((path, write_pool_workbook(path, forms, rng, kind)))
    return pool


def clone(source: Path, target: Path, unit: str) -> None:
    """Copy a workbook with its placeholder unit name replaced in every XML part."""
    old, new = PLACEHOLDER.encode(), unit.encode()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".xml"):
                data = data.replace(old, new)
            zout.writestr(info.filename, data)


def make_round(out: Path, sheets: int, seed: int = 2021, pool_size: int = POOL_SIZE) -> tuple[int, int]:
    """Fill ``out`` with unit workbooks until they hold at least ``sheets`` forms; (files, sheets)."""
    pool = write_pool(out / "_pool", seed, pool_size)
    rng = random.Random(seed + sheets)
    files = total = 0
    while total < sheets:
        path, count = pool[rng.randrange(len(pool))]
        clone(path, out / f"单位{files:06d}.xlsx", f"模拟单位{files:06d}")
        files += 1
        total += count
    for path, _ in pool:
        path.unlink()
    (out / "_pool").rmdir()
    return files, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sheets", type=int, required=True, help="at least this many project sheets")
    parser.add_argument("--out", type=Path, required=True, help="empty folder to fill")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    files, total = make_round(args.out, args.sheets, args.seed)
    print(f"{files} workbooks, {total} project sheets in {args.out}")


if __name__ == "__main__":
    main()
