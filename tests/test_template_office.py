"""LibreOffice (our stand-in for Excel and WPS) prints every template with one page per project sheet."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from office import convert, pdf_page_count
from sheetsync.template import write_template, write_templates_from_roster, write_unit_workbook
from sheetsync.model import Indicator, ProjectForm

pytestmark = pytest.mark.office


@pytest.mark.parametrize("framework", ["dongguan", "2020", "2021"])
def test_blank_template_prints_one_page_per_sheet(tmp_path, soffice, framework):
    path = write_template(tmp_path / f"t{framework}.xlsx", year=2021, unit="测试单位", count=3, framework=framework)
    pdf = convert(soffice, path, "pdf", tmp_path / "pdf")
    assert pdf_page_count(pdf) == 1 + 3  # 填表说明 + three project sheets; hidden sheets are not printed


def test_roster_templates_print_one_page_per_project(tmp_path, soffice):
    [path] = write_templates_from_roster("examples/roster.csv", tmp_path / "out", year=2021)
    pdf = convert(soffice, path, "pdf", tmp_path / "pdf")
    assert pdf_page_count(pdf) == 1 + 16


def test_filled_workbook_prints_one_page_per_project(tmp_path, soffice):
    forms = [
        ProjectForm(budget_unit="测试单位", project_name=f"项目{i}", midterm_budget_wan=3, annual_budget_wan=1,
                    midterm_goal="目标" * 100, annual_goal="年度目标",
                    indicators=[Indicator("中期", "预期产出指标", "质量指标", f"指标{j}", "≥95%") for j in range(6)])
        for i in range(2)
    ]
    path = write_unit_workbook(tmp_path / "f.xlsx", forms, year=2021, budget_unit="测试单位")
    pdf = convert(soffice, path, "pdf", tmp_path / "pdf")
    assert pdf_page_count(pdf) == 1 + 2


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_the_instructions_print_within_the_page(tmp_path, soffice):
    # LibreOffice does not shrink a one-column sheet to the page's width: the column itself must fit.
    path = write_template(tmp_path / "t.xlsx", year=2021, count=1, password="secret")
    pdf = convert(soffice, path, "pdf", tmp_path / "pdf")
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes))
    assert right <= width - 18  # within the page, short of its edge
