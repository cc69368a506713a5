"""The ``sheetsync`` command line: parse arguments, call the library, report.

Only this module imports Typer. Library errors (:class:`SheetsyncError`) become one line on
stderr and exit code 1.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import SheetsyncError
from .model import BUDGET_YEARS, SUPERSEDED, readable_path, readable_text

app = typer.Typer(
    help="生成、收集、汇总项目支出绩效目标表。Generate, collect and consolidate 项目支出绩效目标表 workbooks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Force = Annotated[bool, typer.Option("--force", help="Overwrite outputs that already exist.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the issues as JSON records instead of a table.")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"错误：{readable_text(message)}", err=True)
    return typer.Exit(1)


def _shown(path: Path) -> str:
    return readable_path(str(path))


def _print_issues(records: list[dict], as_json: bool) -> None:
    from .headers import load_headers

    if as_json:
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if not records:
        return
    severity = load_headers().severity
    for r in records:
        where = " ".join(x for x in (r["file"], r["sheet"], r["cell"]) if x)
        superseded = ""
        if r[SUPERSEDED]:
            used = r["used_instead"]
            superseded = (f"（未采用的副本，采用的是 {used['file']} {used['sheet']}）" if used
                          else "（未采用的副本，已被另一份副本取代）")
        typer.echo(f"{severity(r['severity'])}  {where}  [{r['code']}] {r['message']}{superseded}")


def _show_progress(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


@app.command()
def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="Workbook to write (without --roster) or folder for one workbook per unit (with --roster).")],
    roster: Annotated[Optional[Path], typer.Option("--roster", readable=False, help="CSV or workbook (XLSX, XLS, ODS, .et) with 预算单位 and 项目名称 (项目编码 and both amounts optional).")] = None,
    year: Annotated[Optional[int], typer.Option("--year", min=BUDGET_YEARS.start, max=BUDGET_YEARS.stop - 1, help="Budget year printed on the form; defaults to next year.")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="Budget unit (预算单位) to prefill, without --roster.")] = None,
    count: Annotated[Optional[int], typer.Option("--count", min=1, max=500, help="Number of blank project sheets (default 1), without --roster.")] = None,
    framework: Annotated[Optional[str], typer.Option("--framework", help="Indicator tree: dongguan, 2020 or 2021 (default: the form's own).")] = None,
    password: Annotated[Optional[str], typer.Option("--password", help="Protect the sheets with this password (default: no password).")] = None,
    form: Annotated[str, typer.Option("--form", help="Form spec in templates/.")] = "dongguan_approval",
    force: Force = False,
) -> None:
    """Write blank, protected and validated template workbooks.

    Examples:

        sheetsync template -o 绩效目标表.xlsx --year 2026 --unit 东莞市某局 --count 5

        sheetsync template --roster examples/roster.csv --year 2021 -o templates_out/
    """
    from . import template as templates

    if roster is not None and (unit is not None or count is not None):
        raise _fail("--unit 和 --count 只用于不带 --roster 的模板；带 --roster 时，单位和项目由名单给出。")
    if roster is not None and output.suffix.lower() == ".xlsx":
        raise _fail(f"带 --roster 时，-o 应是文件夹（每个单位写一个工作簿），不是工作簿（{output}）。")
    try:
        if roster is None:
            paths = [templates.write_template(output, year=year, unit=unit or "", count=count or 1, framework=framework,
                                              password=password, form=form, force=force)]
        else:
            paths = templates.write_templates_from_roster(roster, output, year=year, framework=framework,
                                                          password=password, form=form, force=force)
    except SheetsyncError as exc:
        raise _fail(str(exc)) from exc
    for path in paths:
        typer.echo(_shown(path))
    typer.echo(f"已写出{len(paths)}个工作簿", err=True)


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="Workbooks or folders to check.", readable=False)],
    as_json: AsJson = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
) -> None:
    """Check filled workbooks and list every problem by file, sheet and cell; exit 1 on errors.

    Examples:

        sheetsync check 收回/财务科.xlsx

        sheetsync check 收回/ --json > issues.json
    """
    from .collect import collect
    from .status import issue_records

    try:
        collection = collect([str(f) for f in files], jobs=jobs)
    except SheetsyncError as exc:
        raise _fail(str(exc)) from exc
    records = issue_records(collection)
    _print_issues(records, as_json)
    if not as_json:
        typer.echo(collection.summary_line(collection.file_count), err=True)
    if collection.error_count:
        raise typer.Exit(1)


@app.command()
def collect(
    paths: Annotated[list[Path], typer.Argument(help="Workbooks or folders (searched recursively).", readable=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="Summary workbook to write (.xlsx).")],
    roster: Annotated[Optional[Path], typer.Option("--roster", readable=False, help="Roster to mark submissions against (adds the 提交情况 sheet).")] = None,
    csv_dir: Annotated[Optional[Path], typer.Option("--csv", help="Also write projects.csv, indicators.csv and issues.csv here.")] = None,
    parquet_dir: Annotated[Optional[Path], typer.Option("--parquet", help="Also write the tables as Parquet files here.")] = None,
    sqlite_file: Annotated[Optional[Path], typer.Option("--sqlite", help="Also write the tables into this SQLite database.")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Worker processes (default: number of cores).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    force: Force = False,
) -> None:
    """Read filled workbooks into one summary workbook (and CSV/Parquet/SQLite tables).

    Examples:

        sheetsync collect 收回/ -o 汇总.xlsx --roster roster.csv

        sheetsync collect a.xlsx b.xls c.ods -o summary.xlsx --csv tables/ --sqlite rounds.db
    """
    from . import exports, summary
    from .collect import require_inputs
    from .output import check_outputs, check_writable
    from .roster import read_roster
    from .status import roster_line

    try:
        check_writable(output, force)
        exports.check_exports(csv_dir=csv_dir, parquet_dir=parquet_dir, sqlite_file=sqlite_file, force=force)
        check_outputs(output, [str(p) for p in paths], roster=roster,
                      files=exports.export_files(csv_dir=csv_dir, parquet_dir=parquet_dir, sqlite_file=sqlite_file))
        require_inputs(paths)
        entries = read_roster(roster) if roster is not None else None
        collection = _collect_with_progress([str(p) for p in paths], jobs or os.cpu_count() or 1, quiet,
                                            exclude=[roster] if roster is not None else [])
        summary.write_summary(collection, output, roster=entries, force=force)
        if csv_dir is not None:
            exports.export_csv(collection, csv_dir, force=force)
        if parquet_dir is not None:
            exports.export_parquet(collection, parquet_dir, force=force)
        if sqlite_file is not None:
            exports.export_sqlite(collection, sqlite_file, force=force)
    except SheetsyncError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(collection.summary_line(collection.file_count))
    if entries is not None:
        typer.echo(roster_line(collection, entries))
    if collection.error_count:
        raise typer.Exit(1)


def _collect_with_progress(paths: list[str], jobs: int, quiet: bool, exclude: list[Path]):
    from .collect import collect as collect_files, expand_paths

    if not _show_progress(quiet):
        return collect_files(paths, jobs=jobs, exclude=exclude)
    files = expand_paths(paths, exclude=exclude)
    counts = {"forms": 0, "errors": 0}

    def label(_item: object) -> str:
        return f"{counts['forms']}张表，{counts['errors']}个错误"

    with typer.progressbar(length=len(files), label="读取中", item_show_func=label, show_pos=True,
                           file=sys.stderr) as bar:
        def on_file(forms: int, errors: int) -> None:
            counts["forms"] += forms
            counts["errors"] += errors
            bar.update(1)

        return collect_files(paths, jobs=jobs, on_file=on_file, exclude=exclude)


@app.command()
def feedback(
    paths: Annotated[list[Path], typer.Argument(help="Filled workbooks or folders.", readable=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the annotated copies.")],
    force: Force = False,
) -> None:
    """Write, for every input, an annotated copy to mail back: problem cells highlighted and commented.

    Examples:

        sheetsync feedback 收回/ -o 反馈/
    """
    from .feedback import write_feedback

    errors = 0

    def report(copy) -> None:
        nonlocal errors
        errors += copy.errors
        typer.echo(f"{_shown(copy.source)} -> {_shown(copy.path)}")
        if copy.note:
            typer.echo(f"说明：{copy.note}", err=True)

    try:
        written = write_feedback([str(p) for p in paths], output, force=force, on_copy=report)
    except SheetsyncError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"已写出{len(written)}个反馈文件，共{errors}个错误", err=True)
    if errors:
        raise typer.Exit(1)


@app.command("import-text")
def import_text(
    files: Annotated[list[Path], typer.Argument(help="Tab-separated text of published 批复表 forms.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the filled workbooks (one per budget unit).")],
    as_json: AsJson = False,
    force: Force = False,
) -> None:
    """Import the published text of approved forms into filled workbooks of our template.

    Examples:

        sheetsync import-text examples/seed_2021_dongguan_ccpit.txt -o forms/
    """
    from .importer import import_text_files
    from .status import issue_records

    try:
        collection, written = import_text_files([str(f) for f in files], output, force=force)
    except SheetsyncError as exc:
        raise _fail(str(exc)) from exc
    _print_issues(issue_records(collection), as_json)
    for path in written:
        typer.echo(_shown(path), err=as_json)
    typer.echo(collection.summary_line(len(files)), err=True)
    if collection.error_count:
        raise typer.Exit(1)


def main() -> None:
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is signal.SIG_DFL:  # not under nohup
            signal.signal(number, _stop)
    try:
        app()
    except SystemExit as exc:
        if exc.code == 2:  # Click's code for a mistyped command line; ours is 1 for every error
            raise SystemExit(1) from None
        raise


def _stop(number: int, _frame: object) -> None:
    """End the command on SIGTERM (kill, timeout) or SIGHUP (its terminal closed) as on Ctrl-C:
    unwinding removes the outputs half written and stops the worker processes."""
    raise SystemExit(128 + number)
