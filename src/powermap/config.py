"""The user's settings file: where their own data files are and which spaCy pipeline to load.

One file, `$XDG_CONFIG_HOME/powermap/config.toml` (`~/.config/powermap/config.toml` when XDG_CONFIG_HOME
is unset), or the file `POWERMAP_CONFIG` names:

    data_dir = "~/powermap-data"   # like --data-dir; relative paths are read from the file's folder
    model = "en_core_web_trf"      # like --model

What is given on the command line wins, then the environment (`POWERMAP_DATA`, `POWERMAP_MODEL`), then
this file. `POWERMAP_GAZETTEER` adds its gazetteer folder whatever the data directory.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

from powermap.datafiles import DATA_ENV

CONFIG_ENV = "POWERMAP_CONFIG"
MODEL_ENV = "POWERMAP_MODEL"
KEYS = ("data_dir", "model")


class ConfigError(ValueError):
    """The settings file is unreadable or holds a bad entry; the message names the file and the fix."""


@dataclass(frozen=True)
class Config:
    path: Path
    data_dir: Path | None = None
    model: str | None = None


def config_path(environ: MutableMapping[str, str] = os.environ) -> Path:
    """The settings file to read: `POWERMAP_CONFIG`, else the user's XDG config folder."""
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV]).expanduser()
    base = Path(environ["XDG_CONFIG_HOME"]) if environ.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "powermap" / "config.toml"


def read(path: Path) -> Config:
    """The settings in `path` (none when there is no such file); ConfigError for a bad file or entry."""
    if not path.is_file():
        if path.exists():
            raise ConfigError(f"{path}: not a file; point {CONFIG_ENV} at a TOML file")
        return Config(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the line or remove the file") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError(f"{path}: {unknown[0]!r} is not a setting (the settings are {', '.join(KEYS)})")
    for key, value in data.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{path}: {key} must be a non-empty string in quotes, e.g. {key} = \"...\"")
    data_dir = None
    if "data_dir" in data:
        data_dir = Path(data["data_dir"]).expanduser()
        data_dir = data_dir if data_dir.is_absolute() else path.parent / data_dir
        if not data_dir.is_dir():
            raise ConfigError(f"{path}: data_dir {data_dir}: no such folder; create it or correct the path")
    return Config(path, data_dir, data.get("model"))


def apply(environ: MutableMapping[str, str] = os.environ) -> Config:
    """Fill in from the settings file what neither the command line nor the environment set (the command
    line sets the environment first), so that worker processes inherit it."""
    found = read(config_path(environ))
    if found.data_dir is not None and not environ.get(DATA_ENV):
        environ[DATA_ENV] = str(found.data_dir)
    if found.model is not None and not environ.get(MODEL_ENV):
        environ[MODEL_ENV] = found.model
    return found
