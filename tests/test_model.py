import pandas as pd

from sheetsync.issues import ISSUE_COLUMNS, issue
from sheetsync.model import INDICATOR_COLUMNS, PROJECT_COLUMNS, SUPERSEDED, Collection, Indicator, ProjectForm


def test_collection_tables_have_stable_columns_and_types():
    form = ProjectForm(
        budget_unit="某局", project_name="项目甲", year=2021, midterm_budget_wan=3.0, annual_budget_wan=1.0,
        indicators=[Indicator("中期", "预期产出指标", "质量指标", "合格率", "≥95%", "E9"),
                    Indicator("年度", "预期产出指标", "质量指标", "合格率", "有效", "H9")],
        file="a.xlsx", sheet="项目甲",
    )
    problem = issue("missing_field", file="a.xlsx", sheet="项目甲", cell="B6", field="midterm_goal", label="中期滚动目标")
    result = Collection.from_forms([form], [problem], file_count=1)

    assert list(result.projects.columns) == [*PROJECT_COLUMNS, SUPERSEDED]
    assert list(result.indicators.columns) == [*INDICATOR_COLUMNS, SUPERSEDED]
    assert list(result.issues.columns) == [*ISSUE_COLUMNS, SUPERSEDED]
    assert result.projects["year"].dtype == "Int64"
    assert result.projects["midterm_budget_wan"].dtype == "float64"
    expected = pd.DataFrame({"value_op": ["≥", ""], "value_num": [95.0, float("nan")], "value_kind": ["定量", "定性"]})
    pd.testing.assert_frame_equal(result.indicators[["value_op", "value_num", "value_kind"]], expected,
                                  check_dtype=False)
    assert (result.error_count, result.warning_count) == (1, 0)
    assert result.summary_line(1) == "1个文件，1张表，2条指标，1个错误，0个警告"


def test_empty_collection_keeps_its_columns():
    result = Collection.from_forms([], [])
    assert result.projects.empty and list(result.projects.columns) == [*PROJECT_COLUMNS, SUPERSEDED]
    assert result.indicators.empty and list(result.indicators.columns) == [*INDICATOR_COLUMNS, SUPERSEDED]


def test_text_columns_are_text_whatever_the_form_held():
    # A missing value reads as empty text, a number as its digits: every text column is "str".
    forms = [ProjectForm(budget_unit="某局", project_name="项目甲", project_code=None, midterm_period=None),
             ProjectForm(budget_unit="某局", project_name=12, project_code=float("nan"), midterm_period="2021-2023")]
    projects = Collection.from_forms(forms, []).projects
    assert projects["project_code"].tolist() == ["", ""]
    assert projects["midterm_period"].tolist() == ["", "2021-2023"]
    assert projects["project_name"].tolist() == ["项目甲", "12"]
    assert projects["project_name"].dtype == projects["budget_unit"].dtype == "str"
    assert projects["midterm_budget_wan"].isna().all() and projects["year"].isna().all()
