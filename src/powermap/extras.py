"""Optional dependencies: which extra of `pip install 'powermap[...]'` brings which module, checked where used.

A core install (no extras) analyses, stores and exports CSV/JSONL; the web app, the Dask engine, Parquet and
DataFrames each need their extra, and say so in one line instead of a ModuleNotFoundError traceback.
"""

from __future__ import annotations

import importlib.util

from powermap.errors import MissingExtraError

EXTRAS: dict[str, tuple[str, ...]] = {
    "web": ("fastapi", "uvicorn", "jinja2"),
    "dask": ("dask", "distributed"),
    "parquet": ("pyarrow", "pandas"),
    "notebook": ("pandas",),
}


def missing(extra: str) -> list[str]:
    """The modules of `extra` that cannot be imported here."""
    return [module for module in EXTRAS[extra] if importlib.util.find_spec(module) is None]


def require(extra: str, feature: str) -> None:
    """Raise MissingExtraError naming the install command when `feature` cannot run without `extra`."""
    absent = missing(extra)
    if absent:
        raise MissingExtraError(f"{feature} needs {', '.join(absent)}, which is not installed: "
                                f"pip install 'powermap[{extra}]'")
