"""The `powermap` command: thin, options in, calls out."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing, contextmanager
from itertools import islice
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.table import Table

from powermap import __version__, datafiles
from powermap.corpus.edges import confident
from powermap.corpus.export import safe_row
from powermap.corpus.store import Store, StoreError
from powermap.ingest import Limits, count_documents, read_sources
from powermap.nlp import ModelError
from powermap.schema import Document, Problem, json_schema
from powermap.summary import print_summary
from powermap.terminal import SafeConsole, cell

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
err = SafeConsole(stderr=True, highlight=False)  # names and messages from inputs printed escaped


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
    paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive) or - for stdin.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write documents as JSONL.")] = None,
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
    engine: Annotated[str, typer.Option(help="local, or dask (writes --out-dir).")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address; default a LocalCluster.")] = None,
    out_dir: Annotated[Path | None, typer.Option(help="Dask engine: folder for the partitioned results.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="Dask engine: jsonl or parquet.")] = "jsonl",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds one document may take before it is recorded as failed "
                                                "(local engine).", min=0.01)] = 120.0,
    data_dir: Annotated[Path | None, typer.Option(help="A folder of your own data files (gazetteer/, triggers.yaml, "
                                                       "cues.yaml, ...), added to the packaged ones.")] = None,
) -> None:
    """Analyse articles; exit 0 if every document succeeded, 1 if any failed."""
    from powermap.engines.local import Settings

    refuse_overwrites(paths, {"-o": output, "--errors": errors}, {"--out-dir": out_dir}, store=db)
    _use_data_dir(data_dir)
    settings = Settings(model=model, max_chars=max_chars, timeout=timeout)
    limits = Limits(max_bytes=max_bytes, max_chars=max_chars, max_archive_bytes=max_archive_bytes)
    if engine == "dask":
        _analyze_on_dask(paths, settings, limits, scheduler, workers, out_dir, fmt, quiet)
        return
    if engine != "local":
        err.print(f"powermap: unknown engine {engine!r} (local or dask)", markup=False)
        raise typer.Exit(2)
    with ExitStack() as stack:
        try:
            store = stack.enter_context(Store(db)) if db else None
            if workers == 1:
                from powermap.engines.local import _pipeline

                _pipeline(settings)  # load the model now, so that a missing one is a clear error
        except (StoreError, ModelError) as exc:
            err.print(f"powermap: {exc}", markup=False)
            raise typer.Exit(1) from exc
        out = stack.enter_context(output.open("w", encoding="utf-8")) if output else None
        error_file = stack.enter_context(errors.open("w", encoding="utf-8")) if errors else None
        sink = Sink(store, out, error_file, quiet, force)
        progress = None if quiet or not err.is_terminal else stack.enter_context(_progress())
        task = progress.add_task("analysing", total=count_documents(paths), tokens=0, failed=0) if progress else None
        sink.on_done = (lambda tokens: progress.update(task, advance=1, tokens=sink.tokens,
                                                        failed=sink.counts["failed"])) if progress else None
        sources = islice(read_sources(paths, limits), max_docs) if max_docs else read_sources(paths, limits)
        from powermap.engines.local import Interrupted, run

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


def _use_data_dir(data_dir: Path | None) -> None:
    """Point every data file at the user's folder (workers inherit it) and check them all now."""
    if data_dir is not None:
        os.environ[datafiles.DATA_ENV] = str(data_dir)
    try:
        datafiles.check_all()
    except datafiles.DataFileError as exc:
        err.print(f"powermap: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(1) from exc


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

    def fresh(self, sources: Any) -> Any:
        """Sources not yet stored by this version (all of them with --force)."""
        for source in sources:
            if self.store and not self.force and not source.error and self.store.has(source.id, __version__):
                if source.id not in self.seen:
                    self.seen.add(source.id)
                    _write(self.out, self.store.document(source.id))
                self._skip(source.label, "already stored")
                continue
            yield source

    def _skip(self, label: str, why: str) -> None:
        self.counts["skipped"] += 1
        if not self.quiet and self.on_done is None:
            err.print(f"skip  {label} ({why})", markup=False, soft_wrap=True)

    def take(self, result: Any) -> None:
        if result.problem is not None:
            self.counts["failed"] += 1
            _report(Problem(**result.problem), self.store, self.error_file)
        else:
            self._keep(result)
        if self.on_done is not None:
            self.on_done(result.tokens)

    def _keep(self, result: Any) -> None:
        document = Document.model_validate(result.document)
        if document.id in self.seen:  # the same content came twice in this batch: the first copy stays
            self._skip(document.source, "same content as an earlier document of this batch")
            return
        try:
            stored = self.store is None or self.store.save(document, result.raw, replace=self.force)
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
                     out_dir: Path | None, fmt: str, quiet: bool) -> None:
    _need_extra("dask", "--engine dask")
    if fmt == "parquet":
        _need_extra("parquet", "--format parquet")
    from powermap.engines import dask as dask_engine

    if out_dir is None or fmt not in {"jsonl", "parquet"} or "-" in paths:
        err.print("powermap: --engine dask needs --out-dir DIR, --format jsonl|parquet and files, not stdin",
                  markup=False)
        raise typer.Exit(2)
    try:
        counts = dask_engine.run(paths, out_dir, settings, limits, scheduler, workers, fmt)
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
    err.print(f"error: {problem.source}: {problem.message} [{problem.stage}]", markup=False, soft_wrap=True)
    if store is not None:
        try:
            store.save_problem(problem)
        except StoreError as exc:
            err.print(f"error: {exc}", markup=False, soft_wrap=True)
    _write(error_file, problem.model_dump())


def _documents(path: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Documents and errors from a database or a JSONL file; a clear exit for anything else."""
    if not path.exists():
        err.print(f"powermap: {path}: no such file", markup=False)
        raise typer.Exit(2)
    from powermap.corpus.load import document_file

    try:
        if path.suffix in {".jsonl", ".json", ".ndjson"}:
            return document_file(path), []
        with Store(path, readonly=True) as store:
            return list(store.documents()), store.problems()
    except (StoreError, ValueError) as exc:
        err.print(f"powermap: {exc}", markup=False)
        raise typer.Exit(1) from exc


@contextmanager
def _reading(path: Path) -> Iterator[Store]:
    """The store behind a reading command (a database, or a JSONL file put into a temporary one); a clear
    exit for anything else."""
    if not path.exists():
        err.print(f"powermap: {path}: no such file", markup=False)
        raise typer.Exit(2)
    from powermap.corpus.load import readable_store

    try:
        with readable_store(path) as store:
            yield store
    except (StoreError, ValueError) as exc:
        err.print(f"powermap: {exc}", markup=False)
        raise typer.Exit(1) from exc


@app.command()
def show(
    path: Annotated[Path, typer.Argument(help="A powermap database or JSONL file.")],
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document id (or prefix).")] = None,
    text: Annotated[bool, typer.Option("--text", help="Also print the text with techniques marked.")] = False,
) -> None:
    """Print a readable summary of analysed documents."""
    console = Console()
    if not path.exists():
        err.print(f"powermap: {path}: no such file", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    documents, problems = _documents(path)
    if doc:
        documents = [d for d in documents if d["id"].startswith(doc)]
        problems = []
        if not documents:
            err.print(f"powermap: no document {doc!r} in {path}", markup=False, soft_wrap=True)
            raise typer.Exit(1)
    print_summary(console, documents, problems)
    if text:
        from powermap.summary import marked_text

        for document in documents:
            console.rule(cell(document.get("title") or document["source"]))
            console.print(marked_text(document))


@app.command()
def edges(
    path: Annotated[Path, typer.Argument(help="A powermap database or JSONL file.")],
    types: Annotated[list[str] | None, typer.Option("--type", help="Only these relation types.")] = None,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False,
    min_confidence: Annotated[float, typer.Option(
        "--min-confidence", min=0, max=1, help="Only relations at least this confident (0-1).")] = 0.0,
) -> None:
    """Relations aggregated into edges (source, type, target) with counts, dates and signed weight."""
    import csv

    from powermap.corpus.views import names

    with _reading(path) as store:
        rows = store.edges(types or (), min_confidence=min_confidence)
        named = names(store, [row[k] for row in rows for k in ("source", "target")])
    rows = [{**row, "source_name": named.get(row["source"], row["source"]),
             "target_name": named.get(row["target"] or "", row["target"])} for row in rows]
    if csv_out:
        columns = ["source", "source_name", "type", "target", "target_name", "count", "negated", "weight",
                   "first", "last", "documents", "asserted_by"]
        writer = csv.DictWriter(sys.stdout, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(safe_row({**row, "documents": " ".join(row["documents"]),
                                      "asserted_by": " ".join(row["asserted_by"])}))
        return
    table = Table(title=f"{len(rows)} edges")
    for column in ("source", "type", "target", "count", "negated", "weight", "first", "last", "docs"):
        table.add_column(column, justify="right" if column in {"count", "negated", "weight", "docs"} else "left")
    for row in rows:
        table.add_row(cell(row["source_name"]), cell(row["type"]), cell(row["target_name"] or "-"), str(row["count"]),
                      str(row["negated"]), f"{row['weight']:+.2f}", row["first"] or "", row["last"] or "",
                      str(len(row["documents"])))
    Console().print(table)


@app.command()
def claims(
    path: Annotated[Path, typer.Argument(help="A powermap database or JSONL file.")],
    show_conflicts: Annotated[bool, typer.Option("--conflicts", help="List disagreeing claims.")] = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False,
    top: Annotated[int, typer.Option(help="How many claims to list.", min=1)] = 50,
) -> None:
    """Claims ranked by check-worthiness across the corpus, or the conflicts between them."""
    import csv

    from powermap.corpus.views import claim_conflicts, ranked_claims

    with _reading(path) as store:
        found = claim_conflicts(store) if show_conflicts else ranked_claims(store, top)
    if show_conflicts:
        rows = [{"kind": c.kind, "actors": " ".join(c.actors), "predicate": c.predicate, "unit": c.unit,
                 "document": e["document"], "claim": e["claim"], "value": e.get("value", e.get("date")),
                 "text": e["text"]} for c in found for e in c.claims]
        columns = ["kind", "actors", "predicate", "unit", "document", "claim", "value", "text"]
    else:
        rows = [{"score": r["checkworthiness"], "kind": r["kind"], "document": r["document"], "claim": r["id"],
                 "quantities": "; ".join(f"{q['text']}={q['value']:g} {q['unit'] or ''}".strip()
                                         for q in r["quantities"]),
                 "dates": "; ".join(f"{d['text']}={d['iso'] or '?'}" for d in r["dates"]),
                 "reasons": " ".join(r["reasons"]), "text": r["text"]} for r in found]
        columns = ["score", "kind", "document", "claim", "quantities", "dates", "reasons", "text"]
    if csv_out:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns)
        writer.writeheader()
        writer.writerows(safe_row(row) for row in rows)
        return
    table = Table(title=f"{len(rows)} {'conflicting claims' if show_conflicts else 'claims'}")
    for column in columns:
        table.add_column(column, ratio=4 if column == "text" else 1)
    for row in rows:
        table.add_row(*(cell(str(row[c] if row[c] is not None else "")) for c in columns))
    Console().print(table)


@app.command()
def graph(
    path: Annotated[Path, typer.Argument(help="A powermap database or JSONL file.")],
    fmt: Annotated[str, typer.Option("--format", help="graphml, gexf, json or csv.")] = "graphml",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Where to write it.")] = None,
    types: Annotated[list[str] | None, typer.Option("--type", help="Only these relation types.")] = None,
    since: Annotated[str | None, typer.Option(help="Only relations dated on or after (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[str | None, typer.Option(help="Only relations dated on or before.")] = None,
    min_confidence: Annotated[float, typer.Option(
        "--min-confidence", min=0, max=1, help="Only relations at least this confident (0-1).")] = 0.0,
) -> None:
    """The power network: actors (type, country, mentions) and aggregated relation edges."""
    from powermap.corpus.graph import build, write
    from powermap.dates import bounds

    if fmt not in {"graphml", "gexf", "json", "csv"}:
        err.print(f"powermap: unknown format {fmt!r} (graphml, gexf, json, csv)", markup=False)
        raise typer.Exit(2)
    refuse_overwrites([path], {"-o": output or Path(f"powermap-graph.{fmt}")})
    for option, value in (("--since", since), ("--until", until)):
        try:
            if value is not None:
                bounds(value)
        except ValueError as exc:
            err.print(f"powermap: {option}: {exc}", markup=False)
            raise typer.Exit(2) from exc
    with _reading(path) as store:
        network = build(store, types or (), since, until, min_confidence)
    target = output or Path(f"powermap-graph.{fmt}")
    write(network, target, fmt)
    err.print(f"{network.number_of_nodes()} actors, {network.number_of_edges()} edges -> {target}", markup=False)


@app.command()
def export(
    path: Annotated[Path, typer.Argument(help="A powermap database or JSONL file.")],
    fmt: Annotated[str, typer.Option("--format", help="csv, jsonl or parquet.")] = "csv",
    out_dir: Annotated[Path, typer.Option("-o", "--out-dir", help="Folder for the tables.")] = Path("export"),
    min_confidence: Annotated[float, typer.Option(
        "--min-confidence", min=0, max=1, help="Only relations at least this confident (0-1).")] = 0.0,
) -> None:
    """Tables of documents, actors, mentions, relations, quotes, claims and rhetoric."""
    from powermap.corpus.export import write

    if fmt not in {"csv", "jsonl", "parquet"}:
        err.print(f"powermap: unknown format {fmt!r} (csv, jsonl, parquet)", markup=False)
        raise typer.Exit(2)
    if fmt == "parquet":
        _need_extra("parquet", "export --format parquet")
    refuse_overwrites([path], {}, {"-o": out_dir})
    with _reading(path) as store:
        for written in write(confident(store.documents(), min_confidence), out_dir, fmt):
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
    typer.echo(json.dumps(json_schema(), indent=2))


