"""Progress and cancel for long core operations, with no GUI dependency.

Core functions take ``progress: Progress | None = None``. The Processing provider passes an
adapter around ``QgsProcessingFeedback``, the CLI a tqdm bar, tests a plain :class:`Progress`.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import Canceled


class Progress:
    """Report fractions of work done and check for cancellation.

    Parameters
    ----------
    callback
        Called as ``callback(percent, message)`` with percent in 0–100.
    is_canceled
        Returns True when the user asked to stop.
    log
        Called with informational messages and warnings for the user.
    """

    def __init__(
        self,
        callback: Callable[[float, str], None] | None = None,
        is_canceled: Callable[[], bool] | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self._callback = callback
        self._is_canceled = is_canceled
        self._log = log
        self._start = 0.0
        self._span = 100.0

    def report(self, fraction: float, message: str = "") -> None:
        """Report ``fraction`` (0–1) of the current step; raise :class:`Canceled` if asked to stop."""
        self.check()
        if self._callback is not None:
            pct = self._start + self._span * min(max(fraction, 0.0), 1.0)
            self._callback(pct, message)

    def check(self) -> None:
        """Raise :class:`Canceled` when the user canceled."""
        if self._is_canceled is not None and self._is_canceled():
            raise Canceled()

    def step(self, start: float, end: float) -> Progress:
        """Return a child progress mapping 0–1 onto ``start``–``end`` (fractions) of this one."""
        child = Progress(self._callback, self._is_canceled, self._log)
        child._start = self._start + self._span * start
        child._span = self._span * (end - start)
        return child

    def info(self, message: str) -> None:
        """Pass a message (a note or a warning) without moving the bar."""
        if self._log is not None:
            self._log(message)


def ensure(progress: Progress | None) -> Progress:
    """Return ``progress`` or a silent :class:`Progress`."""
    return progress if progress is not None else Progress()
