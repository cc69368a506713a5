"""Each artefact of the PDF text extraction, in a small form built from the spec."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetsync.importer import import_text
from sheetsync.text_overflow import insertion, looks_truncated
from sheetsync.text_rows import Row

YEAR = 2021
UNIT = "东莞市某局"


class FormText:
    """The text of one published form, laid out as the seed's extraction lays it out."""

    def __init__(self, spec, name="会议组织", goals=("组织会议三次。", "组织会议一次。"), opinion="同意。"):
        self.spec = spec
        ind = spec.indicators
        self.mid, self.annual = ind.periods
        self.level1_col = ind.level1.column
        tree = spec.tree("dongguan")
        self.output, self.effect, self.satisfaction = tree.level1
        self.name, self.goals, self.opinion = name, goals, opinion
        self.indicator_rows = [
            self.row(self.output.label, (self.output.level2[0], "会议次数", "≥3次"), (self.output.level2[0], "会议次数", "≥1次")),
            self.row("", (self.output.level2[1], "会议质量", "合格"), (self.output.level2[1], "会议质量", "合格")),
            self.row(self.effect.label, (self.effect.level2[0], "交流渠道", "有效"), (self.effect.level2[0], "交流渠道", "有效")),
            self.row(self.satisfaction.label, (self.satisfaction.level2[0], "企业满意度", "≥90%"),
                     (self.satisfaction.level2[0], "企业满意度", "≥90%")),
        ]
        self.trailing: list[str] = []

    def line(self, cells: dict[int, str]) -> str:
        return "\t".join(cells.get(col, "") for col in range(self.spec.columns))

    def row(self, level1: str, mid: tuple[str, str, str], annual: tuple[str, str, str]) -> str:
        cells = {self.level1_col: level1}
        for period, values in ((self.mid, mid), (self.annual, annual)):
            for col, text in zip((period.level2.column, period.level3.column, period.value.column), values):
                cells[col] = text
        return self.line(cells)

    def header(self) -> str:
        ind = self.spec.indicators
        return self.line({ind.label_column: ind.label.text, **{col: label.text for col, label in ind.header_labels()}})

    def text(self) -> str:
        spec = self.spec
        name, midterm, annual = (spec.field(n) for n in ("project_name", "midterm_budget_wan", "annual_budget_wan"))
        mgoal, agoal = spec.field("midterm_goal"), spec.field("annual_goal")
        opinion = spec.footer[0]
        block_label, block_at = spec.labels[0]
        lines = [
            spec.title, "", spec.year_line.text.format(year=YEAR), "", spec.unit_line.text.format(budget_unit=UNIT), "",
            self.line({name.label_at.first_col: name.label.text, name.value_at.first_col: self.name,
                       midterm.label_at.first_col: midterm.label.text, midterm.value_at.first_col: "3.00",
                       annual.label_at.first_col: annual.label.text, annual.value_at.first_col: "1.00"}),
            self.line({block_at.first_col: block_label,
                       mgoal.label_at.first_col: mgoal.label.text.format(start=YEAR, end=YEAR + spec.midterm_years - 1),
                       agoal.label_at.first_col: agoal.label.text}),
            self.line({mgoal.value_at.first_col: self.goals[0], agoal.value_at.first_col: self.goals[1]}),
            self.header(),
            *self.indicator_rows,
            self.line({opinion.label_at.first_col: opinion.label.text, opinion.value_at.first_col: self.opinion}),
            *self.trailing,
        ]
        return "\n".join(lines) + "\n"

    def write(self, tmp_path, encoding="utf-8"):
        path = tmp_path / "forms.txt"
        path.write_text(self.text(), encoding=encoding)
        return path


def codes(result) -> list[str]:
    return result.issues["code"].tolist()


def import_string(tmp_path, text: str):
    """Import ``text`` as a UTF-8 text file."""
    path = tmp_path / "form.txt"
    path.write_text(text, encoding="utf-8")
    return import_text(path)


def level1_of(result) -> list[str]:
    return result.indicators.drop_duplicates("level1")["level1"].tolist()


def shifted(line: str) -> str:
    """The row as extracted without its leading empty cell."""
    return "\t".join(line.split("\t")[1:] + [""])


def test_a_clean_form_imports_without_issues(spec, tmp_path):
    form = FormText(spec)
    result = import_text(form.write(tmp_path))
    assert result.issues.empty
    projects = result.projects
    assert projects.loc[0, "project_name"] == "会议组织"
    assert projects.loc[0, "budget_unit"] == UNIT
    assert projects.loc[0, "year"] == YEAR
    assert projects.loc[0, "midterm_period"] == f"{YEAR}-{YEAR + spec.midterm_years - 1}"
    assert projects.loc[0, "form"] == spec.id
    assert (projects.loc[0, "midterm_budget_wan"], projects.loc[0, "annual_budget_wan"]) == (3.0, 1.0)
    assert (projects.loc[0, "midterm_goal"], projects.loc[0, "annual_goal"]) == form.goals
    assert projects.loc[0, "approval_opinion"] == form.opinion
    expected = pd.DataFrame({
        "period": [p for _ in range(4) for p in spec.period_names],
        "level3": ["会议次数", "会议次数", "会议质量", "会议质量", "交流渠道", "交流渠道", "企业满意度", "企业满意度"],
        "value": ["≥3次", "≥1次", "合格", "合格", "有效", "有效", "≥90%", "≥90%"],
    })
    pd.testing.assert_frame_equal(result.indicators[["period", "level3", "value"]], expected)
    assert result.indicators["cell"].iloc[0] == "第11行"


def test_a_label_wrapped_onto_the_next_line_is_joined(spec, tmp_path):
    form = FormText(spec)
    label = form.effect.label
    first, rest = label[:-2], label[-2:]
    assert spec.canonical_level1(first) is None  # only the joined text is a label
    form.indicator_rows[2] = form.indicator_rows[2].replace(label, first)
    form.indicator_rows.insert(3, form.line({form.level1_col: rest}))
    result = import_text(form.write(tmp_path))
    assert level1_of(result) == [form.output.label, label, form.satisfaction.label]
    wrapped = result.issues[result.issues["code"] == "text_label_wrapped"]
    assert wrapped["cell"].tolist() == ["第13行"]
    assert first in wrapped["message"].iloc[0] and label in wrapped["message"].iloc[0]
    assert codes(result) == ["text_label_wrapped"]


def test_the_seeds_wrapped_satisfaction_label_is_joined_too(spec, tmp_path):
    form = FormText(spec)
    short = spec.trees["dongguan"].variants[form.satisfaction.label][0]  # 满意度
    rest = form.satisfaction.label[len(short):]
    form.indicator_rows[3] = form.indicator_rows[3].replace(form.satisfaction.label, short, 1)
    form.indicator_rows.append(form.line({form.level1_col: rest}))
    result = import_text(form.write(tmp_path))
    assert level1_of(result)[-1] == form.satisfaction.label
    assert codes(result) == ["text_label_wrapped"]


def test_a_row_missing_its_leading_empty_cell_is_realigned(spec, tmp_path):
    form = FormText(spec)
    form.indicator_rows[3] = shifted(form.indicator_rows[3])
    result = import_text(form.write(tmp_path))
    (tmp_path / "clean").mkdir()
    clean = import_text(FormText(spec).write(tmp_path / "clean"))
    pd.testing.assert_frame_equal(result.indicators.drop(columns="file"), clean.indicators.drop(columns="file"))
    assert codes(result) == ["text_row_shifted"]
    assert form.satisfaction.level2[0] in result.issues["message"].iloc[0]


def test_a_level2_label_shifted_into_the_level1_column_is_read_as_level2(spec, tmp_path):
    form = FormText(spec)
    level2 = form.effect.level2[1]
    form.indicator_rows.insert(3, form.line({0: level2, 2: "持续影响", 3: "有效", 4: level2, 5: "持续影响", 6: "有效"}))
    result = import_text(form.write(tmp_path))
    rows = result.indicators[result.indicators["level3"] == "持续影响"]
    assert rows["level1"].tolist() == [form.effect.label] * 2
    assert rows["level2"].tolist() == [level2] * 2
    assert rows["value"].tolist() == ["有效"] * 2
    assert codes(result) == ["text_row_shifted", "text_label_moved"]


def test_html_paragraph_tags_are_removed_with_a_warning(spec, tmp_path):
    form = FormText(spec, goals=("<p>组织会议三次。</p>", "组织会议一次。"), opinion="<p>同意。</p>")
    form.indicator_rows[0] = form.row(form.output.label, (form.output.level2[0], "会议次数", "<p>≥3次</p>"),
                                      (form.output.level2[0], "会议次数", "≥1次"))
    result = import_text(form.write(tmp_path))
    assert result.projects.loc[0, "midterm_goal"] == "组织会议三次。"
    assert result.projects.loc[0, "approval_opinion"] == "同意。"
    assert result.indicators.loc[0, "value"] == "≥3次"
    removed = result.issues[result.issues["code"] == "text_html_removed"]
    # The field column names the field as a workbook's issues do, whatever the column's label.
    assert removed["field"].tolist() == ["midterm_goal", "value", "approval_opinion"]
    assert (removed["severity"] == "warning").all()
    assert "<p></p>" in removed["message"].iloc[0]


def test_separator_lines_are_skipped_and_noted(spec, tmp_path):
    form = FormText(spec)
    form.trailing = ["----------------------\t---", ""]
    result = import_text(form.write(tmp_path))
    assert codes(result) == ["text_separator"]
    assert result.issues.loc[0, "severity"] == "info"


def test_a_label_with_spaces_is_recognised(spec, tmp_path):
    form = FormText(spec)
    opinion = spec.footer[0].label.text
    spaced = " ".join(opinion[i:i + 2] for i in range(0, len(opinion), 2))
    text = form.text().replace(opinion, spaced)
    result = import_string(tmp_path, text)
    assert result.projects.loc[0, "approval_opinion"] == form.opinion
    assert codes(result) == ["text_label_spaced"]


def test_an_empty_level2_row_is_not_an_indicator(spec, tmp_path):
    form = FormText(spec)
    visitors = form.satisfaction.level2[1]  # 受访人群满意度, left empty on every sheet of the seed
    form.indicator_rows.append(form.line({form.annual.level2.column: visitors}))
    form.indicator_rows.append(shifted(form.line({form.annual.level2.column: visitors})))
    result = import_text(form.write(tmp_path))
    assert visitors not in result.indicators["level2"].tolist()
    assert len(result.indicators) == 8
    assert codes(result) == ["text_empty_level2", "text_row_shifted", "text_empty_level2"]
    assert set(result.issues[result.issues["code"] == "text_empty_level2"]["severity"]) == {"info"}


def test_overflowed_cells_take_back_their_fragments(spec, tmp_path):
    form = FormText(spec, goals=("与国内外高水平咨询服务机构合作。", "与国内外咨询服务机构合作"))
    form.indicator_rows[0] = form.row(form.output.label, (form.output.level2[0], "调研企业的数量", "调研企业200家"),
                                      (form.output.level2[0], "调研企业的数量", "调研企业20"))
    form.indicator_rows[1] = form.row("", (form.output.level2[3], "预算执行率", "预算执行率≥95"),
                                      (form.output.level2[3], "预算执行率", "预算执行率≥"))
    form.trailing = ["", "0家", "", "·高水平", "", "≥95", "", "司", "·合作。"]
    result = import_text(form.write(tmp_path))
    project = result.projects.loc[0]
    assert project["annual_goal"] == project["midterm_goal"]
    annual = result.indicators[result.indicators["period"] == spec.period_names[1]]
    assert annual["value"].tolist()[:2] == ["调研企业200家", "预算执行率≥95"]
    placed = result.issues[result.issues["code"] == "text_fragment_placed"]
    assert placed["cell"].tolist() == ["第17行", "第19行", "第21行", "第24行"]
    assert "调研企业200家" in placed["message"].iloc[0]
    unplaced = result.issues[result.issues["code"] == "text_fragment_unplaced"]
    assert unplaced["cell"].tolist() == ["第23行"] and "“司”" in unplaced["message"].iloc[0]


def test_a_header_cut_off_takes_back_its_fragment(spec, tmp_path):
    form = FormText(spec)
    label = form.annual.value.label.text  # 计划指标值（或计划水平）
    cut = "计划水"
    assert cut in label
    cut_header = form.header().replace(label, label.replace(cut, "", 1))
    text = form.text().replace(form.header(), cut_header) + cut + "\n"
    result = import_string(tmp_path, text)
    assert len(result.indicators) == 8
    placed = result.issues[result.issues["code"] == "text_fragment_placed"]
    assert placed["cell"].tolist() == ["第16行"] and label in placed["message"].iloc[0]


def test_a_goal_cut_off_at_the_column_width_is_reported(spec, tmp_path):
    full = "协助外贸企业对国际贸易规则的理解和利用。"
    form = FormText(spec, goals=(full, full[:-5]))
    result = import_text(form.write(tmp_path))
    truncated = result.issues[result.issues["code"] == "text_truncated"]
    assert truncated["field"].tolist() == ["annual_goal"]
    assert result.projects.loc[0, "annual_goal"] == full[:-5]  # kept as found


def test_text_in_no_column_is_named_in_an_issue(spec, tmp_path):
    form = FormText(spec)
    text = form.text().replace(spec.unit_line.text.format(budget_unit=UNIT) + "\n",
                               spec.unit_line.text.format(budget_unit=UNIT) + "\n说明：单位自行填报\n")
    path = tmp_path / "stray.txt"
    path.write_text("前言\n" + text, encoding="utf-8")
    result = import_text(path)
    stray = result.issues[result.issues["code"] == "text_unclaimed_line"]
    assert stray["cell"].tolist() == ["第1行", "第7行"]
    assert "说明：单位自行填报" in stray["message"].iloc[1]


def test_the_amount_unit_on_the_unit_line_is_not_part_of_the_unit(spec, tmp_path):
    line = spec.unit_line.text.format(budget_unit=UNIT)
    path = tmp_path / "unit.txt"
    path.write_text(FormText(spec).text().replace(line + "\n", line + "    单位：万元\n"), encoding="utf-8")
    result = import_text(path)
    assert result.projects["budget_unit"].tolist() == [UNIT]


def test_several_forms_in_one_file_get_unique_sheet_names(spec, tmp_path):
    one, two = FormText(spec), FormText(spec)
    path = tmp_path / "two.txt"
    path.write_text(one.text() + "\n\n" + two.text(), encoding="utf-8")
    result = import_text(path)
    assert result.projects["sheet"].tolist() == ["会议组织", "会议组织(2)"]
    assert len(result.indicators) == 16


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])  # utf-16: Notepad's "Unicode", with its mark
def test_gbk_and_utf16_text_is_read(spec, tmp_path, encoding):
    result = import_text(FormText(spec).write(tmp_path, encoding=encoding))
    assert result.projects.loc[0, "budget_unit"] == UNIT and result.issues.empty


def test_a_bad_amount_is_an_error_and_no_title_means_no_form(spec, tmp_path):
    text = FormText(spec).text().replace("\t3.00\t", "\t三万\t")
    result = import_string(tmp_path, text)
    assert codes(result) == ["bad_amount"] and result.error_count == 1
    assert pd.isna(result.projects.loc[0, "midterm_budget_wan"])
    empty = tmp_path / "empty.txt"
    empty.write_text("没有表格\n", encoding="utf-8")
    assert codes(import_text(empty)) == ["text_no_form"]


@pytest.mark.parametrize(
    ("target", "reference", "fragment", "expected"),
    [
        ("调研企业20", "调研企业200家", "0家", "调研企业200家"),
        ("预算执行率≥", "预算执行率≥95", "≥95", "预算执行率≥95"),
        ("关于打造新动能", "关于加快打造新动能", "于加快", "关于加快打造新动能"),
        ("有效", "有效", "90", None),               # nothing missing
        ("服务企业5家", "服务企业15家", "1", None),  # a page number: the periods' numbers differ
        ("服务企业", "服务企业15家", "15家", "服务企业15家"),  # cut off at the end
        ("一并公开。绩效", "一并公开，并以绩效", "，并以", None),  # replaced, not missing: unsure
        ("甲乙丙甲乙丙", "甲乙丁丙甲乙丁丙", "丁", None),  # two places fit
    ],
)
def test_insertion_puts_back_only_what_the_counterpart_shows(target, reference, fragment, expected):
    assert insertion(target, reference, fragment) == expected


def test_looks_truncated():
    assert looks_truncated("预算执行率≥", "预算执行率≥95")
    assert not looks_truncated("完成。", "完成。另有")
    assert not looks_truncated("办证数量", "企业满意度有所提高")


def test_rows_strip_tags_and_know_separators():
    row = Row.parse(3, "<p>甲</p>\t乙<br/>\t")
    assert row.cells == ["甲", "乙", ""] and row.tags == {0: ["<p>", "</p>"], 1: ["<br/>"]}
    assert Row.parse(4, "-----\t---").is_separator
    assert not Row.parse(5, "≥95\t<5次").is_separator
    assert Row.parse(6, "<5次").cells == ["<5次"]


def test_a_row_with_only_a_medium_term_level2_is_not_taken_for_a_shifted_row(spec, tmp_path):
    form = FormText(spec)
    visitors = form.satisfaction.level2[1]
    form.indicator_rows.append(form.line({form.mid.level2.column: visitors}))
    result = import_text(form.write(tmp_path))
    assert codes(result) == ["text_empty_level2"]
    assert spec.period_names[0] in result.issues.loc[0, "message"]


def test_no_workbook_is_written_unless_all_can_be(spec, tmp_path):
    from sheetsync.errors import OutputExistsError
    from sheetsync.importer import import_text_files

    first, second = FormText(spec).text(), FormText(spec).text().replace(UNIT, "东莞市另一局")
    source = tmp_path / "two_units.txt"
    source.write_text(first + second, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "东莞市另一局.xlsx").write_bytes(b"kept")
    with pytest.raises(OutputExistsError):
        import_text_files([source], out)
    assert sorted(p.name for p in out.iterdir()) == ["东莞市另一局.xlsx"]
    assert (out / "东莞市另一局.xlsx").read_bytes() == b"kept"
    collection, written = import_text_files([source], out, force=True)
    assert [p.name for p in written] == [f"{UNIT}.xlsx", "东莞市另一局.xlsx"]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert collection.projects["sheet"].tolist() == ["会议组织", "会议组织"]  # one per workbook


_WORDS = st.text(alphabet="甲乙丙丁戊己庚辛壬癸0123456789%≥次个", min_size=1, max_size=12)


@st.composite
def indicator_tables(draw, spec):
    tree = spec.trees[draw(st.sampled_from(sorted(spec.trees)))]
    rows = []
    for level1 in draw(st.lists(st.sampled_from(tree.level1), min_size=1, max_size=3, unique=True)):
        for n, level2 in enumerate(draw(st.lists(st.sampled_from(level1.level2), min_size=1, max_size=3))):
            rows.append((level1.label if n == 0 else "", level2, draw(_WORDS), draw(_WORDS), draw(_WORDS), draw(_WORDS),
                         draw(st.booleans())))
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_rows_with_lost_leading_cells_read_as_the_clean_rows(spec, tmp_path, data):
    rows = data.draw(indicator_tables(spec))
    form = FormText(spec)
    form.indicator_rows = []
    for level1, level2, mid3, mid_value, annual3, annual_value, lost in rows:
        line = form.row(level1, (level2, mid3, mid_value), (level2, annual3, annual_value))
        form.indicator_rows.append(shifted(line) if lost else line)
    result = import_text(form.write(tmp_path))
    current = ""
    expected = []
    for level1, level2, mid3, mid_value, annual3, annual_value, _ in rows:
        current = level1 or current
        expected += [(spec.period_names[0], current, level2, mid3, mid_value),
                     (spec.period_names[1], current, level2, annual3, annual_value)]
    got = list(result.indicators[["period", "level1", "level2", "level3", "value"]].itertuples(index=False, name=None))
    assert got == expected
    # text_truncated may fire when one random value is the other's beginning ("0", "000").
    assert set(codes(result)) <= {"text_row_shifted", "text_truncated"}
    assert codes(result).count("text_row_shifted") == sum(r[-1] for r in rows)


def test_a_lone_label_that_is_level1_in_one_tree_and_level2_in_another_follows_the_level1_above(spec, tmp_path):
    form = FormText(spec)
    output = spec.tree("2020").level1[0]          # 产出指标
    cost = output.level2[-1]                       # 成本指标, a 一级 of the 2021 tree
    assert spec.tree("2021").canonical_level1(cost) == cost
    form.indicator_rows = [
        form.row(output.label, (output.level2[0], "调研企业的数量", "200家"), (output.level2[0], "调研企业的数量", "200家")),
        form.line({0: cost, 2: "预算执行率", 3: "≥95%", 4: cost, 5: "预算执行率", 6: "≥95%"}),
    ]
    result = import_text(form.write(tmp_path))
    assert result.indicators["level1"].unique().tolist() == [output.label]
    assert result.indicators["level2"].tolist()[2:] == [cost, cost]


def _moved(text: str, line: int, to: int) -> str:
    """``text`` with its line ``line`` (1-based) moved to be line ``to``."""
    lines = text.split("\n")
    lines.insert(to - 1, lines.pop(line - 1))
    return "\n".join(lines)


def _same_form(result, clean) -> None:
    columns = ["project_name", "budget_unit", "midterm_budget_wan", "annual_budget_wan", "midterm_goal", "annual_goal",
               "approval_opinion"]
    pd.testing.assert_frame_equal(result.projects[columns], clean.projects[columns])
    pd.testing.assert_frame_equal(result.indicators.drop(columns=["file", "cell"]), clean.indicators.drop(columns=["file", "cell"]))


def test_an_opinion_line_moved_above_the_table_is_read_in_place(spec, tmp_path):
    form = FormText(spec)
    clean = import_text(form.write(tmp_path))
    path = tmp_path / "moved.txt"
    path.write_text(_moved(form.text(), 15, 7), encoding="utf-8")  # 批复意见 above the project line
    result = import_text(path)
    _same_form(result, clean)
    assert result.issues.empty


def test_a_labelled_line_is_never_taken_for_the_goals(spec, tmp_path):
    form = FormText(spec)
    clean = import_text(form.write(tmp_path))
    path = tmp_path / "swapped.txt"
    path.write_text(_moved(form.text(), 7, 8), encoding="utf-8")  # the goal labels above the project line
    result = import_text(path)
    _same_form(result, clean)


def test_lines_are_numbered_as_an_editor_numbers_them(spec, tmp_path):
    form = FormText(spec, goals=("组织会议\u2028三次。", "组织会议一次。"))
    form.trailing = ["多余的一行"]
    path = tmp_path / "forms.txt"
    path.write_text("\f" + form.text(), encoding="utf-8")  # pdftotext's page break before the title
    result = import_text(path)
    assert result.projects.loc[0, "midterm_goal"] == "组织会议\u2028三次。"
    assert result.indicators["cell"].iloc[0] == "第11行"
    assert result.issues[["cell", "code"]].values.tolist() == [["第16行", "text_fragment_unplaced"]]


def _indicators(result):
    return result.indicators[["period", "level1", "level2", "level3", "value"]].values.tolist()


def test_a_page_break_inside_the_table_leaves_its_indicators_alone(spec, tmp_path):
    clean = import_text(FormText(spec).write(tmp_path))
    form = FormText(spec)
    # pdftotext's page footer and the table's header printed again on the next page
    form.indicator_rows[2:2] = ["", "第 1 页", "", form.header()]
    result = import_text(form.write(tmp_path))
    assert _indicators(result) == _indicators(clean)
    assert codes(result) == ["text_page_number", "text_header_repeated"]
    assert set(result.issues["severity"]) == {"info"}


def test_a_page_number_after_the_form_changes_no_target(spec, tmp_path):
    form = FormText(spec)
    form.indicator_rows[0] = form.row(form.output.label, (form.output.level2[0], "服务企业", "服务企业15家"),
                                      (form.output.level2[0], "服务企业", "服务企业5家"))
    form.trailing = ["1"]
    result = import_text(form.write(tmp_path))
    assert result.indicators["value"].tolist()[:2] == ["服务企业15家", "服务企业5家"]
    assert codes(result) == ["text_fragment_unplaced"]


@pytest.mark.parametrize("midterm, annual, goal_years, expected", [
    ("-3.00", "1.00", None, ["negative_amount", "annual_above_midterm"]),
    ("30000元", "1.00", None, ["amount_converted"]),
    ("3.00", "1.00", (YEAR - 1, YEAR + 1), ["period_not_from_year"]),
])
def test_imported_fields_get_the_checks_of_a_workbook(spec, tmp_path, midterm, annual, goal_years, expected):
    text = FormText(spec).text().replace("\t3.00\t", f"\t{midterm}\t").replace("\t1.00", f"\t{annual}")
    if goal_years:
        text = text.replace(f"{YEAR}年--{YEAR + 2}年", f"{goal_years[0]}年--{goal_years[1] + 1}年")
    result = import_string(tmp_path, text)
    assert codes(result) == expected
    assert result.issues["cell"].str.fullmatch(r"第\d+行").all()
    if midterm == "30000元":
        assert result.projects.loc[0, "midterm_budget_wan"] == 3


@pytest.mark.parametrize("title", ["{title}（{year}年度）", "附件1：{title}", "附件：{title}（{year}年）", "附件1 {title}",
                                   "附件一：{title}"])
def test_a_title_with_an_annex_number_or_the_year_is_the_title(spec, tmp_path, title):
    form = FormText(spec)
    text = form.text().replace(spec.title, title.format(title=spec.title, year=YEAR), 1)
    if "{year}" in title:
        text = text.replace(spec.year_line.text.format(year=YEAR), "", 1)  # the year only in the title
    result = import_string(tmp_path, text)
    assert len(result.projects) == 1 and result.projects.loc[0, "year"] == YEAR
    assert codes(result) == []


@pytest.mark.parametrize("line", ["{label}：{unit}\t\t\t\t单位：万元", "{label}：\t{unit}", "{label}：\t{unit}\t金额单位：万元",
                                  "{label}：{unit}\t（单位：万元）", "{label}：{unit}（单位：万元）"])
def test_a_unit_line_split_into_cells_keeps_the_unit(spec, tmp_path, line):
    unit_line = spec.unit_line.text.format(budget_unit=UNIT)
    text = FormText(spec).text().replace(unit_line, line.format(label=spec.unit_line.label, unit=UNIT), 1)
    result = import_string(tmp_path, text)
    assert result.projects.loc[0, "budget_unit"] == UNIT
    assert codes(result) == []


@pytest.mark.parametrize("mid, annual, wrapped, rest, values", [
    ("≥90%", "企业满意度≥", "annual", "95%", ["≥90%", "企业满意度≥95%"]),
    ("覆盖率≥", "≥90%", "mid", "2/3", ["覆盖率≥2/3", "≥90%"]),  # 2/3 alone on a line: no page number
])
def test_a_value_wrapped_after_its_operator_is_joined(spec, tmp_path, mid, annual, wrapped, rest, values):
    form = FormText(spec)
    level2 = form.satisfaction.level2[0]
    form.indicator_rows[3:4] = [
        form.row(form.satisfaction.label, (level2, "企业满意度", mid), (level2, "企业满意度", annual)),
        form.line({getattr(form, wrapped).value.column: rest}),
    ]
    result = import_text(form.write(tmp_path))
    assert result.indicators["value"].tolist()[-2:] == values
    assert codes(result) == ["text_value_wrapped"]


@pytest.mark.parametrize("separator", ["：", ":", " ： "])
def test_a_label_and_its_value_in_one_cell_are_read(spec, tmp_path, separator):
    form = FormText(spec)
    name, midterm = spec.field("project_name"), spec.field("midterm_budget_wan")
    cells = form.text().split("\n")[6].split("\t")
    cells[name.label_at.first_col] = f"{name.label.text}{separator}会议组织"
    cells[name.value_at.first_col] = ""
    cells[midterm.label_at.first_col] = f"{midterm.label.text}{separator}3.00"
    cells[midterm.value_at.first_col] = ""
    text = form.text().replace(form.text().split("\n")[6], "\t".join(cells), 1)
    result = import_string(tmp_path, text)
    assert result.projects.loc[0, ["project_name", "midterm_budget_wan"]].tolist() == ["会议组织", 3.0]
    assert codes(result) == []


def test_a_title_year_other_than_the_year_lines_is_reported(spec, tmp_path):
    text = FormText(spec).text().replace(spec.title, f"{spec.title}（{YEAR - 1}年度）", 1)
    result = import_string(tmp_path, text)
    assert result.projects.loc[0, "year"] == YEAR
    assert codes(result) == ["text_year_mismatch"]
    assert result.issues.loc[0, "message"] == f"标题中的年度（{YEAR - 1}年）与年度行（{YEAR}年）不一致，已按年度行读取，请对照原表核对。"


def test_a_label_with_its_value_is_never_taken_for_the_value_of_the_label_before(spec, tmp_path):
    form = FormText(spec)
    name, midterm = spec.field("project_name"), spec.field("midterm_budget_wan")
    line = form.text().split("\n")[6]
    cells = line.split("\t")
    cells[name.label_at.first_col], cells[name.value_at.first_col] = f"{name.label.text}：", ""
    cells[midterm.label_at.first_col], cells[midterm.value_at.first_col] = f"{midterm.label.text}：0.75", ""
    result = import_string(tmp_path, form.text().replace(line, "\t".join(cells), 1))
    assert result.projects.loc[0, ["project_name", "midterm_budget_wan"]].tolist() == ["", 0.75]
    assert "missing_field" in codes(result)
