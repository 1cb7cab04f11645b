"""The `powermap` command: thin, options in, calls out.

Imports are light: spaCy, the pipeline, the store, pandas and the web app are imported inside the
commands that need them, so `--help`, completion and usage errors answer at once."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing, contextmanager
from enum import Enum
from functools import cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, TextIO

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from powermap import __version__
from powermap.ontology import RELATION_TYPES

try:  # typer 0.2x carries its own copy of click; older releases use click itself
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as click_errors  # type: ignore[no-redef]

if TYPE_CHECKING:
    from powermap.corpus.store import Store
    from powermap.ingest import Limits
    from powermap.schema import Problem


class OneLineErrors(TyperGroup):
    """Usage mistakes (a bad option value, a missing argument) are one line on stderr and exit 2, the way
    every other refusal of powermap reads, instead of a boxed usage screen."""

    def main(self, *args: Any, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **extra)
        try:
            code = super().main(*args, standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError as exc:
            typer.echo(exc.format_message())
            sys.exit(exc.exit_code)
        except click_errors.UsageError as exc:
            where = f"; see {exc.ctx.command_path} --help" if exc.ctx is not None else ""
            message = " ".join(exc.format_message().replace("Value error, ", "").split())  # pydantic's prefix
            typer.echo(f"powermap: {message}{where}", err=True)
            sys.exit(exc.exit_code)
        except click_errors.ClickException as exc:
            typer.echo(f"powermap: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("powermap: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(cls=OneLineErrors, add_completion=True, no_args_is_help=True,
                  help="Reads political news and opinion writing and reconstructs the power map it describes.")


@cache
def _stderr_console() -> Any:
    from powermap.terminal import SafeConsole

    return SafeConsole(stderr=True, highlight=False)  # names and messages from inputs printed escaped


class _LazyConsole:
    """The stderr console, built on first use (rich and the ingest helpers are not needed for `--help`)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_stderr_console(), name)


err: Any = _LazyConsole()


def iso_date(value: str) -> str:
    """`--since`/`--until`: an ISO date at any precision (YYYY, YYYY-MM, YYYY-MM-DD); `yesterday` or
    `2024-13` is a usage error naming the forms."""
    from powermap.dates import bounds

    try:
        bounds(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


# The ontology's list of relation types as a choice (typer reads an Enum in a list option, not a Literal).
RelationType = Enum("RelationType", {name: name for name in RELATION_TYPES}, type=str)  # type: ignore[misc]
TYPE_HELP = f"Only these relation types (repeatable, any case): {', '.join(RELATION_TYPES)}."
OutputFormat = Literal["table", "json", "csv"]
OUTPUT_FORMAT_HELP = "table (tab-separated when piped), json (JSON Lines: one object a line) or csv."


def _version(value: bool) -> None:
    if value:
        typer.echo(f"powermap {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    """Reads political news and opinion writing and reconstructs the power map it describes."""


def _same_file(first: Path, second: Path) -> bool:
    try:
        if first.exists() and second.exists():
            return os.path.samefile(first, second)
    except OSError:
        pass
    return first.resolve() == second.resolve()


def _read_by_walk(path: Path, folder: Path) -> bool:
    """Whether reading `folder` recursively would read `path` (hidden entries are skipped)."""
    if not folder.is_dir() or not path.resolve().is_relative_to(folder.resolve()):
        return False
    return not any(part.startswith(".") for part in path.resolve().relative_to(folder.resolve()).parts)


def refuse_overwrites(inputs: Iterable[str | Path], files: dict[str, Path | None],
                      folders: dict[str, Path | None] | None = None, store: Path | None = None) -> None:
    """Exit 2 before anything is opened for writing when an output would destroy an input or the store.

    `files` maps an option to the file it writes, `folders` to a folder it writes into. An output file may
    not be an input, the store or another output, nor lie in an input folder (it would be read as input);
    an output folder may not hold an input, the store or an output file, nor lie in an input folder. The
    store itself may not be an input file (inside an input folder it is only refused as input, not harmed)."""
    sources = [Path(item) for item in inputs if str(item) != "-"]
    named = [(option, path) for option, path in files.items() if path is not None]
    kept = [*named, *([("--db", store)] if store is not None else [])]
    problem = None
    for index, (option, path) in enumerate(kept):
        for source in sources:
            if _same_file(path, source):
                problem = f"{option} {path} is also an input: writing it would destroy it"
            elif option != "--db" and _read_by_walk(path, source):
                problem = f"{option} {path} is inside the input folder {source}: it would be read as input"
        for other_option, other in kept[index + 1:]:
            if _same_file(path, other):
                problem = f"{option} and {other_option} name the same file {path}"
    for option, folder in (folders or {}).items():
        if folder is None:
            continue
        for source in sources:
            if _same_file(folder, source) or _read_by_walk(source, folder):
                problem = f"{option} {folder} holds the input {source}: writing there could destroy it"
            elif _read_by_walk(folder, source):
                problem = f"{option} {folder} is inside the input folder {source}: it would be read as input"
        for other_option, other in kept:
            if _same_file(folder, other) or _read_by_walk(other, folder):
                problem = f"{option} {folder} holds {other_option} {other}"
    if problem:
        err.print(f"powermap: {problem}; choose another path", markup=False, soft_wrap=True)
        raise typer.Exit(2)


@app.command()
def analyze(
    paths: Annotated[list[str], typer.Argument(help="Files (read whatever their name), directories (recursive: the "
                                                    "files --glob matches) or - for stdin.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write documents as JSONL to this file (- for "
                                                "stdout, the default when there is no --db).")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="Store documents in this SQLite file.")] = None,
    errors: Annotated[Path | None, typer.Option("--errors", help="Write error records as JSONL.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="spaCy pipeline name.")] = None,
    max_chars: Annotated[int, typer.Option(help="Largest clean text analysed.", min=1)] = 1_000_000,
    max_bytes: Annotated[int, typer.Option(help="Largest input document read.", min=1)] = 50_000_000,
    max_archive_bytes: Annotated[int, typer.Option(help="Most bytes one compressed archive may expand to.",
                                                   min=1)] = 5_000_000_000,
    max_docs: Annotated[int | None, typer.Option(help="Stop after this many documents.", min=1)] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-analyse documents already stored.")] = False,
    workers: Annotated[int, typer.Option("--workers", "-w", help="Worker processes.", min=1)] = 1,
    engine: Annotated[Literal["local", "dask"], typer.Option(
        case_sensitive=False, help="local, or dask (writes --out-dir).")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address; default a LocalCluster.")] = None,
    out_dir: Annotated[Path | None, typer.Option(help="Dask engine: folder for the partitioned results.")] = None,
    fmt: Annotated[Literal["jsonl", "parquet"], typer.Option(
        "--format", case_sensitive=False, help="Dask engine: jsonl or parquet.")] = "jsonl",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds one document may take before it is recorded as failed "
                                                "(local engine).", min=0.01)] = 120.0,
    data_dir: Annotated[Path | None, typer.Option(help="A folder of your own data files (gazetteer/, triggers.yaml, "
                                                       "cues.yaml, ...), added to the packaged ones.")] = None,
    globs: Annotated[list[str] | None, typer.Option(
        "--glob", help="Which files of a directory to read (repeatable; default: "
                       "*.txt *.text *.html *.htm *.xhtml *.warc *.warc.gz *.arc.gz *.jsonl *.ndjson *.json).")] = None,
    reanalyse_changed: Annotated[bool, typer.Option(
        "--reanalyse-changed", help="With --db: also re-analyse stored documents that were analysed with other "
                                    "data files, models or spaCy pipeline than now.")] = False,
) -> None:
    """Analyse articles; exit 0 if every document succeeded, 1 if any failed (also spelt `analyse`)."""
    from powermap import config, versions
    from powermap.engines.local import Settings
    from powermap.ingest import ARTICLE_GLOBS, Limits, count_documents, read_sources

    to_stdout = str(output) == "-" or (output is None and db is None and engine == "local")
    output = None if str(output) == "-" else output
    _refuse_engine_options(engine, fmt, out_dir)
    refuse_overwrites(paths, {"-o": output, "--errors": errors}, {"--out-dir": out_dir}, store=db)
    for option, target in (("-o", output), ("--errors", errors), ("--db", db)):
        refuse_unwritable(option, target)
    if reanalyse_changed and (db is None or engine != "local"):
        _usage_error("--reanalyse-changed compares with what a store recorded: give --db STORE (local engine; "
                     "load a Dask run with `powermap load --force`)")
    _use_data_dir(data_dir)
    # The pipeline named on the command line, else in POWERMAP_MODEL, where _use_data_dir put the settings file's.
    settings = Settings(model=model or os.environ.get(config.MODEL_ENV) or None, max_chars=max_chars, timeout=timeout)
    limits = Limits(max_bytes=max_bytes, max_chars=max_chars, max_archive_bytes=max_archive_bytes)
    article_globs = tuple(globs or ARTICLE_GLOBS)
    _say_unread(paths, article_globs, quiet)
    if engine == "dask":
        _analyze_on_dask(paths, settings, limits, scheduler, workers, out_dir, fmt, quiet, article_globs)
        return
    from powermap.corpus.store import Store, StoreError
    from powermap.engines.local import Interrupted, _pipeline, run
    from powermap.nlp import ModelError

    with ExitStack() as stack:
        try:
            store = stack.enter_context(Store(db)) if db else None
            if workers == 1:
                _pipeline(settings)  # load the model now, so that a missing one is a clear error
        except (StoreError, ModelError) as exc:
            err.print(f"powermap: {exc}", markup=False)
            raise typer.Exit(1) from exc
        out = sys.stdout if to_stdout else stack.enter_context(_open_output("-o", output)) if output else None
        error_file = stack.enter_context(_open_output("--errors", errors)) if errors else None
        sink = Sink(store, out, error_file, quiet, force)
        sink.versions, sink.changed = versions.current(settings.model), reanalyse_changed
        progress = None if quiet or not err.is_terminal else stack.enter_context(_progress())
        total = count_documents(paths, article_globs) if progress else None
        task = progress.add_task("analysing", total=total, tokens=0, failed=0) if progress else None
        sink.on_done = (lambda tokens: progress.update(task, advance=1, tokens=sink.tokens,
                                                        failed=sink.counts["failed"])) if progress else None
        sources = read_sources(paths, limits, article_globs)
        sources = islice(sources, max_docs) if max_docs else sources
        try:
            with closing(run(sink.fresh(sources), settings, workers)) as results:
                for result in results:
                    sink.take(result)
        except ModelError as exc:
            err.print(f"powermap: {exc}", markup=False)
            raise typer.Exit(1) from exc
        except Interrupted as exc:
            err.print(f"powermap: {exc} after {sink.counts['analysed']} analysed; what was stored stays: "
                      "run the same command again to finish", markup=False, soft_wrap=True)
            raise typer.Exit(128 + exc.number) from None
    if not quiet:
        err.print(", ".join(f"{n} {k}" for k, n in sink.counts.items()), markup=False)
    raise typer.Exit(1 if sink.counts["failed"] else 0)


app.command("analyse", hidden=True, help="The same as `analyze`.")(analyze)


def _say_unread(paths: list[str], globs: tuple[str, ...], quiet: bool) -> None:
    """One line naming the files of the input folders that are not read (not article files by name)."""
    from powermap.ingest import unread_files

    unread = [] if quiet else unread_files(paths, globs)
    if unread:
        shown = ", ".join(path.name for path in unread[:3]) + (", ..." if len(unread) > 3 else "")
        err.print(f"note: {len(unread)} files not read ({shown}): not article files by name; --glob PATTERN "
                  "reads them", markup=False, soft_wrap=True)


def _usage_error(message: str) -> NoReturn:
    """One line on stderr with the fix, exit 2: the user asked for something that cannot be done."""
    err.print(f"powermap: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(2)


def _refuse_engine_options(engine: str, fmt: str, out_dir: Path | None) -> None:
    """Options that only the Dask engine reads are refused on the local engine instead of being ignored."""
    if engine == "dask":
        return
    if fmt != "jsonl":
        _usage_error(f"--format {fmt} needs --engine dask --out-dir DIR (the local engine writes JSONL with -o, "
                     "or a store with --db; `powermap export` writes Parquet tables from a store)")
    if out_dir is not None:
        _usage_error("--out-dir needs --engine dask (the local engine writes -o FILE or --db STORE)")


def refuse_unwritable(option: str, path: Path | None) -> None:
    """Exit 2 before the model loads when an output cannot be created: its folder is missing or read-only,
    or the path is a folder."""
    if path is None:
        return
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        _usage_error(f"{option} {path} is a folder; name a file")
    if not folder.is_dir():
        _usage_error(f"{option} {path}: the folder {folder} does not exist; create it or choose another path")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        _usage_error(f"{option} {path}: not writable; choose another path")


@contextmanager
def _open_output(option: str, path: Path) -> Iterator[TextIO]:
    try:
        handle = path.open("w", encoding="utf-8")
    except OSError as exc:
        _usage_error(f"{option} {path}: cannot write: {exc.strerror or exc}; choose another path")
    with handle:
        yield handle


def _use_data_dir(data_dir: Path | None) -> None:
    """Point every data file at the user's folder (workers inherit it), else at the one of the environment or
    of the settings file (powermap.config), and check them all now: a bad file of the user's (or a missing
    folder) is a usage error, exit 2, before the model loads."""
    from powermap import config, datafiles

    if data_dir is not None:
        os.environ[datafiles.DATA_ENV] = str(data_dir)
    try:
        config.apply()
    except config.ConfigError as exc:
        err.print(f"powermap: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    try:
        datafiles.check_all()
    except datafiles.DataFileError as exc:
        err.print(f"powermap: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from exc


def _progress() -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[tokens]} tokens"), TextColumn("{task.fields[failed]} failed"),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=False)


class Sink:
    """Where results go: the store, the JSONL output, the error file, and the running counts."""

    def __init__(self, store: Store | None, out: TextIO | None, error_file: TextIO | None, quiet: bool,
                 force: bool) -> None:
        self.store, self.out, self.error_file, self.quiet, self.force = store, out, error_file, quiet, force
        self.counts = {"analysed": 0, "skipped": 0, "failed": 0}
        self.tokens = 0
        self.seen: set[str] = set()  # ids written in this batch: the same content twice is written once
        self.on_done: Any = None
        self.versions: dict[str, Any] | None = None  # what this run analyses with, recorded with each document
        self.changed = False  # --reanalyse-changed: what was analysed with other versions is not skipped

    def fresh(self, sources: Any) -> Any:
        """Sources not yet stored by this version (with --reanalyse-changed, with these versions; all of them
        with --force)."""
        compared = self.versions if self.changed else None
        for source in sources:
            if self.store and not self.force and not source.error and self.store.has(source.id, __version__,
                                                                                     compared):
                if source.id not in self.seen:
                    self.seen.add(source.id)
                    _write(self.out, self.store.document(source.id))
                self._skip(source.label, "already stored" + (" with these versions" if self.changed else ""))
                continue
            yield source

    def _skip(self, label: str, why: str) -> None:
        self.counts["skipped"] += 1
        if not self.quiet and self.on_done is None:
            err.print(f"skip  {label} ({why})", markup=False, soft_wrap=True)

    def take(self, result: Any) -> None:
        from powermap.schema import Problem

        if result.problem is not None:
            self.counts["failed"] += 1
            _report(Problem(**result.problem), self.store, self.error_file)
        else:
            self._keep(result)
        if self.on_done is not None:
            self.on_done(result.tokens)

    def _keep(self, result: Any) -> None:
        from powermap.corpus.store import StoreError
        from powermap.schema import Document, Problem

        document = Document.model_validate(result.document)
        if document.id in self.seen:  # the same content came twice in this batch: the first copy stays
            self._skip(document.source, "same content as an earlier document of this batch")
            return
        try:
            stored = self.store is None or self.store.save(document, result.raw, replace=self.force,
                                                           versions=self.versions, changed=self.changed)
        except StoreError as exc:
            self.counts["failed"] += 1
            _report(Problem(source=document.source, stage="store", message=str(exc)), None, self.error_file)
            return
        self.seen.add(document.id)
        _write(self.out, result.document)
        if not stored:  # another process stored this content meanwhile: its copy stays
            self._skip(document.source, "same content as a document already stored")
            return
        self.counts["analysed"] += 1
        self.tokens += result.tokens
        for warning in document.warnings:
            err.print(f"warning: {document.source}: {warning}", markup=False, soft_wrap=True)
        if not self.quiet and self.on_done is None:
            err.print(f"ok    {document.source}: {len(document.actors)} actors", markup=False, soft_wrap=True)


def _analyze_on_dask(paths: list[str], settings: Any, limits: Limits, scheduler: str | None, workers: int,
                     out_dir: Path | None, fmt: str, quiet: bool, globs: tuple[str, ...]) -> None:
    _need_extra("dask", "--engine dask")
    if fmt == "parquet":
        _need_extra("parquet", "--format parquet")
    from powermap.engines import dask as dask_engine
    from powermap.ingest import expand_paths

    if out_dir is None or "-" in paths:
        _usage_error("--engine dask needs --out-dir DIR and files, not stdin")
    files = [str(path) for path in expand_paths(paths, globs)]  # the walk with --glob; named files as given
    try:
        counts = dask_engine.run(files, out_dir, settings, limits, scheduler, workers, fmt)
    except KeyboardInterrupt:
        err.print(f"powermap: interrupted; the unfinished run under {out_dir} has no manifest and will not be "
                  "loaded", markup=False, soft_wrap=True)
        raise typer.Exit(130) from None
    if not quiet:
        err.print(f"{counts['documents']} analysed, {counts['failed']} failed, in {counts['partitions']} "
                  f"partitions under {counts['run']} (load them with: powermap load {out_dir} --db DB)",
                  markup=False, soft_wrap=True)
    raise typer.Exit(1 if counts["failed"] else 0)


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="JSONL files or folders of them (Dask parts, -o output).")],
    db: Annotated[Path, typer.Option("--db", help="The SQLite store to load into.")],
    force: Annotated[bool, typer.Option("--force", help="Replace documents already stored.")] = False,
) -> None:
    """Put analysed documents (JSONL, complete Dask runs) into a store; exit 1 if any record was refused."""
    from powermap.corpus.load import load as load_records
    from powermap.corpus.store import Store, StoreError

    refuse_overwrites(paths, {}, store=db)
    try:
        with Store(db) as store:
            counts = load_records(store, paths, force, lambda line: err.print(line, markup=False, soft_wrap=True))
    except (StoreError, ValueError, OSError) as exc:
        err.print(f"powermap: {exc}", markup=False)
        raise typer.Exit(1) from exc
    err.print(", ".join(f"{n} {k}" for k, n in counts.items()), markup=False)
    raise typer.Exit(1 if counts["refused"] else 0)


@app.command()
def rebuild(
    db: Annotated[Path, typer.Argument(help="The SQLite store to rebuild (or upgrade from the previous layout).")],
) -> None:
    """Recompute the merge of corpus actors and every edge of a store, and say what moved."""
    from powermap.corpus.store import Store, StoreError

    if not db.is_file():
        err.print(f"powermap: {db}: no such database", markup=False)
        raise typer.Exit(2)
    try:
        with Store(db, upgrade=True) as store:
            moved = store.rebuild()
    except StoreError as exc:
        err.print(f"powermap: {exc}", markup=False)
        raise typer.Exit(1) from exc
    err.print(f"{moved['corpus_actors']} corpus actors ({moved['actors_merged']} merged, {moved['actors_split']} "
              f"split), {moved['edges']} edges ({moved['edges_added']} added, {moved['edges_removed']} removed, "
              f"{moved['edges_changed']} changed)", markup=False)


def _write(out: TextIO | None, data: dict[str, Any] | None) -> None:
    if out is not None and data is not None:
        out.write(json.dumps(data, ensure_ascii=False) + "\n")


def _report(problem: Problem, store: Store | None, error_file: TextIO | None) -> None:
    from powermap.corpus.store import StoreError

    err.print(f"error: {problem.source}: {problem.message} [{problem.stage}]", markup=False, soft_wrap=True)
    if store is not None:
        try:
            store.save_problem(problem)
        except StoreError as exc:
            err.print(f"error: {exc}", markup=False, soft_wrap=True)
    _write(error_file, problem.model_dump())


@contextmanager
def _reading(path: Path) -> Iterator[Store]:
    """The store behind a reading command (a database, or a JSONL file put into a temporary one); a clear
    exit for anything else: a file that is not powermap output is a usage error (exit 2), a damaged
    store a failure (exit 1)."""
    if not path.exists():
        err.print(f"powermap: {path}: no such file", markup=False)
        raise typer.Exit(2)
    from powermap.corpus.load import readable_store
    from powermap.corpus.store import StoreError

    try:
        with readable_store(path) as store:
            yield store
    except ValueError as exc:
        _usage_error(f"{exc} (reading commands take a store or the JSONL of `powermap analyze`; analyse "
                     "articles first)")
    except StoreError as exc:
        err.print(f"powermap: {exc}", markup=False)
        raise typer.Exit(1) from exc


def _output_format(fmt: str | None, csv_out: bool) -> str:
    """The format a reading command prints; `--csv` stays as a deprecated spelling of `--format csv`."""
    if not csv_out:
        return fmt or "table"
    if fmt not in (None, "csv"):
        _usage_error(f"--csv and --format {fmt} disagree; use --format alone")
    err.print("powermap: --csv is deprecated; use --format csv", markup=False)
    return "csv"


def _machine(rows: list[dict[str, Any]], columns: list[str], fmt: str) -> None:
    """JSON Lines or CSV on stdout (CSV cells guarded against spreadsheet formulas)."""
    from powermap.corpus.export import safe_row
    from powermap.terminal import write_records

    write_records(rows, columns, fmt, safe=safe_row)


SHOW_COLUMNS = ["id", "source", "title", "section", "author", "published", "language", "url", "genre", "actors",
                "quotes", "relations", "claims", "techniques", "warnings"]


def _document_row(document: dict[str, Any]) -> dict[str, Any]:
    """One document as a row of `show --format json|csv`: its facts, its actors by name, and counts."""
    return {**{key: document.get(key) for key in SHOW_COLUMNS[:8]},
            "genre": (document.get("genre") or {}).get("label"),
            "actors": [actor["name"] for actor in document.get("actors", [])],
            **{layer: len(document.get(layer, [])) for layer in ("quotes", "relations", "claims")},
            "techniques": len(document.get("rhetoric", [])), "warnings": document.get("warnings", [])}


def _chosen_documents(path: Path, doc: str | None) -> tuple[list[dict[str, Any]], list[Any]]:
    """Every document of a store or JSONL file with its errors, or only the document whose id starts with
    `doc` (an id that names none is a usage error)."""
    with _reading(path) as store:
        documents = list(store.documents())
        problems = [] if doc else store.problems()
    if doc:
        documents = [d for d in documents if d["id"].startswith(doc)]
        if not documents:
            _usage_error(f"no document {doc!r} in {path} (powermap show {path} lists the ids)")
    return documents, problems


@app.command()
def show(
    path: Annotated[Path, typer.Argument(help="A powermap database or JSONL file.")],
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document id (or prefix).")] = None,
    text: Annotated[bool, typer.Option("--text", help="Also print the text with techniques marked.")] = False,
    fmt: Annotated[OutputFormat | None, typer.Option("--format", case_sensitive=False, help=(
        "table (a summary per document), json (JSON Lines: one row per document) or csv."))] = None,
) -> None:
    """Print a readable summary of analysed documents (or one row per document for machines)."""
    from powermap.summary import print_summary
    from powermap.terminal import cell, output_console

    documents, problems = _chosen_documents(path, doc)
    if fmt in ("json", "csv"):
        _machine([_document_row(document) for document in documents], SHOW_COLUMNS, fmt)
        for problem in problems:
            err.print(f"error: {problem.source}: {problem.message} [{problem.stage}]", markup=False, soft_wrap=True)
        return
    console = output_console()
    print_summary(console, documents, problems)
    if text:
        from powermap.summary import marked_text

        for document in documents:
            console.rule(cell(document.get("title") or document["source"]))
            console.print(marked_text(document))


EDGE_COLUMNS = ["source", "source_name", "type", "target", "target_name", "count", "negated", "weight", "first",
                "last", "documents", "asserted_by"]


@app.command()
def edges(
    path: Annotated[Path, typer.Argument(help="A powermap database or JSONL file.")],
    types: Annotated[list[RelationType] | None, typer.Option(
        "--type", case_sensitive=False, metavar="TYPE", help=TYPE_HELP)] = None,
    csv_out: Annotated[bool, typer.Option("--csv", help="Deprecated: the same as --format csv.")] = False,
    min_confidence: Annotated[float, typer.Option(
        "--min-confidence", min=0, max=1, help="Only relations at least this confident (0-1).")] = 0.0,
    fmt: Annotated[OutputFormat | None, typer.Option("--format", case_sensitive=False, help=OUTPUT_FORMAT_HELP)] = None,
) -> None:
    """Relations aggregated into edges (source, type, target) with counts, dates and signed weight."""
    from powermap.corpus.views import names
    from powermap.terminal import print_table

    fmt = _output_format(fmt, csv_out)
    with _reading(path) as store:
        rows = store.edges([kind.value for kind in types or ()], min_confidence=min_confidence)
        named = names(store, [row[k] for row in rows for k in ("source", "target")])
    rows = [{**row, "source_name": named.get(row["source"], row["source"]),
             "target_name": named.get(row["target"] or "", row["target"])} for row in rows]
    if fmt != "table":
        _machine(rows, EDGE_COLUMNS, fmt)
        return
    print_table(f"{len(rows)} edges", ["source", "type", "target", "count", "negated", "weight", "first", "last",
                                       "docs"],
                ([row["source_name"], row["type"], row["target_name"] or "-", str(row["count"]), str(row["negated"]),
                  f"{row['weight']:+.2f}", row["first"] or "", row["last"] or "", str(len(row["documents"]))]
                 for row in rows), right={"count", "negated", "weight", "docs"})


@app.command()
def claims(
    path: Annotated[Path, typer.Argument(help="A powermap database or JSONL file.")],
    show_conflicts: Annotated[bool, typer.Option("--conflicts", help="List disagreeing claims.")] = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="Deprecated: the same as --format csv.")] = False,
    top: Annotated[int, typer.Option(help="How many claims to list.", min=1)] = 50,
    fmt: Annotated[OutputFormat | None, typer.Option("--format", case_sensitive=False, help=OUTPUT_FORMAT_HELP)] = None,
) -> None:
    """Claims ranked by check-worthiness across the corpus, or the conflicts between them."""
    from powermap.corpus.views import claim_conflicts, ranked_claims
    from powermap.terminal import print_table

    fmt = _output_format(fmt, csv_out)
    with _reading(path) as store:
        found = claim_conflicts(store) if show_conflicts else ranked_claims(store, top)
    if show_conflicts:
        rows = [{"kind": c.kind, "actors": list(c.actors), "predicate": c.predicate, "unit": c.unit,
                 "document": e["document"], "claim": e["claim"], "value": e.get("value", e.get("date")),
                 "text": e["text"]} for c in found for e in c.claims]
        columns = ["kind", "actors", "predicate", "unit", "document", "claim", "value", "text"]
    else:
        rows = [{"score": r["checkworthiness"], "kind": r["kind"], "document": r["document"], "claim": r["id"],
                 "quantities": [{"text": q["text"], "value": q["value"], "unit": q["unit"]} for q in r["quantities"]],
                 "dates": [{"text": d["text"], "iso": d["iso"]} for d in r["dates"]],
                 "reasons": list(r["reasons"]), "text": r["text"]} for r in found]
        columns = ["score", "kind", "document", "claim", "quantities", "dates", "reasons", "text"]
    if fmt != "table":
        _machine(rows, columns, fmt)
        return
    print_table(f"{len(rows)} {'conflicting claims' if show_conflicts else 'claims'}", columns,
                ([_claim_cell(column, row[column]) for column in columns] for row in rows), ratios={"text": 4})


def _claim_cell(column: str, value: Any) -> str:
    """A claims table cell for people: figures as `text=value unit`, dates as `text=iso`, lists joined."""
    if column == "quantities":
        return "; ".join(f"{q['text']}={q['value']:g} {q['unit'] or ''}".strip() for q in value)
    if column == "dates":
        return "; ".join(f"{d['text']}={d['iso'] or '?'}" for d in value)
    if isinstance(value, list):
        return " ".join(value)
    return "" if value is None else str(value)


@app.command()
def graph(
    path: Annotated[Path, typer.Argument(help="A powermap database or JSONL file.")],
    fmt: Annotated[Literal["graphml", "gexf", "json", "csv"], typer.Option(
        "--format", case_sensitive=False, help="graphml, gexf, json or csv.")] = "graphml",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Where to write it.")] = None,
    types: Annotated[list[RelationType] | None, typer.Option(
        "--type", case_sensitive=False, metavar="TYPE", help=TYPE_HELP)] = None,
    since: Annotated[str | None, typer.Option(parser=iso_date, help=(
        "Only relations dated on or after (YYYY[-MM[-DD]])."))] = None,
    until: Annotated[str | None, typer.Option(parser=iso_date, help="Only relations dated on or before.")] = None,
    min_confidence: Annotated[float, typer.Option(
        "--min-confidence", min=0, max=1, help="Only relations at least this confident (0-1).")] = 0.0,
) -> None:
    """The power network: actors (type, country, mentions) and aggregated relation edges."""
    from powermap.corpus.graph import build, write

    refuse_overwrites([path], {"-o": output or Path(f"powermap-graph.{fmt}")})
    refuse_unwritable("-o", output)
    with _reading(path) as store:
        network = build(store, [kind.value for kind in types or ()], since, until, min_confidence)
    target = output or Path(f"powermap-graph.{fmt}")
    write(network, target, fmt)
    err.print(f"{network.number_of_nodes()} actors, {network.number_of_edges()} edges -> {target}", markup=False)


@app.command()
def export(
    path: Annotated[Path, typer.Argument(help="A powermap database or JSONL file.")],
    fmt: Annotated[Literal["csv", "jsonl", "parquet"], typer.Option(
        "--format", case_sensitive=False, help="csv, jsonl or parquet.")] = "csv",
    out_dir: Annotated[Path, typer.Option("-o", "--out-dir", help="Folder for the tables.")] = Path("export"),
    min_confidence: Annotated[float, typer.Option(
        "--min-confidence", min=0, max=1, help="Only relations at least this confident (0-1).")] = 0.0,
) -> None:
    """One table per layer (documents, actors, mentions, wire items, quotes, relations, claims, rhetoric,
    stance), the corpus edges and the errors, with names beside actor ids."""
    from powermap.corpus.export import write

    if fmt == "parquet":
        _need_extra("parquet", "export --format parquet")
    refuse_overwrites([path], {}, {"-o": out_dir})
    with _reading(path) as store:
        for written in write(store, out_dir, fmt, min_confidence):
            err.print(f"wrote {written}", markup=False)


@app.command()
def serve(
    path: Annotated[Path, typer.Argument(help="A powermap database.")],
    host: Annotated[str, typer.Option(help="Address to listen on; the default is this machine only.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="Also serve requests for this host name (besides localhost and --host).")] = None,
) -> None:
    """The local web app over a database, opened read-only."""
    _need_extra("web", "powermap serve")
    import uvicorn

    from powermap.corpus.store import Store, StoreError
    from powermap.web.app import create_app

    if not path.exists():
        err.print(f"powermap: {path}: no such database", markup=False)
        raise typer.Exit(2)
    try:
        Store(path, readonly=True).close()
    except StoreError as exc:
        err.print(f"powermap: {exc}", markup=False)
        raise typer.Exit(1) from exc
    uvicorn.run(create_app(path, [host, *(allow_host or [])]), host=host, port=port, log_level="warning")


def _need_extra(extra: str, feature: str) -> None:
    """One line naming `pip install 'powermap[EXTRA]'` when an optional dependency is missing (exit 1)."""
    from powermap.errors import MissingExtraError
    from powermap.extras import require

    try:
        require(extra, feature)
    except MissingExtraError as exc:
        err.print(f"powermap: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(1) from None


eval_app = typer.Typer(help="Measure a layer against public evaluation data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("quotes")
def eval_quotes(
    folder: Annotated[Path, typer.Argument(help="A BRAT folder with text/ and attributions/ (PolNeAR).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Quote content P/R/F1 (token overlap), speaker and cue accuracy, direct and all."""
    from powermap.eval.quotes import evaluate

    if not (folder / "attributions").is_dir() or not (folder / "text").is_dir():
        err.print(f"powermap: {folder}: expected text/ and attributions/ folders", markup=False)
        raise typer.Exit(2)
    report = evaluate(folder)
    rows = {"direct quotes": report.direct.scores(), "all attributions": report.all.scores()}
    if as_json:
        typer.echo(json.dumps({"texts": report.texts, "files": report.files, **rows}, indent=2))
        return
    table = Table(title=f"quotes vs {folder} ({report.texts} texts, {report.files} annotation files)")
    columns = ["gold", "predicted", "matched", "precision", "recall", "f1", "speaker_accuracy", "cue_accuracy"]
    table.add_column("set")
    for column in columns:
        table.add_column(column, justify="right")
    for label, row in rows.items():
        table.add_row(label, *(str(row[c]) for c in columns))
    Console().print(table)


@eval_app.command("events")
def eval_events(
    path: Annotated[Path, typer.Argument(help="PLOVER gold standard records (PLOVER_GSR_CAMEO.json).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Event type accuracy where actors match, triple P/R/F1, and a confusion table."""
    from powermap.eval.events import evaluate

    if not path.is_file():
        err.print(f"powermap: {path}: no such file", markup=False)
        raise typer.Exit(2)
    report = evaluate(path)
    scores = report.scores()
    if as_json:
        confusion = [{"gold": g, "predicted": p, "count": n} for (g, p), n in sorted(report.confusion.items())]
        typer.echo(json.dumps({**scores, "confusion": confusion}, indent=2))
        return
    console = Console(width=max(Console().width, 140))
    table = Table(title=f"events vs {path.name}")
    for column in scores:
        table.add_column(column, justify="right")
    table.add_row(*(str(v) for v in scores.values()))
    console.print(table)
    labels = sorted({g for g, _ in report.confusion} | {p for _, p in report.confusion})
    confusion = Table(title="confusion where actors match (rows gold, columns predicted)")
    confusion.add_column("gold")
    for label in labels:
        confusion.add_column(label[:5], justify="right")
    for gold in labels:
        confusion.add_row(gold, *(str(report.confusion.get((gold, p), "")) for p in labels))
    console.print(confusion)


@eval_app.command("claims")
def eval_claims(
    path: Annotated[Path | None, typer.Argument(help="Annotated JSONL; default: the packaged gold set.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    show_errors: Annotated[bool, typer.Option("--errors", help="List every miss.")] = False,
) -> None:
    """Quantity P/R/F1 and date resolution accuracy on sentences we annotated."""
    from powermap.eval.claims import evaluate

    if path is not None and not path.is_file():
        err.print(f"powermap: {path}: no such file", markup=False)
        raise typer.Exit(2)
    report = evaluate(path)
    scores = report.scores()
    if as_json:
        typer.echo(json.dumps({**scores, "errors": report.errors}, indent=2))
        return
    table = Table(title="claims: quantities and dates")
    for column in scores:
        table.add_column(column, justify="right")
    table.add_row(*(str(v) for v in scores.values()))
    Console(width=max(Console().width, 160)).print(table)
    if show_errors:
        for line in report.errors:
            typer.echo(line)


@eval_app.command("rhetoric")
def eval_rhetoric(
    path: Annotated[Path | None, typer.Argument(help="Annotated passages; default: the packaged set.")] = None,
    ptc: Annotated[Path | None, typer.Option("--ptc", help="Also score on a PTC folder (articles/, labels/).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Per-technique precision and recall and genre accuracy (and PTC span scores with --ptc)."""
    from powermap.eval.rhetoric import evaluate_own, evaluate_ptc

    if path is not None and not path.is_file():
        err.print(f"powermap: {path}: no such file", markup=False)
        raise typer.Exit(2)
    if ptc is not None and not (ptc / "articles").is_dir():
        err.print(f"powermap: {ptc}: expected articles/ and labels/ folders", markup=False)
        raise typer.Exit(2)
    scores = evaluate_own(path).scores()
    ptc_table = evaluate_ptc(ptc).table() if ptc is not None else None
    if as_json:
        typer.echo(json.dumps({**scores, "ptc": ptc_table}, indent=2))
        return
    console = Console(width=max(Console().width, 120))
    console.print(f"genre accuracy on {scores['passages']} passages: {scores['genre_accuracy']:.3f}")
    tables = [("techniques on our passages", scores["techniques"])]
    if ptc_table is not None:
        tables.append((f"techniques on PTC ({ptc})", ptc_table))
    for title, rows in tables:
        table = Table(title=title)
        for column in ("technique", "gold", "predicted", "precision", "recall", "f1"):
            table.add_column(column, justify="left" if column == "technique" else "right")
        for name, row in rows.items():
            table.add_row(name, *(str(row[c]) for c in ("gold", "predicted", "precision", "recall", "f1")))
        console.print(table)


@eval_app.command("articles")
def eval_articles(
    folder: Annotated[Path, typer.Argument(help="A folder of annotated articles, one JSON file each (articles-dev).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    show_errors: Annotated[bool, typer.Option("--errors", help="List misses and spurious items per article.")] = False,
) -> None:
    """Every layer on whole articles: actors, relations, actor pairs, quotes, numbers, genre."""
    from powermap.eval.articles import error_lines, evaluate, tables

    if not folder.is_dir() or not any(folder.glob("*.json")):
        err.print(f"powermap: {folder}: expected a folder of annotated articles (*.json)", markup=False)
        raise typer.Exit(2)
    report = evaluate(folder)
    for problem in report.problems:
        err.print(f"powermap: {problem}", markup=False)
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return
    console = Console(width=max(Console().width, 190))
    for table in tables(report, f"articles vs {folder}"):
        console.print(table)
    if show_errors:
        for line in error_lines(report):
            typer.echo(line)


@eval_app.command("genre")
def eval_genre(
    folder: Annotated[Path, typer.Argument(help="A folder of plain texts (*.txt) that are all of one genre.")],
    expect: Annotated[str, typer.Option("--expect", help="The genre every text is (e.g. reporting).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    show_errors: Annotated[bool, typer.Option("--errors", help="List each text called otherwise.")] = False,
) -> None:
    """The share of a folder's texts called the expected genre (PolNeAR's texts are all news reports)."""
    from powermap.datafiles import GENRES
    from powermap.eval.genre import evaluate_folder

    if expect not in GENRES:
        err.print(f"powermap: --expect {expect!r} is not a genre (one of {', '.join(GENRES)})", markup=False)
        raise typer.Exit(2)
    if not folder.is_dir() or not any(folder.glob("*.txt")):
        err.print(f"powermap: {folder}: expected a folder of plain texts (*.txt)", markup=False)
        raise typer.Exit(2)
    report = evaluate_folder(folder, expect)
    scores = report.scores()
    if as_json:
        typer.echo(json.dumps({**scores, "misses": report.misses}, indent=2))
        return
    typer.echo(f"{scores['right']} of {scores['texts']} texts called {expect}: {scores['accuracy']:.3f} "
               f"(all: {', '.join(f'{k} {v}' for k, v in scores['predicted'].items())})")
    if show_errors:
        for miss in report.misses:
            typer.echo(f"{miss['file']}: {miss['predicted']} ({'; '.join(miss['reasons'])})")


@eval_app.command("coref")
def eval_coref(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Annotated JSONL files or folders (docs/annotation.md); default: training/coref.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    show_errors: Annotated[bool, typer.Option("--errors", help="List every wrong link.")] = False,
) -> None:
    """Coreference accuracy on passages we annotated: the held-out test split (files heldout-*), the
    split the rules were written on, and all, per category."""
    from powermap.eval.coref import evaluate
    from powermap.learn.corpus import CorpusError

    try:
        report = evaluate(paths)
    except CorpusError as exc:
        err.print(f"powermap: {exc}", markup=False)
        raise typer.Exit(2) from None
    scores = report.scores()
    if as_json:
        typer.echo(json.dumps({**scores, "errors": report.errors}, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"coreference on {scores['passages']} passages ({scores['antecedent_missing']} "
                        "antecedents the actor stage missed)")
    columns = ["split", "links", "accuracy", "pronoun", "possessive", "role noun", "description"]
    for column in columns:
        table.add_column(column, justify="left" if column == "split" else "right")
    for split, label in (("test", "test (held out)"), ("dev", "dev (rules written on)"), ("all", "all")):
        row = scores[split]
        table.add_row(label, str(row["links"]), str(row["accuracy"]), *(
            str(row[f"{c}_accuracy"]) for c in ("pronoun", "possessive", "role_noun", "description")))
    Console(width=max(Console().width, 120)).print(table)
    if show_errors:
        for line in report.errors:
            typer.echo(line)


train_app = typer.Typer(help="Train a learned layer on the corpus we wrote (training/).", no_args_is_help=True)
app.add_typer(train_app, name="train")


def _train(train: Callable[..., dict[str, Any]], corpus: list[Path] | None, default: Path, output: Path,
           errors: tuple[type[Exception], ...] = ()) -> None:
    """Run one trainer on the given corpus (or its default folder) and print the model's card; a bad
    corpus is one line naming the file and record, exit 2."""
    from powermap.learn.corpus import CorpusError, corpus_files

    try:
        files = corpus_files(corpus or [default])
        card = train(files, output, log=lambda line: err.print(line, markup=False))
    except (CorpusError, *errors) as exc:
        err.print(f"powermap: {exc}", markup=False)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(card, indent=2))


@train_app.command("relations")
def train_relations(
    corpus: Annotated[list[Path] | None, typer.Argument(help="JSONL files or folders (docs/annotation.md).")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the model.")] = Path(
        "src/powermap/models/relations.npz"),
) -> None:
    """Train the relation model (fixed seed, CPU, minutes) and print its card."""
    from powermap.learn.relations import train

    _train(train, corpus, Path("training/relations"), output)


@train_app.command("techniques")
def train_techniques(
    corpus: Annotated[list[Path] | None, typer.Argument(
        help="JSONL files or folders (docs/techniques-annotation.md).")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the model.")] = Path(
        "src/powermap/models/techniques.npz"),
) -> None:
    """Train the persuasion-technique model (fixed seed, CPU, minutes) and print its card."""
    from powermap.learn.techniques import train

    _train(train, corpus, Path("training/techniques"), output, (ValueError,))


@train_app.command("genre")
def train_genre(
    corpus: Annotated[list[Path] | None, typer.Argument(help="JSONL files or folders (docs/genre.md).")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the model.")] = Path(
        "src/powermap/models/genre.json"),
) -> None:
    """Train the genre model (fixed seed, CPU, about a minute) and print its card."""
    from powermap.learn.genre import GenreError, train

    _train(train, corpus, Path("training/genre"), output, (GenreError,))


@app.command()
def pipeline(
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Leave this stage out (repeatable).")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Check your own data files too.")] = None,
) -> None:
    """Print the stages in order with what each requires and assigns; refuse a chain that cannot run."""
    from powermap.nlp import ModelError
    from powermap.pipeline import Pipeline, PipelineError

    _use_data_dir(data_dir)
    try:
        stages = Pipeline(exclude=exclude or ()).describe()
    except (PipelineError, ModelError) as exc:
        err.print(f"powermap: {exc}", markup=False)
        raise typer.Exit(2) from exc
    table = Table("stage", "requires", "assigns", "runs on", "on failure", "batched")
    for stage in stages:
        table.add_row(stage.name, ", ".join(stage.requires), ", ".join(stage.assigns),
                      "English text" if stage.english_only else "every text",
                      "document fails" if stage.fatal else "warning, layer empty", "yes" if stage.batched else "")
    Console().print(table)


@app.command()
def schema() -> None:
    """Print the JSON Schema of one output document (powermap/1)."""
    from powermap.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))




@app.command()
def report(
    path: Annotated[Path, typer.Argument(help="A powermap database or JSONL file.")],
    output: Annotated[str, typer.Option("-o", "--output", help="The HTML file to write (- for stdout).")],
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document id (or prefix).")] = None,
) -> None:
    """Write a self-contained HTML report of the corpus or one document (no scripts, no outside links)."""
    target = None if output == "-" else Path(output)
    if not path.exists():
        err.print(f"powermap: {path}: no such file", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    if target is not None and not target.parent.is_dir():
        err.print(f"powermap: {target.parent}: no such directory (make it, or choose another -o)", markup=False,
                  soft_wrap=True)
        raise typer.Exit(2)
    documents, problems = _chosen_documents(path, doc)
    from powermap.corpus.views import document_name
    from powermap.report import render

    title = document_name(documents[0].get("title"), documents[0]["source"]) if len(documents) == 1 else path.name
    page = render(documents, title, problems)
    if target is None:
        sys.stdout.write(page)
        return
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as exc:
        err.print(f"powermap: cannot write {target}: {exc.strerror or exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    err.print(f"wrote {target} ({len(documents)} documents)", markup=False, soft_wrap=True)
