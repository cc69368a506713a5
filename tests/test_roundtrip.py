"""Round trip: our template filled programmatically with random content, collected back exactly."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetsync.collect import collect
from sheetsync.sheet_reader import FORMULA_TEXT
from sheetsync.model import Indicator, ProjectForm
from sheetsync.spec import load_spec
from sheetsync.values import is_bare_value
from sheetsync.template import write_unit_workbook

SPEC = load_spec()
TREE = SPEC.tree("dongguan")
UNIT = "东莞市某某局"
YEAR = 2026

# CJK, Latin, digits and the punctuation people type; text may start with "=" or look like a number.
_ALPHABET = st.sampled_from(list("项目资金绩效指标满意度服务企业数量质量时效成本年度完成率次场个份")
                            + list("abcXYZ0123456789") + list("=+-%≥≤.,，。（）()/ "))


def text(min_size: int = 1, max_size: int = 40) -> st.SearchStrategy[str]:
    prefixes = st.sampled_from(["", "", "=", "=SUM(A1)", "0", "@", "-"])
    return st.builds(lambda p, t: (p + t).strip(), prefixes, st.text(_ALPHABET, min_size=min_size, max_size=max_size)
                     ).filter(lambda s: len(s) >= min_size)


amounts = st.decimals(min_value=0, max_value=9999, places=2, allow_nan=False).map(float)


@st.composite
def forms(draw, number: int) -> ProjectForm:
    midterm = draw(amounts)
    annual = draw(st.floats(min_value=0, max_value=1)) * midterm
    indicators = []
    for period in SPEC.period_names:
        for l1 in TREE.level1:
            # Every 一级 gets at least one indicator per period (else empty_level1, rightly);
            # other 二级 stay empty, as optional rows do.
            chosen = draw(st.lists(st.sampled_from(l1.level2), min_size=1, max_size=3, unique=True))
            ordered = [l2 for l2 in l1.level2 if l2 in chosen]
            for l2 in ordered:
                for _ in range(draw(st.integers(1, 2))):
                    indicators.append(Indicator(period, l1.label, l2, draw(text()), draw(text())))
    return ProjectForm(
        budget_unit=UNIT,
        project_name=f"{number}{draw(text(max_size=60))}",
        year=YEAR,
        project_code=draw(st.from_regex(r"[A-Z]{2}[0-9]{4}", fullmatch=True)),
        midterm_budget_wan=midterm,
        annual_budget_wan=round(annual, 2),
        midterm_goal=draw(text(max_size=800)),
        annual_goal=draw(text(max_size=300)),
        approval_opinion=draw(st.one_of(st.just(""), text(max_size=200))),
        indicators=indicators,
    )


def in_sheet_order(indicators: list[Indicator], period: str) -> list[tuple[str, ...]]:
    return [(i.level1, i.level2, i.level3, i.value) for i in indicators if i.period == period]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.integers(0, 0), min_size=1, max_size=3).flatmap(
    lambda xs: st.tuples(*[forms(number=i + 1) for i in range(len(xs))])))
def test_template_filled_and_collected_gives_back_what_was_written(written):
    written = list(written)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "unit.xlsx"
        write_unit_workbook(path, written, year=YEAR, budget_unit=UNIT)
        result = collect([path])

    # Text that is a formula (=SUM(A1)…) comes back as typed, flagged as a formula not calculated.
    formulas = [text for form in written for i in form.indicators for text in (i.level3, i.value)
                if FORMULA_TEXT.match(text)]
    # A 三级指标 that is a bare value (0, 5%) is flagged so, swapped with its 指标值 when that holds no digit.
    bare = ["swapped_columns" if not any(c.isdigit() for c in i.value) else "level3_is_value"
            for form in written for i in form.indicators if is_bare_value(i.level3)]
    assert sorted(result.issues["code"]) == sorted(["formula_as_text"] * len(formulas) + bare)
    projects = result.projects
    expected = pd.DataFrame({
        "project_name": [f.project_name for f in written],
        "project_code": [f.project_code for f in written],
        "budget_unit": UNIT,
        "midterm_budget_wan": [f.midterm_budget_wan for f in written],
        "annual_budget_wan": [f.annual_budget_wan for f in written],
        "midterm_goal": [f.midterm_goal for f in written],
        "annual_goal": [f.annual_goal for f in written],
        "approval_opinion": [f.approval_opinion for f in written],
        "template_version": str(SPEC.version),
        "midterm_period": f"{YEAR}-{YEAR + 2}",
    })
    pd.testing.assert_frame_equal(projects[expected.columns], expected)
    assert projects.year.tolist() == [YEAR] * len(written)

    for form, sheet in zip(written, projects.sheet):
        got = result.indicators[result.indicators.sheet == sheet]
        for period in SPEC.period_names:
            rows = got[got.period == period]
            assert list(rows[["level1", "level2", "level3", "value"]].itertuples(index=False, name=None)) \
                == in_sheet_order(form.indicators, period)
