"""The exceptions of the Python API, one class per kind of mistake, each message ending with the fix.

Everything here is cheap to import: `ModelError` (defined beside the spaCy loading in `powermap.nlp`) and
`StoreError` (in `powermap.corpus.store`) are the existing classes, reached on first use so that importing
this module does not import spaCy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from powermap.schema import Problem


class PowermapError(Exception):
    """Anything the API refuses; `problem` is the record a batch would have stored instead, when there is one."""

    def __init__(self, message: str, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem


class InputError(PowermapError, ValueError):
    """The input cannot be read as a document: a missing path, a binary or undecodable file, a wrong type."""


class EmptyInputError(InputError):
    """The input holds no text to analyse (an empty string or file, or nothing left after cleaning)."""


class AnalysisError(PowermapError):
    """A stage without which nothing else means anything failed on this document (parse, a timeout)."""


class NotFoundError(PowermapError, LookupError):
    """A store holds no document or actor with this id."""


class MissingExtraError(PowermapError, ImportError):
    """An optional feature was used without its optional dependencies installed."""


_ELSEWHERE = {"ModelError": "powermap.nlp", "StoreError": "powermap.corpus.store"}


def __getattr__(name: str) -> Any:
    """The existing ModelError and StoreError, imported only when they are asked for."""
    if name in _ELSEWHERE:
        import importlib

        return getattr(importlib.import_module(_ELSEWHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
