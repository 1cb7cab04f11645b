"""Text from inputs made safe to print: no escape sequence, line break or direction override from an
article or a file name reaches the terminal as itself (a name with a newline could forge an `ok` line).

Also where a reading command's output goes: a rich table on a terminal, tab-separated lines when piped
(no column cut to a width nobody asked for), and JSON Lines or CSV for machines."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
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


# Widest line a piped summary is laid out in, and the narrowest (a rule has no width of its own).
PIPE_WIDTH_LIMIT = 4000
PIPE_WIDTH_FLOOR = 80


class PipeConsole(Console):
    """A console for output that is not a terminal: each renderable is laid out as wide as its content
    needs (up to PIPE_WIDTH_LIMIT), so a name in a table comes out whole instead of cut to 80 columns."""

    def __init__(self, **options: Any) -> None:
        super().__init__(width=PIPE_WIDTH_LIMIT, **options)

    def print(self, *objects: Any, **options: Any) -> None:
        if "width" in options or not objects:
            super().print(*objects, **options)
            return
        natural = max(Measurement.get(self, self.options, item).maximum for item in objects)
        super().print(*objects, width=max(PIPE_WIDTH_FLOOR, min(natural, PIPE_WIDTH_LIMIT)), **options)


def output_console(file: TextIO | None = None) -> Console:
    """The console for a command's output: the terminal's own width on a terminal, else a PipeConsole."""
    console = Console(file=file)
    return console if console.is_terminal else PipeConsole(file=file)


FORMATS = ("table", "json", "csv")


def _flat(value: Any) -> Any:
    """A CSV cell: lists and mappings as JSON (a list joined with spaces cannot be split back)."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def write_records(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str, file: TextIO | None = None,
                  safe: Callable[[dict[str, Any]], dict[str, Any]] = dict) -> None:
    """Machine output of one reading command: `json` is JSON Lines (one object a line, lists kept as
    lists), `csv` a header and one row each (lists as JSON text, each row passed through `safe`)."""
    out = file or sys.stdout
    if fmt == "json":
        for row in rows:
            out.write(json.dumps({column: row.get(column) for column in columns}, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(safe({column: _flat(row.get(column)) for column in columns}))


def print_table(title: str, headers: Sequence[str], rows: Iterable[Sequence[str]], right: Iterable[str] = (),
                ratios: dict[str, int] | None = None, file: TextIO | None = None) -> None:
    """A table for people: rich on a terminal; piped, the header and rows as tab-separated lines, every
    cell whole and escaped (a tab or newline in a name cannot shift a column), the title on stderr."""
    out = file or sys.stdout
    if not Console(file=out).is_terminal:
        print(title, file=sys.stderr)
        out.write("\t".join(headers) + "\n")
        for row in rows:
            out.write("\t".join(one_line(value) for value in row) + "\n")
        return
    table = Table(title=one_line(title))
    for header in headers:
        table.add_column(header, justify="right" if header in set(right) else "left",
                         ratio=(ratios or {}).get(header))
    for row in rows:
        table.add_row(*(cell(value) for value in row))
    Console(file=out).print(table)
