"""Where a trained model is read from: the file installed with the package, or one the caller names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


@contextmanager
def model_file(installed: Traversable, path: Path | None, kind: str, missing: type[Exception],
               fix: str) -> Iterator[Path]:
    """The model's file as a real path while open; no file raises `missing`, naming the command that trains one."""
    with resources.as_file(installed) if path is None else nullcontext(path) as real:
        if not Path(real).is_file():
            raise missing(f"no {kind} model at {real}: train one with {fix}")
        yield Path(real)
