"""sheetsync: generate, collect and consolidate 项目支出绩效目标表 workbooks.

    >>> import sheetsync
    >>> result = sheetsync.collect(["收回/"])                  # doctest: +SKIP
    >>> result.projects, result.indicators, result.issues    # doctest: +SKIP
"""

from .collect import collect
from .errors import SheetsyncError
from .importer import import_text
from .model import Collection, Indicator, ProjectForm
from .reader import read_workbook
from .spec import load_spec
from .template import write_template

__version__ = "0.1.0"

__all__ = [
    "Collection", "Indicator", "ProjectForm", "SheetsyncError", "collect", "import_text",
    "load_spec", "read_workbook", "write_template",
]
