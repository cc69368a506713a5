"""The seed: 16 approved forms of one unit, imported, written as workbooks and read back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sheetsync.cli import app
from sheetsync.collect import collect
from sheetsync.importer import import_text, import_text_files
from sheetsync.model import INDICATOR_COLUMNS, PROJECT_COLUMNS, SUPERSEDED
from sheetsync.spec import normalize_label
from sheetsync.status import issue_records

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED = EXAMPLES / "seed_2021_dongguan_ccpit.txt"
UNIT = "中国国际贸易促进委员会东莞市委员会"

# Columns that differ between an import and reading its workbook back, legitimately:
# `file` is the text file vs the workbook; an indicator's `cell` is a line of the text (第41行)
# vs a cell of the sheet (E12); `template_version` and `generated_at` come from the identity
# sheet of the workbook we wrote, and a published text has none.
NOT_COMPARED = ["file", "template_version", "generated_at"]
INDICATORS_NOT_COMPARED = ["file", "cell"]


@pytest.fixture(scope="module")
def seed():
    return import_text(SEED)


def test_the_seed_is_16_projects_of_one_unit_for_2021(seed, spec):
    projects = seed.projects
    assert len(projects) == 16
    assert projects["budget_unit"].unique().tolist() == [UNIT]
    assert projects["year"].unique().tolist() == [2021]
    assert projects["midterm_period"].unique().tolist() == ["2021-2023"]
    assert projects["form"].unique().tolist() == [spec.id]
    assert projects["file"].unique().tolist() == [str(SEED)]
    assert projects["midterm_budget_wan"].sum() == pytest.approx(685.23)
    assert projects["annual_budget_wan"].sum() == pytest.approx(210.41)
    assert projects["sheet"].is_unique
    assert seed.error_count == 0
    assert seed.file_count == 1


def test_every_seed_form_has_goals_opinion_and_indicators_on_both_sides(seed, spec):
    for column in ("project_name", "midterm_goal", "annual_goal", "approval_opinion"):
        assert (seed.projects[column] != "").all(), column
    sides = seed.indicators.groupby(["sheet", "period"]).size().unstack()
    assert list(sides.columns) == list(spec.period_names)
    assert len(sides) == 16 and (sides >= 7).all().all()
    assert (seed.indicators["level3"] != "").all() and (seed.indicators["value"] != "").all()
    trees = spec.trees.values()
    assert all(any(t.canonical_level1(l1) for t in trees) for l1 in seed.indicators["level1"].unique())
    assert not seed.projects["approval_opinion"].str.contains("<p>").any()


def test_the_seed_artefacts_are_repaired_and_reported(seed, spec):
    issues = seed.issues
    by_code = issues.groupby("code").size()
    assert by_code["text_label_wrapped"] == 2        # 满意度 / 指标 (lines 41-43 and 62-64)
    assert by_code["text_row_shifted"] >= 10
    assert by_code["text_label_moved"] == 2          # 可持续影响指标, 生态效益指标 in the 一级 column
    assert by_code["text_html_removed"] == 6
    assert by_code["text_separator"] == 6
    assert by_code["text_label_spaced"] == 9         # 市财 政局 批复 意见
    assert by_code["text_empty_level2"] == 15        # 受访人群满意度, empty on every dongguan sheet
    last = seed.projects.iloc[-1]
    assert last["annual_goal"] == last["midterm_goal"]
    values = seed.indicators[(seed.indicators["sheet"] == last["sheet"]) & (seed.indicators["period"] == "年度")]
    assert "调研企业200家" in values["value"].tolist() and "预算执行率≥95" in values["value"].tolist()
    assert values["level1"].unique().tolist() == [tree.label for tree in spec.tree("2020").level1]


def test_every_line_after_the_last_form_is_accounted_for(seed, spec):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    label = normalize_label(spec.footer[0].label.text)
    opinion = max(i for i, line in enumerate(lines, 1) if label in normalize_label(line))
    trailing = [n for n, line in enumerate(lines, 1) if n > opinion and line.strip()]
    named = seed.issues[seed.issues["code"].str.startswith("text_fragment")]
    assert sorted(int(re.search(r"\d+", c).group()) for c in named["cell"]) == trailing
    assert set(named["severity"]) == {"warning"}


def test_import_then_workbooks_then_collect_gives_the_same_tables(tmp_path, seed):
    collection, written = import_text_files([SEED], tmp_path)
    assert [p.name for p in written] == [f"{UNIT}.xlsx"]
    back = collect([str(p) for p in written])
    assert back.error_count == 0 and back.warning_count == 0
    pd.testing.assert_frame_equal(
        back.projects.drop(columns=NOT_COMPARED), collection.projects.drop(columns=NOT_COMPARED))
    pd.testing.assert_frame_equal(
        back.indicators.drop(columns=INDICATORS_NOT_COMPARED), collection.indicators.drop(columns=INDICATORS_NOT_COMPARED))
    pd.testing.assert_frame_equal(collection.projects, seed.projects)
    assert list(collection.projects.columns) == [*PROJECT_COLUMNS, SUPERSEDED]
    assert list(collection.indicators.columns) == [*INDICATOR_COLUMNS, SUPERSEDED]


def test_the_example_workbook_is_the_seed_imported(seed):
    back = collect([str(EXAMPLES / "forms")])
    assert back.file_count == 1 and back.error_count == 0
    pd.testing.assert_frame_equal(back.projects.drop(columns=NOT_COMPARED), seed.projects.drop(columns=NOT_COMPARED))
    pd.testing.assert_frame_equal(
        back.indicators.drop(columns=INDICATORS_NOT_COMPARED), seed.indicators.drop(columns=INDICATORS_NOT_COMPARED))


def test_the_example_workbook_is_laid_out_as_an_import_at_head(tmp_path):
    # Formats, merges and validations as the writer makes them now (a stale copy had its input
    # cells in General, where Excel turns a typed 95% into 0.95).
    import openpyxl

    [fresh] = import_text_files([SEED], tmp_path)[1]
    bundled, made = (openpyxl.load_workbook(p) for p in (EXAMPLES / "forms" / fresh.name, fresh))
    assert bundled.sheetnames == made.sheetnames
    for old, new in zip(bundled.worksheets, made.worksheets):
        assert [(c.coordinate, c.number_format) for row in old.iter_rows() for c in row] == \
               [(c.coordinate, c.number_format) for row in new.iter_rows() for c in row]
        assert sorted(map(str, old.merged_cells.ranges)) == sorted(map(str, new.merged_cells.ranges))
        assert len(old.data_validations.dataValidation) == len(new.data_validations.dataValidation)


def test_outputs_are_not_overwritten_without_force(tmp_path):
    import_text_files([SEED], tmp_path)
    target = tmp_path / f"{UNIT}.xlsx"
    before = target.read_bytes()
    from sheetsync.errors import OutputExistsError
    with pytest.raises(OutputExistsError):
        import_text_files([SEED], tmp_path)
    assert target.read_bytes() == before
    import_text_files([SEED], tmp_path, force=True)


def test_cli_import_text(tmp_path, seed):
    runner = CliRunner()
    out = tmp_path / "forms"
    result = runner.invoke(app, ["import-text", str(SEED), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert (out / f"{UNIT}.xlsx").is_file()
    printed = json.loads(result.stdout)
    assert printed == issue_records(seed)
    assert "16张表" in result.stderr and "0个错误" in result.stderr

    again = runner.invoke(app, ["import-text", str(SEED), "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.stderr
    forced = runner.invoke(app, ["import-text", str(SEED), "-o", str(out), "--force"])
    assert forced.exit_code == 0
    assert f"{UNIT}.xlsx" in forced.stdout and "[text_fragment_placed]" in forced.stdout


def test_cli_import_text_exits_1_on_errors(tmp_path):
    text = tmp_path / "nothing.txt"
    text.write_text("没有表格\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import-text", str(text), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "[text_no_form]" in result.stdout
    assert not (tmp_path / "out").exists()
