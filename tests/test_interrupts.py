"""A collection stopped from outside (kill, timeout, a closed terminal, the OOM killer) leaves
no worker process and no file half written behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="looks for processes in /proc")

EXAMPLE_FORMS = Path(__file__).parents[1] / "examples" / "forms"
COPIES = 300  # 4,800 sheets: several seconds of reading for two workers


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("many")
    source = next(EXAMPLE_FORMS.glob("*.xlsx"))
    for i in range(COPIES):
        shutil.copy(source, folder / f"单位{i:03d}.xlsx")
    return folder


def _state(pid: int) -> str | None:
    """The process's state letter (R, S, Z…); None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rpartition(")")[2].split()[0]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    found, parents = [], [pid]
    while parents:
        children = [child for parent in parents for child in _children(parent)]
        found += children
        parents = children
    return found


def _start_collect(many: Path, out: Path, *, threaded: bool = False) -> tuple[subprocess.Popen, list[int]]:
    """A collection with two workers running (``threaded``: from a program running another
    thread, whose workers a forkserver starts), and the processes under it."""
    if threaded:
        command = ["-c", "import sys, threading, time, sheetsync\n"
                         "if __name__ == '__main__':\n"
                         "    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()\n"
                         "    sheetsync.collect([sys.argv[1]], jobs=2)", str(many)]
    else:
        command = ["-m", "sheetsync", "collect", str(many), "-o", str(out / "汇总.xlsx"), "--jobs", "2", "-q"]
    run = subprocess.Popen([sys.executable, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len([pid for pid in _descendants(run.pid) if _reads(pid)]) < 2:
        assert run.poll() is None and time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.05)
    time.sleep(0.5)
    assert run.poll() is None, "the collection ended before it could be stopped"
    return run, _descendants(run.pid)


def _reads(pid: int) -> bool:
    """Whether the process is a worker reading forms: it has one of them open."""
    try:
        return any(os.readlink(fd).endswith(".xlsx") for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def _gone(pids: list[int], within: float = 10) -> bool:
    deadline = time.monotonic() + within
    while any(_state(pid) not in (None, "Z") for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_a_stopped_collection_ends_its_workers_and_writes_nothing(many, tmp_path, number):
    run, processes = _start_collect(many, tmp_path)
    run.send_signal(number)
    _out, err = run.communicate(timeout=60)
    assert run.returncode == 128 + number
    assert b"Traceback" not in err
    assert _gone(processes)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("threaded", [False, True], ids=["forked", "forkserver"])
def test_workers_end_when_the_collection_is_killed_outright(many, tmp_path, threaded):
    # SIGKILL leaves no chance to clean up: the workers must notice by themselves.
    run, processes = _start_collect(many, tmp_path, threaded=threaded)
    run.kill()
    run.communicate(timeout=60)
    try:
        assert _gone(processes)
    finally:
        for pid in processes:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def test_a_mistyped_command_line_exits_1(tmp_path):
    for args in (["collect"], ["collect", str(tmp_path), "--jobs", "0", "-o", str(tmp_path / "a.xlsx")],
                 ["template", "--no-such-option"]):
        done = subprocess.run([sys.executable, "-m", "sheetsync", *args], capture_output=True)
        assert done.returncode == 1, args
        assert b"Usage:" in done.stderr
    assert subprocess.run([sys.executable, "-m", "sheetsync", "--help"], capture_output=True).returncode == 0
