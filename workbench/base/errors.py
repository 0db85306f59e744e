"""Errors the domain raises for the analyst to read (never shown as tracebacks)."""


class WorkbenchError(Exception):
    """Base of every error meant for the analyst."""


class AnalysisError(WorkbenchError):
    """A file cannot be taken in: unreadable, truncated, hostile or not media."""


class ValidationError(WorkbenchError):
    """A field has a value the workbench refuses; the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class NotFoundError(WorkbenchError):
    """No record with that id."""


class ConflictError(WorkbenchError):
    """Somebody else changed the record since it was read (optimistic locking)."""


class Cancelled(WorkbenchError):
    """The analyst cancelled a long piece of work; nothing of it was kept."""
