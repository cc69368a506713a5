import pytest

from sheetsync.errors import SpecError
from sheetsync.spec import Span, available_forms, cell_ref, column_index, column_letter, load_spec, normalize_label


def test_every_spec_file_loads():
    assert "dongguan_approval" in available_forms()
    for form_id in available_forms():
        spec = load_spec(form_id)
        assert spec.default_framework in spec.trees
        assert len(spec.hash) == 16


def test_cell_references_round_trip():
    for index in (0, 7, 25, 26, 701, 702):
        assert column_index(column_letter(index)) == index
    assert cell_ref(3, 1) == "B4"
    span = Span.parse("B6:E6")
    assert (span.first_row, span.first_col, span.last_row, span.last_col) == (5, 1, 5, 4)
    assert str(span) == "B6:E6" and str(Span.parse("F4")) == "F4"
    with pytest.raises(SpecError):
        Span.parse("6B")


def test_label_normalisation_accepts_the_variants_seen_on_real_forms():
    assert normalize_label("市财 政局 批复 意见") == "市财政局批复意见"
    assert normalize_label("中期市财政预算\n(万元)") == "中期市财政预算（万元）"
    assert normalize_label("预算单位:") == "预算单位"


def test_fields_offsets_follow_the_form(spec):
    assert spec.field("project_name").offset == (0, 1)
    assert spec.field("midterm_goal").offset == (1, 0)
    assert spec.field("midterm_goal").label.matches("中期滚动目标（2021年--2023年）")
    assert spec.field("annual_budget_wan").label.matches("本年度申请市财政预算资金 (万元)")
    assert spec.label_of("budget_unit") == spec.unit_line.label


def test_trees_recognise_label_variants_under_their_level1(spec):
    dongguan = spec.tree("dongguan")
    assert dongguan.canonical_level2("预期产出指标", "数量指标") == "数量指标（或建筑规模指标）"
    assert dongguan.canonical_level2("预期产出指标", "时效指标(工期指标、形象进度指标)") == "时效指标（工期指标）"
    assert spec.canonical_level2("产出指标", "数量指标") == "数量指标"
    assert spec.canonical_level2("效益指标", "数量指标") is None
    assert spec.canonical_level1("满意度") == "满意度指标"
    assert spec.tree("2021").level1_labels[0] == "成本指标"
    with pytest.raises(SpecError, match="没有名为“1999”的指标体系，可选：dongguan、2020、2021"):
        spec.tree("1999")
    with pytest.raises(SpecError, match="没有名为“nope”的表格规范，可选：dongguan_approval"):
        load_spec("nope")


@pytest.fixture
def spec_folder(tmp_path, monkeypatch):
    """A copy of templates/ that the spec loader reads instead, its caches emptied before and after."""
    import shutil

    import sheetsync.reader
    import sheetsync.spec

    folder = tmp_path / "templates"
    shutil.copytree(sheetsync.spec.templates_dir(), folder)
    monkeypatch.setattr(sheetsync.spec, "templates_dir", lambda: folder)
    caches = (sheetsync.spec.load_spec, sheetsync.spec.load_trees, sheetsync.reader.form_specs)
    for cached in caches:
        cached.cache_clear()
    yield folder
    for cached in caches:
        cached.cache_clear()


def test_a_broken_spec_file_is_a_spec_error_naming_it(spec_folder):
    from sheetsync.errors import SpecError
    from sheetsync.spec import available_forms, load_spec

    (spec_folder / "broken.toml").write_text("[form\nid = 'x'\n", encoding="utf-8")
    with pytest.raises(SpecError, match="broken.toml"):
        available_forms()
    (spec_folder / "broken.toml").write_text("[form]\nid = 'broken'\n", encoding="utf-8")
    with pytest.raises(SpecError, match="broken.toml: missing or bad entry 'default_framework'"):
        load_spec("broken")


def test_the_cli_says_which_spec_file_is_broken(spec_folder, tmp_path):
    from typer.testing import CliRunner

    from sheetsync.cli import app

    (spec_folder / "broken.toml").write_text("[form]\nid = 'broken'\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "examples/forms"])
    assert result.exit_code == 1 and "broken.toml" in result.output and "Traceback" not in result.output
