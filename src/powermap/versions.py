"""What an analysis was made with: powermap and schema versions, the data files, the models, the spaCy pipeline.

The store keeps these per document, so that `analyze --reanalyse-changed` redoes the documents analysed
with anything else (a new gazetteer entry in the user's data folder, a retrained model, another spaCy
pipeline) and skips those analysed with the same. Files are compared by content (SHA-256), not by name
or time; a folder's digest is only recomputed when a file's size or time changed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from powermap import __version__, datafiles
from powermap.schema import SCHEMA_VERSION

MODELS: Path = Path(str(resources.files("powermap") / "models"))


DATA_FILES = ("*.yaml", "gazetteer/*.yaml")  # what the data loader reads of a data folder (datafiles)


def _listing(folder: Path, patterns: tuple[str, ...] = ("**/*",)) -> tuple[tuple[str, int, int], ...]:
    """The files of `folder` that match `patterns`, with their sizes and times."""
    found = []
    for path in sorted({p for pattern in patterns for p in folder.glob(pattern) if p.is_file()}):
        status = path.stat()
        found.append((path.relative_to(folder).as_posix(), status.st_size, status.st_mtime_ns))
    return tuple(found)


@lru_cache(maxsize=1024)
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    """A file's SHA-256 (16 hex digits), read again only when its size or time changes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def folder_digest(folder: Path | None, patterns: tuple[str, ...] = DATA_FILES) -> str | None:
    """The SHA-256 of the names and contents of a folder's data files (16 hex digits); None for no folder.
    Other files (the packaged evaluation sets, an editor's backup) change no analysis."""
    if folder is None or not folder.is_dir():
        return None
    digest = hashlib.sha256()
    for name, size, mtime_ns in _listing(folder, patterns):
        digest.update(f"{name}\0{_file_digest(folder / name, size, mtime_ns)}\0".encode())
    return digest.hexdigest()[:16]


def model_files() -> dict[str, str]:
    """Each packaged model file (the relation, technique and genre models, the embeddings) with its digest."""
    return {name: _file_digest(MODELS / name, size, mtime_ns)
            for name, size, mtime_ns in _listing(MODELS) if not name.endswith(".md")}


def spacy_pipeline(name: str | None = None) -> dict[str, str]:
    """The spaCy pipeline a run loads (`--model`, `POWERMAP_MODEL`, the settings file, the default) and its
    version from its `meta.json`, read without loading it."""
    from powermap.nlp import model_name

    resolved = model_name(name)
    spec = importlib.util.find_spec(resolved) if resolved.isidentifier() else None
    folder = Path(spec.origin).parent if spec is not None and spec.origin else Path(resolved)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        version = f"{meta['lang']}_{meta['name']} {meta['version']}"
    except (OSError, ValueError, KeyError, TypeError):
        version = "unknown"
    return {"name": resolved, "version": version}


def current(model: str | None = None) -> dict[str, Any]:
    """The versions an analysis started now would be made with."""
    user = datafiles.user_dir()
    gazetteer = os.environ.get(datafiles.GAZETTEER_ENV)
    return {"powermap": __version__, "schema": SCHEMA_VERSION,
            "data": {"packaged": folder_digest(Path(str(datafiles.PACKAGED))), "user": folder_digest(user),
                     "gazetteer": folder_digest(Path(gazetteer), ("*.yaml",)) if gazetteer else None},
            "models": model_files(), "spacy": spacy_pipeline(model)}


def digest(versions: dict[str, Any]) -> str:
    """One key for a set of versions: equal sets, equal keys."""
    return hashlib.sha256(json.dumps(versions, sort_keys=True).encode("utf-8")).hexdigest()[:16]
