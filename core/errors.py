"""Domain errors every layer raises and the web layer answers: services and selectors raise these (or Django's
ValidationError and PermissionDenied), never HTTP responses; core.middleware and core.web map them to 404/400."""
from __future__ import annotations


class InputFileError(ValueError):
    """Bad input: the message names the file, the line (or record) and the field."""

    def __init__(self, source: str, line: int | None, field_name: str | None, problem: str):
        self.source, self.line, self.field, self.problem = source, line, field_name, problem
        where = source + (f", line {line}" if line else "") + (f", field {field_name}" if field_name else "")
        super().__init__(f"{where}: {problem}")

    def as_dict(self) -> dict:
        return {"file": self.source, "line": self.line, "field": self.field, "problem": self.problem}

    def naming_file(self, name: str) -> InputFileError:
        """The same error naming the file as the user knows it (an upload is stored under a path of ours)."""
        return type(self)(name, self.line, self.field, self.problem)  # the same kind (an UploadNotStored stays one)


class NotFound(LookupError):
    """What was asked for does not exist, or is not the asker's to know of (the web answers 404 either way)."""


class QuotaExceeded(Exception):
    """The user has read as much patient data today as a quota allows (the web answers 429)."""
