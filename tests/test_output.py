import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from sheetsync.cli import app
from sheetsync.errors import OutputError, OutputExistsError
from sheetsync.output import atomic_path, check_writable


def test_atomic_path_renames_on_success(tmp_path):
    target = tmp_path / "out" / "a.xlsx"
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        tmp.write_text("done")
    assert target.read_text() == "done"
    assert list(target.parent.iterdir()) == [target]


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "a.xlsx"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_existing_output_needs_force(tmp_path):
    target = tmp_path / "a.xlsx"
    target.write_text("old")
    with pytest.raises(OutputExistsError, match="--force"):
        with atomic_path(target):
            pass
    assert target.read_text() == "old"
    with atomic_path(target, force=True) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"


def test_output_gets_ordinary_permissions(tmp_path):
    target = tmp_path / "a.xlsx"
    with atomic_path(target) as tmp:
        tmp.write_text("done")
    ordinary = tmp_path / "b.txt"
    ordinary.write_text("x")
    assert os.stat(target).st_mode & 0o777 == os.stat(ordinary).st_mode & 0o777


def test_a_folder_or_a_file_in_the_way_is_a_clear_error(tmp_path):
    from sheetsync.output import output_folder

    (tmp_path / "folder").mkdir()
    with pytest.raises(OutputError, match="是文件夹"):
        with atomic_path(tmp_path / "folder", force=True):
            pass
    (tmp_path / "file.xlsx").write_text("x")
    with pytest.raises(OutputError, match="是文件"):
        with atomic_path(tmp_path / "file.xlsx" / "summary.xlsx"):
            pass
    with pytest.raises(OutputError, match="是文件"):
        output_folder(tmp_path / "file.xlsx")


def test_a_name_longer_than_the_file_system_allows_is_a_clear_error(tmp_path):
    with pytest.raises(OutputError, match="无法写入"):
        check_writable(tmp_path / ("长" * 100 + ".xlsx"), False)


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder no file can be written into, even by root (who passes over permission bits)."""
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK) and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        folder.chmod(0o755)
        pytest.skip("cannot make a folder read-only here")
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


def test_a_read_only_folder_is_refused_before_any_work(read_only_folder, tmp_path):
    with pytest.raises(OutputError, match="不能写入"):
        check_writable(read_only_folder / "汇总.xlsx", force=False)
    with pytest.raises(OutputError, match="不能写入"):
        check_writable(read_only_folder / "csv" / "projects.csv", force=False)
    # The summary is not written when an export could not be: the run is refused before reading.
    done = CliRunner().invoke(app, ["collect", "examples/forms", "-o", str(tmp_path / "汇总.xlsx"),
                                    "--csv", str(read_only_folder / "csv")])
    assert done.exit_code == 1 and "不能写入" in done.output
    assert not (tmp_path / "汇总.xlsx").exists()


def test_feedback_into_a_read_only_folder_is_refused_before_reading(read_only_folder, monkeypatch):
    def no_reading(*args, **kwargs):
        raise AssertionError("the inputs were read")

    monkeypatch.setattr(sys.modules["sheetsync.collect"], "collect", no_reading)
    done = CliRunner().invoke(app, ["feedback", "examples/forms", "-o", str(read_only_folder / "反馈")])
    assert done.exit_code == 1 and "不能写入" in done.output


def test_an_export_that_fails_leaves_no_folder_behind(tmp_path, monkeypatch):
    import errno

    import pandas as pd

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    done = CliRunner().invoke(app, ["collect", "examples/forms", "-o", str(tmp_path / "汇总.xlsx"),
                                    "--csv", str(tmp_path / "表" / "csv")])
    assert done.exit_code == 1 and "No space left on device" in done.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["汇总.xlsx"]


def _failing_on(monkeypatch, name: str) -> None:
    """os.replace failing onto ``name``, as it does on Windows for a file open in Excel."""
    real = os.replace

    def replace(src, dst):
        if os.path.basename(dst) == name:
            raise PermissionError(13, "Permission denied", str(dst))
        real(src, dst)
    monkeypatch.setattr(os, "replace", replace)


def test_publish_all_puts_back_what_was_there_when_one_output_cannot_be_moved_in(tmp_path, monkeypatch):
    from sheetsync.errors import WriteError
    from sheetsync.output import publish_all

    staged = []
    for name in ("甲.xlsx", "乙.xlsx", "丙.xlsx"):
        (tmp_path / f".{name}.new").write_text(f"new {name}")
        staged.append((tmp_path / f".{name}.new", tmp_path / name))
    (tmp_path / "甲.xlsx").write_text("old 甲")
    _failing_on(monkeypatch, "乙.xlsx")
    with pytest.raises(WriteError, match="乙.xlsx"):
        publish_all(staged, force=True)
    assert (tmp_path / "甲.xlsx").read_text() == "old 甲"
    assert not (tmp_path / "乙.xlsx").exists() and not (tmp_path / "丙.xlsx").exists()
    # nothing set aside is left behind (the staged files are the staging folder's to remove)
    assert {p.name for p in tmp_path.iterdir()} == {"甲.xlsx", ".乙.xlsx.new", ".丙.xlsx.new"}

    monkeypatch.undo()
    (tmp_path / ".甲.xlsx.new").write_text("new 甲.xlsx")
    publish_all(staged, force=True)
    assert {p.name for p in tmp_path.iterdir()} == {"甲.xlsx", "乙.xlsx", "丙.xlsx"}
    assert (tmp_path / "甲.xlsx").read_text() == "new 甲.xlsx"


def test_templates_from_a_roster_are_written_all_or_none(tmp_path, monkeypatch):
    from sheetsync.template import write_templates_from_roster

    roster = tmp_path / "r.csv"
    roster.write_text("预算单位,项目名称\n甲局,物业管理费\n乙局,水电费\n丙局,会议费\n", encoding="utf-8")
    _failing_on(monkeypatch, "乙局.xlsx")
    result = CliRunner().invoke(app, ["template", "--roster", str(roster), "--year", "2026", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "乙局.xlsx" in result.output
    assert not (tmp_path / "out").exists()
    monkeypatch.undo()
    assert [p.name for p in write_templates_from_roster(roster, tmp_path / "out", year=2026)] == ["甲局.xlsx", "乙局.xlsx", "丙局.xlsx"]
