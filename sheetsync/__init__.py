"""sheetsync: generate, collect and consolidate 项目支出绩效目标表 workbooks.

    >>> import sheetsync
    >>> result = sheetsync.collect(["收回/"])          # doctest: +SKIP
    >>> result.projects, result.indicators, result.issues  # doctest: +SKIP
"""

from .errors import SheetsyncError
from .model import Collection, Indicator, ProjectForm
from .spec import load_spec

__version__ = "0.1.0"

__all__ = [
    "Collection", "Indicator", "ProjectForm", "SheetsyncError", "collect", "import_text",
    "load_spec", "read_workbook", "write_template",
]


def __getattr__(name: str):
    # The entry points live in modules that import pandas and the Excel libraries; load them on use.
    if name == "collect":
        from .collect import collect
        return collect
    if name == "read_workbook":
        from .reader import read_workbook
        return read_workbook
    if name == "import_text":
        from .importer import import_text
        return import_text
    if name == "write_template":
        from .template import write_template
        return write_template
    raise AttributeError(name)
