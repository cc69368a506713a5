import pytest

from sheetsync.errors import OutputExistsError
from sheetsync.output import atomic_path


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
    import os

    target = tmp_path / "a.xlsx"
    with atomic_path(target) as tmp:
        tmp.write_text("done")
    ordinary = tmp_path / "b.txt"
    ordinary.write_text("x")
    assert os.stat(target).st_mode & 0o777 == os.stat(ordinary).st_mode & 0o777


def test_a_folder_or_a_file_in_the_way_is_a_clear_error(tmp_path):
    from sheetsync.errors import OutputError
    from sheetsync.output import output_folder

    (tmp_path / "folder").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        with atomic_path(tmp_path / "folder", force=True):
            pass
    (tmp_path / "file.xlsx").write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        with atomic_path(tmp_path / "file.xlsx" / "summary.xlsx"):
            pass
    with pytest.raises(OutputError, match="is a file"):
        output_folder(tmp_path / "file.xlsx")


def test_a_name_longer_than_the_file_system_allows_is_a_clear_error(tmp_path):
    from sheetsync.errors import OutputError
    from sheetsync.output import check_writable

    with pytest.raises(OutputError, match="cannot write"):
        check_writable(tmp_path / ("长" * 100 + ".xlsx"), False)
