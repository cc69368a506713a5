"""collect over files and folders, in one process or several, and the `sheetsync check` command."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fixtures_forms import SEED_FORM, Layout, write_workbook
from sheetsync.cli import app
from sheetsync.collect import MIN_FILES_FOR_WORKERS, collect, expand_paths, read_chunk
from sheetsync.reader import read_workbook
from sheetsync.status import issue_records


def make_folder(tmp_path):
    folder = tmp_path / "收回"
    (folder / "b_科室").mkdir(parents=True)
    paths = [
        write_workbook(folder / "a.xlsx", [("项目1", SEED_FORM, Layout()),
                                           ("项目2", replace(SEED_FORM, name="项目二", annual_budget=9), Layout())]),
        write_workbook(folder / "b_科室" / "c.XLSX", [("Sheet1", replace(SEED_FORM, name=""), Layout(top=2))]),
    ]
    (folder / "b_科室" / "bad.xls").write_bytes(b"garbage")
    (folder / "~$a.xlsx").write_bytes(b"\x00" * 10)
    (folder / "notes.docx").write_bytes(b"PK")
    return folder, paths


def test_expand_paths(tmp_path):
    folder, (a, c) = make_folder(tmp_path)
    single = tmp_path / "single.ods"
    assert expand_paths([str(single), folder]) == [
        str(single), str(a), str(folder / "b_科室" / "bad.xls"), str(c), str(folder / "~$a.xlsx"),
    ]


def test_collect_a_folder(tmp_path):
    folder, (a, c) = make_folder(tmp_path)
    result = collect([folder])
    assert result.file_count == 4
    assert result.projects[["file", "sheet", "project_name"]].values.tolist() == [
        [str(a), "项目1", SEED_FORM.name], [str(a), "项目2", "项目二"], [str(c), "Sheet1", ""]]
    assert len(result.indicators) == 3 * 14
    assert result.issues[["file", "sheet", "cell", "code"]].values.tolist() == [
        [str(a), "项目2", "H4", "annual_above_midterm"],
        [str(folder / "b_科室" / "bad.xls"), "", "", "not_a_workbook"],
        [str(c), "Sheet1", "B6", "missing_field"],
        [str(folder / "~$a.xlsx"), "", "", "lock_file"],
        [str(folder / "notes.docx"), "", "", "other_file"],
    ]
    alone = read_workbook(a)
    pd.testing.assert_frame_equal(result.projects.iloc[:2], alone.projects)


def test_a_form_of_another_year_than_the_rounds_is_flagged(tmp_path):
    for name, year in (("a", 2022), ("b", 2022), ("c", 2021)):
        write_workbook(tmp_path / f"{name}.xlsx", [("项目1", replace(SEED_FORM, name=f"项目{name}", year=year), Layout())])
    result = collect([tmp_path])
    assert result.issues[["file", "sheet", "field", "code"]].values.tolist() == [
        [str(tmp_path / "c.xlsx"), "项目1", "year", "other_year"]]


def _gbk_named(folder: Path, name: str) -> Path:
    """``name`` in GBK bytes in ``folder``, as unzip leaves a Windows zip's names."""
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + name.encode("gbk")))


def test_two_files_that_show_the_same_name_are_a_project_and_its_duplicate(tmp_path):
    import openpyxl

    from sheetsync.summary import write_summary

    (tmp_path / "收回").mkdir()
    older = write_workbook(_gbk_named(tmp_path / "收回", "财务.xlsx"), [("项目1", SEED_FORM, Layout())])
    newer = write_workbook(tmp_path / "收回" / "财务.xlsx", [("项目1", replace(SEED_FORM, annual_budget=0.3), Layout())])
    os.utime(older, (1_600_000_000, 1_600_000_000))
    os.utime(newer, (1_900_000_000, 1_900_000_000))
    result = collect([tmp_path / "收回"])
    assert result.projects["file"].tolist() == [str(newer)] * 2
    # The older copy's rows are marked by the path they were read by, not by the name they show.
    older_rows = result.paths.indicators == str(older)
    assert older_rows.any() and (result.indicators["superseded"].to_numpy() == older_rows).all()
    assert result.projects["superseded"].tolist() == list(result.paths.projects == str(older))
    summary = openpyxl.load_workbook(write_summary(result, tmp_path / "s.xlsx"))
    used = [row for row in summary["项目汇总"].iter_rows(min_row=2, values_only=True) if row[0] == SEED_FORM.unit]
    assert [row[5] for row in used] == [0.3]
    assert sorted(row[0] for row in summary["提交情况"].iter_rows(min_row=2, values_only=True)) == ["已提交", "重复提交"]


def test_a_form_of_another_year_in_a_file_named_in_gbk_is_flagged_on_it(tmp_path):
    for name, year in (("a", 2022), ("b", 2022), ("丙", 2021)):
        write_workbook(_gbk_named(tmp_path, f"{name}.xlsx"), [("项目1", replace(SEED_FORM, name=f"项目{name}", year=year), Layout())])
    result = collect([tmp_path])
    assert result.issues[["file", "sheet", "code"]].values.tolist() == [[str(tmp_path / "丙.xlsx"), "项目1", "other_year"]]


def test_workers_give_the_same_tables_in_the_same_order(tmp_path):
    folder, _ = make_folder(tmp_path)
    pool = [write_workbook(tmp_path / f"pool_{i}.xlsx", [(f"P{i}", replace(SEED_FORM, name=f"项目{i}"), Layout(left=i))])
            for i in range(3)]
    # Enough files for collect to start workers; copies read as fast as distinct files.
    for n in range(MIN_FILES_FOR_WORKERS):
        shutil.copyfile(pool[n % 3], folder / f"more_{n:03d}.xlsx")
    calls, calls_one = [], []
    one = collect([folder], jobs=1, on_file=lambda forms, errors: calls_one.append((forms, errors)))
    two = collect([folder], jobs=2, on_file=lambda forms, errors: calls.append((forms, errors)))
    for table in ("projects", "indicators", "issues"):
        pd.testing.assert_frame_equal(getattr(two, table), getattr(one, table))
    assert two.file_count == one.file_count == MIN_FILES_FOR_WORKERS + 4
    assert calls == calls_one == [(2, 1), (0, 1), (1, 1)] + [(1, 0)] * MIN_FILES_FOR_WORKERS + [(0, 0)]
    assert two.projects.project_name.tolist()[3:6] == ["项目0", "项目1", "项目2"]


def test_check_command_prints_issues_and_exits_1_on_errors(tmp_path):
    folder, _ = make_folder(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["check", str(folder), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == issue_records(collect([folder]))

    table = runner.invoke(app, ["check", str(folder)])
    assert table.exit_code == 1
    assert "[annual_above_midterm]" in table.stdout and "bad.xls" in table.stdout


def test_check_command_exits_0_on_a_clean_file(tmp_path):
    path = write_workbook(tmp_path / "clean.xlsx", [("项目1", SEED_FORM, Layout())])
    result = CliRunner().invoke(app, ["check", str(path), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_inputs_are_never_modified(tmp_path):
    folder, _ = make_folder(tmp_path)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    collect([folder])
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before
    assert sorted(p for p in folder.rglob("*") if p.is_file()) == files


def test_a_summary_written_into_the_folder_is_skipped_next_time(tmp_path):
    from sheetsync.summary import write_summary

    folder, _ = make_folder(tmp_path)
    first = collect([folder])
    write_summary(first, folder / "汇总.xlsx")
    again = collect([folder])
    pd.testing.assert_frame_equal(again.projects, first.projects)
    pd.testing.assert_frame_equal(again.indicators, first.indicators)
    skipped = again.issues[again.issues["file"] == str(folder / "汇总.xlsx")]
    assert skipped[["severity", "code"]].values.tolist() == [["info", "own_summary"]]


def test_other_files_in_a_folder_are_noted_not_read(tmp_path):
    folder = tmp_path / "收回"
    folder.mkdir()
    write_workbook(folder / "甲局.xlsx", [("项目1", SEED_FORM, Layout())])
    for name in ("乙局.pdf", "丙局表格.zip", "README", ".DS_Store", "Thumbs.db", "~WRL0001.tmp", "x.TMP", "甲局.xlsx~"):
        (folder / name).write_bytes(b"%PDF-1.4")
    result = collect([folder])
    assert result.file_count == 1 and len(result.projects) == 1
    # A zip may hold the forms of several departments; a PDF or a file without a suffix is noted.
    assert result.issues[["file", "severity", "code"]].values.tolist() == [
        [str(folder / "README"), "info", "other_file"],
        [str(folder / "丙局表格.zip"), "warning", "archive_not_read"],
        [str(folder / "乙局.pdf"), "info", "other_file"],
    ]
    assert "（.pdf）" in result.issues.message.iloc[2]


def test_nothing_to_read_is_an_error_not_an_empty_result(tmp_path):
    from sheetsync.errors import InputError

    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="没有找到表格文件"):
        collect([tmp_path / "empty"])
    (tmp_path / "empty" / "甲局.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match=r"另有1个其他文件，如“甲局.pdf”"):
        collect([tmp_path / "empty"])
    result = CliRunner().invoke(app, ["check", str(tmp_path / "empty")])
    assert result.exit_code == 1 and "没有找到表格文件" in result.output


def test_collect_checks_every_output_and_the_roster_before_reading(tmp_path):
    folder, _ = make_folder(tmp_path)
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "issues.csv").write_text("old")
    runner = CliRunner()
    result = runner.invoke(app, ["collect", str(folder), "-o", str(tmp_path / "s.xlsx"), "--csv", str(tmp_path / "csv")])
    assert result.exit_code == 1 and "issues.csv 已存在" in result.output
    bad_roster = tmp_path / "roster.csv"
    bad_roster.write_text("预算单位\n某局\n", encoding="utf-8")
    result = runner.invoke(app, ["collect", str(folder), "-o", str(tmp_path / "s.xlsx"), "--roster", str(bad_roster)])
    assert result.exit_code == 1 and "项目名称" in result.output
    assert not (tmp_path / "s.xlsx").exists()


def test_stopping_early_leaves_no_workers_behind(tmp_path):
    import multiprocessing

    folder, _ = make_folder(tmp_path)
    source = next(folder.glob("*.xlsx"))
    for n in range(MIN_FILES_FOR_WORKERS * 2):
        shutil.copyfile(source, folder / f"more_{n:03d}.xlsx")
    reading = sys.modules["sheetsync.collect"]._read_all(sorted(map(str, folder.rglob("*.xlsx"))), 2, None)
    next(reading)
    reading.close()
    assert multiprocessing.active_children() == []


def _worker_killed_on_the_last_once(files, on_file=None):
    import multiprocessing
    import os
    import signal

    marker = Path(files[0]).parent / "killed"
    in_worker = multiprocessing.parent_process() is not None
    last = f"more_{MIN_FILES_FOR_WORKERS * 4 - 1:03d}.xlsx"
    if in_worker and any(f.endswith(last) for f in files) and not marker.exists():
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return read_chunk(files, on_file)


def test_a_worker_that_dies_loses_nothing(tmp_path, monkeypatch):
    import multiprocessing

    reading = sys.modules["sheetsync.collect"]
    folder, _ = make_folder(tmp_path)
    source = next(folder.glob("*.xlsx"))
    for n in range(MIN_FILES_FOR_WORKERS * 4):
        shutil.copyfile(source, folder / f"more_{n:03d}.xlsx")
    one = collect([folder], jobs=1)
    read_alone = []
    monkeypatch.setattr(reading, "_read_alone", lambda file: read_alone.append(file) or read_chunk([file]))
    # The system kills a worker (out of memory, say) while it reads its run.
    monkeypatch.setattr(reading, "read_chunk", _worker_killed_on_the_last_once)
    calls = []
    two = collect([folder], jobs=2, on_file=lambda forms, errors: calls.append((forms, errors)))
    assert (folder / "killed").exists() and read_alone  # a worker died and a lost run was read again
    for table in ("projects", "indicators", "issues"):
        pd.testing.assert_frame_equal(getattr(two, table), getattr(one, table))
    assert len(calls) == one.file_count
    assert multiprocessing.active_children() == []


def _exit_on_the_second(files):
    import os

    if files[0].endswith("second.xlsx"):
        os._exit(1)
    return read_chunk(files)


def test_a_file_that_kills_its_reader_is_an_issue_row(tmp_path):
    reading = sys.modules["sheetsync.collect"]
    folder, (first, _) = make_folder(tmp_path)
    second = shutil.copyfile(first, tmp_path / "second.xlsx")
    fine = reading._read_alone(str(first), read=_exit_on_the_second)
    crashed = reading._read_alone(str(second), read=_exit_on_the_second)
    alone = read_chunk([str(first)])
    assert fine.counts == alone.counts and len(fine.tables.projects) == 2
    pd.testing.assert_frame_equal(fine.tables.issues, alone.tables.issues)
    assert crashed.counts == [(0, 1)] and crashed.tables.projects.empty
    assert crashed.tables.issues[["file", "code", "severity"]].values.tolist() == [[str(second), "reader_crashed", "error"]]


def _killed_the_first_time(files):
    import os
    import signal

    marker = Path(files[0]).with_suffix(".killed")
    if not marker.exists():
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return read_chunk(files)


def test_a_file_whose_reader_is_killed_once_is_read_again(tmp_path):
    # A worker and then the lone re-read of its first file killed by the system: not the file's fault.
    reading = sys.modules["sheetsync.collect"]
    _folder, (first, _) = make_folder(tmp_path)
    again = reading._read_alone(str(first), read=_killed_the_first_time)
    assert Path(first).with_suffix(".killed").exists()
    assert again.counts == read_chunk([str(first)]).counts and len(again.tables.projects) == 2


def test_the_progress_bar_counts_files_forms_and_errors(tmp_path):
    # The bar shows only on a terminal: give the command a pseudo-terminal for stderr.
    import os
    import subprocess

    folder, _ = make_folder(tmp_path)
    leader, follower = os.openpty()
    done = subprocess.run([sys.executable, "-m", "sheetsync", "collect", str(folder), "-o", str(tmp_path / "s.xlsx"),
                           "--jobs", "1"], stderr=follower, stdout=subprocess.PIPE, text=True, timeout=120)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 1  # the folder holds files with errors
    assert "3个文件，3张表" in done.stdout and "另跳过1个" in done.stdout  # the lock file
    text = shown.decode()
    assert "读取中" in text and "4/4" in text and "3张表，3个错误" in text


@pytest.mark.skipif(sys.platform != "linux", reason="fork is used on Linux only")
def test_workers_are_forked_only_from_a_process_without_other_threads():
    import threading

    reading = sys.modules["sheetsync.collect"]
    assert reading._worker_context().get_start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert reading._worker_context().get_start_method() == "forkserver"
    finally:
        stop.set()
        other.join()


def test_workers_started_are_ended_when_submitting_is_interrupted(monkeypatch):
    # A SIGTERM raises SystemExit wherever the main thread is, even between two submissions.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    reading = sys.modules["sheetsync.collect"]
    ended = []

    class Interrupted(ProcessPoolExecutor):
        def submit(self, *args, **kwargs):
            if self._pending_work_items:
                raise SystemExit(143)
            return super().submit(*args, **kwargs)

        def shutdown(self, *args, **kwargs):
            ended.append(kwargs.get("cancel_futures"))
            super().shutdown(*args, **kwargs)

    monkeypatch.setattr(reading, "ProcessPoolExecutor", Interrupted)
    with pytest.raises(SystemExit):
        reading._start_workers(multiprocessing.get_context("spawn"), 1, [["a.xlsx"], ["b.xlsx"]])
    assert ended == [True]


def test_a_roster_among_the_forms_is_no_form_to_correct(tmp_path):
    import openpyxl
    from sheetsync.feedback import write_feedback

    inbox = tmp_path / "收回"
    inbox.mkdir()
    write_workbook(inbox / "甲.xlsx", [("项目1", SEED_FORM, Layout())])
    book = openpyxl.Workbook()
    book.active.append(["预算单位", "项目名称", "中期市财政预算（万元）", "本年度申请市财政预算资金（万元）"])
    book.active.append([SEED_FORM.unit, SEED_FORM.name, 3, 1])
    book.save(inbox / "名单.xlsx")
    write_workbook(tmp_path / "one.xlsx", [("项目1", SEED_FORM, Layout())])
    mixed = openpyxl.load_workbook(tmp_path / "one.xlsx")
    roster = mixed.create_sheet("名单")
    roster.append(["预算单位", "项目名称"])
    roster.append([SEED_FORM.unit, SEED_FORM.name])
    mixed.save(inbox / "乙.xlsx")

    result = collect([inbox])
    assert sorted(result.projects["file"].map(lambda f: Path(f).name)) == ["乙.xlsx", "甲.xlsx"]
    notes = result.issues[result.issues["code"].str.startswith("roster")]
    assert [(Path(f).name, s, c) for f, s, c in notes[["file", "sheet", "code"]].itertuples(index=False)] == [
        ("乙.xlsx", "名单", "roster_sheet"), ("名单.xlsx", "", "roster_file")]
    assert "no_form" not in set(result.issues["code"])
    assert sorted(p.name for p in write_feedback([inbox], tmp_path / "反馈")) == ["乙_反馈.xlsx", "甲_反馈.xlsx"]
