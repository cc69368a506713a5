"""Every command has help text with examples and is documented in the README."""

from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from sheetsync.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(get_command(app).commands)


def test_there_are_commands():
    assert {"template", "check", "collect", "feedback", "import-text"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_examples(name):
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert f"sheetsync {name}" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented_in_the_readme(name):
    assert f"`sheetsync {name}" in README


def test_quickstart_has_exactly_two_commands():
    quickstart = README.split("## Quickstart", 1)[1].split("```", 2)[1]
    lines = [line for line in quickstart.splitlines()[1:] if line.strip()]
    assert len(lines) == 2
    assert "sheetsync collect examples/forms" in lines[0] and "pytest" in lines[1]


def test_python_m_sheetsync_runs():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "sheetsync", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "collect" in done.stdout
