class InputFileError(ValueError):
    """Bad input: the message names the file, the line (or record) and the field."""

    def __init__(self, source: str, line: int | None, field_name: str | None, problem: str):
        self.source, self.line, self.field, self.problem = source, line, field_name, problem
        where = source + (f", line {line}" if line else "") + (f", field {field_name}" if field_name else "")
        super().__init__(f"{where}: {problem}")

    def as_dict(self) -> dict:
        return {"file": self.source, "line": self.line, "field": self.field, "problem": self.problem}
