"""The build's progress bar on a terminal; nothing at all in CI or when output is redirected.

The pipeline never prints: `build()` calls `BuildOptions.progress(stage, done, total)` at
the start of each stage, and this display (used only by cli.py) draws it with rich. The
bar appears only once a build has run for `delay` seconds, so small builds stay quiet.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

SHOW_AFTER_SECONDS = 0.4
_CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL", "TF_BUILD")


def wants_progress(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """A progress bar only for a person at a terminal: a TTY, not CI, not TERM=dumb."""
    environ = os.environ if environ is None else environ
    if any(environ.get(name) for name in _CI_VARIABLES) or environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class BuildProgress:
    """A callable for BuildOptions.progress that draws a transient bar of the build's stages."""

    def __init__(
        self, stream: TextIO, *, delay: float = SHOW_AFTER_SECONDS, enabled: bool | None = None
    ) -> None:
        self.enabled = wants_progress(stream) if enabled is None else enabled
        self.stream = stream
        self.delay = delay
        self._lock = threading.Lock()
        self._state: tuple[str, int, int] | None = None
        self._timer: threading.Timer | None = None
        self._display: Progress | None = None
        self._task: TaskID | None = None
        self._closed = False
        self.shown = False  # whether the bar was drawn at all

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        with self._lock:
            if self._closed:
                return
            self._state = (stage, done, total)
            if self._display is not None:
                self._update()
            elif self._timer is None:
                self._timer = threading.Timer(self.delay, self._show)
                self._timer.daemon = True
                self._timer.start()

    def _show(self) -> None:
        # rich is imported only when a bar is drawn: CI builds do not pay for it.
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        with self._lock:
            if self._closed or self._state is None:
                return
            console = Console(file=self.stream, force_terminal=True)
            self._display = Progress(
                TextColumn("[bold]Building[/bold] {task.description:<8}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total} stages"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._task = self._display.add_task("", total=self._state[2])
            self._display.start()
            self.shown = True
            self._update()

    def _update(self) -> None:
        assert self._display is not None and self._task is not None and self._state is not None
        stage, done, total = self._state
        self._display.update(self._task, description=stage, completed=done, total=total)
        self._display.refresh()

    def close(self) -> None:
        """Stop the timer and clear the bar, so the summary that follows stands alone."""
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            display, self._display = self._display, None
        if display is not None:
            display.stop()
