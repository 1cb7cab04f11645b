"""powermap: reads political news and opinion writing and reconstructs the power map it describes.

The Python API (importing powermap imports nothing heavy; spaCy loads on the first analysis):

- `powermap.analyze(text_or_path, *, model=None, title=None, date=None, ...) -> Document`
- `powermap.analyze_many(inputs, ...)`: a generator of Documents, and Problems for what could not be analysed
- `powermap.open_store(path) -> Corpus`: documents(), document(id), actors(), actor(id), edges(types=...,
  min_confidence=...), claims(top=...), search(q), problems(), frames()
- `Document.to_frames()`: a pandas DataFrame per layer, names beside ids (`pip install 'powermap[notebook]'`)
- errors: `powermap.errors` (PowermapError, InputError, EmptyInputError, AnalysisError, NotFoundError,
  MissingExtraError, ModelError, StoreError)
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Public name -> the module that defines it, imported when the name is first used.
_LAZY = {
    "analyze": "powermap.api",
    "analyze_many": "powermap.api",
    "open_store": "powermap.api",
    "Corpus": "powermap.api",
    "Document": "powermap.schema",
    "Problem": "powermap.schema",
    "SCHEMA_VERSION": "powermap.schema",
    "PowermapError": "powermap.errors",
    "InputError": "powermap.errors",
    "EmptyInputError": "powermap.errors",
    "AnalysisError": "powermap.errors",
    "NotFoundError": "powermap.errors",
    "MissingExtraError": "powermap.errors",
    "ModelError": "powermap.errors",
    "StoreError": "powermap.errors",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module 'powermap' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
