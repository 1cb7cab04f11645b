"""Text from inputs made safe to print: no escape sequence, line break or direction override from an
article or a file name reaches the terminal as itself (a name with a newline could forge an `ok` line)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from powermap.ingest.decode import escaped

_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}
_CONTROLS = [*range(0x20), 0x7F, *range(0x80, 0xA0)]
_DIRECTION = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_LINE = str.maketrans({c: _NAMED.get(c, f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _CONTROLS + _DIRECTION})
_BLOCK = str.maketrans({c: f"\\x{c:02x}" for c in _CONTROLS if c not in (0x09, 0x0A)})


def one_line(text: str) -> str:
    """For status lines, names and table cells: every control and direction character escaped."""
    return escaped(text).translate(_LINE)


def block(text: str) -> str:
    """For body text: line breaks and tabs kept for the layout, every other control character escaped."""
    return escaped(text).translate(_BLOCK)


def cell(text: str, style: str = "") -> Text:
    """A table cell or title from document data: escaped, and never read as rich markup."""
    return Text(one_line(text), style=style)


class SafeConsole(Console):
    """A console whose plain-string lines are printed with `one_line`: status lines name inputs, and a
    name with a newline or an escape sequence must not forge a line or drive the terminal."""

    def print(self, *objects: Any, **options: Any) -> None:
        super().print(*(one_line(o) if isinstance(o, str) else o for o in objects), **options)
