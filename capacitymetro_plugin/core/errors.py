"""Errors the user can act on, in English and Italian.

Every error names the input, what is wrong and what to do. The Processing provider, the dock and
the command line show :meth:`CapaCityMetroError.localized` in the user's language.
"""

from __future__ import annotations


class CapaCityMetroError(Exception):
    """Base error: a message and a fix, each in English and (optionally) Italian.

    Parameters
    ----------
    message
        What is wrong, naming the input (English).
    fix
        What the user should do (English).
    it, fix_it
        The same in Italian; English is used where they are empty.
    """

    def __init__(self, message: str, *, fix: str = "", it: str = "", fix_it: str = "") -> None:
        self.message = message
        self.fix = fix
        self.message_it = it or message
        self.fix_it = fix_it or fix
        super().__init__(self.localized("en"))

    def localized(self, language: str = "en") -> str:
        """Return message and fix in ``language`` ("it" for Italian, anything else English)."""
        if language.lower().startswith("it"):
            text, fix = self.message_it, self.fix_it
        else:
            text, fix = self.message, self.fix
        return f"{text} {fix}".strip() if fix else text


class InputError(CapaCityMetroError):
    """An input (file, layer, field, parameter) is missing, malformed or inconsistent."""


class CrsError(InputError):
    """A layer has no CRS, or a CRS that does not fit the operation."""


class ValidationError(InputError):
    """Records failed validation; ``report`` holds the rows/fields/reasons."""

    def __init__(self, message: str, *, report=None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.report = report


class NetworkError(InputError):
    """A network cannot be built or used (empty, disconnected, bad speeds, points off it)."""


class DataUnavailableError(CapaCityMetroError):
    """Data is neither in a local directory nor downloadable (offline)."""


class Canceled(CapaCityMetroError):
    """The user canceled a long operation; nothing was written."""

    def __init__(self) -> None:
        super().__init__("Canceled by the user.", it="Annullato dall'utente.")
