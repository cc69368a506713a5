"""The few exceptions sheetsync raises: only for "cannot go on".

Problems inside a filled workbook are never raised; they are :class:`sheetsync.issues.Issue`
records.
"""


class SheetsyncError(Exception):
    """Base class: the CLI turns it into one line of error and exit code 1."""


class SpecError(SheetsyncError):
    """A form spec in templates/ is missing or malformed."""


class RosterError(SheetsyncError):
    """The roster cannot be used; the message names the row and column."""


class OutputExistsError(SheetsyncError):
    """The output exists and --force was not given."""


class OutputError(SheetsyncError):
    """An output cannot be written there (a folder in the way, no permission, no such place)."""


class WriteError(OutputError):
    """The system refused to write an output (a full disk, a read-only folder): its path and why."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"无法写入 {path}：{reason}")
        self.path = path
        self.reason = reason


class InputError(SheetsyncError):
    """The inputs hold nothing to work on (no workbook in the folders given)."""


class TemplateError(SheetsyncError):
    """A template cannot be made as asked: XlsxWriter rejected part of it (a write, merge or
    validation), or what it should hold does not fit the form (no sheets, an unknown period)."""
