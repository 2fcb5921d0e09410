"""The one error type of newssite: a problem a reporter can act on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


class NewssiteError(Exception):
    """A content, config or theme problem, located by file, line and field."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.field = field

    def __str__(self) -> str:
        return format_problem(self)

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path or "", self.line or 0, self.field or "", self.message)


class UsageError(Exception):
    """Wrong use of the command line or of the output folder (exit code 2)."""


def format_problem(error: NewssiteError) -> str:
    """`path:LINE: field: message`, leaving out the parts that are not known."""
    location = error.path or ""
    if error.path and error.line:
        location += f":{error.line}"
    parts = [part for part in (location, error.field) if part]
    return ": ".join([*parts, error.message])


def raise_all(problems: Sequence[NewssiteError], summary: str = "the build failed") -> None:
    """Raise every collected problem at once, sorted by file and line."""
    if problems:
        ordered = sorted(problems, key=NewssiteError.sort_key)
        raise ExceptionGroup(summary, ordered)


def problems_of(group: BaseException) -> list[NewssiteError]:
    """The NewssiteErrors inside an exception or (nested) exception group."""
    if isinstance(group, NewssiteError):
        return [group]
    if isinstance(group, BaseExceptionGroup):
        found: list[NewssiteError] = []
        for inner in group.exceptions:
            found.extend(problems_of(inner))
        return found
    return []


def is_content_failure(error: BaseException) -> bool:
    """True when an exception (group) holds only NewssiteErrors, i.e. not our bug."""
    if isinstance(error, NewssiteError):
        return True
    if isinstance(error, BaseExceptionGroup):
        return all(is_content_failure(inner) for inner in error.exceptions)
    return False


def merge(groups: Iterable[Sequence[NewssiteError]]) -> list[NewssiteError]:
    return [problem for group in groups for problem in group]
