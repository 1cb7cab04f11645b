"""The network page's graph library, vis-network (Apache-2.0 or MIT), found where the PyPI package `pyvis`
(BSD) installed its standalone build. Only those two files are served: pyvis's Python API and templates are
not used, nothing is copied into this repository and nothing is fetched at run time."""

from __future__ import annotations

import importlib.util
from pathlib import Path

VIS_NETWORK = Path("lib") / "vis-9.1.2"  # inside the pyvis package
FILES = {"vis-network.min.js": "text/javascript", "vis-network.css": "text/css"}


class LibraryMissing(RuntimeError):
    """The graph library's files are not installed; the message says how to install them."""


def library_file(name: str) -> Path:
    """The path of one of vis-network's files (`FILES`) in the installed pyvis package."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or spec.origin is None:
        raise LibraryMissing("the interactive network needs the pyvis package: pip install pyvis")
    path = Path(spec.origin).parent / VIS_NETWORK / name
    if not path.is_file():
        raise LibraryMissing(f"{path} is missing: reinstall pyvis (pip install --force-reinstall pyvis)")
    return path
