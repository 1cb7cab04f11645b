"""The pipeline's contracts (requires/assigns checked when built), per-stage fault isolation and the timeout."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from powermap.analysis import Analysis, Source
from powermap.claims import ExtractClaims
from powermap.cli import app
from powermap.pipeline import Pipeline, PipelineError, Stage, check_chain

TEXT = ("Russia and Belarus agreed on joint drills, officials said on Monday. "
        "“We will defend our union,” Lukashenko said. Belarus accused Poland of spying. "
        "The drills involve 12,000 soldiers.")


class Raising:
    """Stands in for a stage with the same contract and raises, as a bug on a strange text would."""

    def __init__(self, like: Stage, fatal: bool = False) -> None:
        self.name, self.requires, self.assigns = like.name, like.requires, like.assigns
        self.english_only, self.fatal = like.english_only, fatal

    def __call__(self, analysis: Analysis) -> None:
        setattr(analysis, self.assigns[0], ["half-built"])
        raise IndexError("[E1002] Span index out of range")


class Sleeping:
    """A stage that takes far longer than the timeout on documents that contain `slow`."""

    name, requires, assigns, english_only, fatal = "sleepy", ("text",), (), False, False

    def __call__(self, analysis: Analysis) -> None:
        if "slow" in analysis.text:
            time.sleep(30)


class BatchedPicky:
    """A batched stage whose batch fails when one document is bad: the pipe must not bypass the guard."""

    name, requires, assigns, english_only, fatal = "picky", ("text",), ("title",), False, False
    batch_size = 4

    def __call__(self, analysis: Analysis) -> None:
        if "bad" in analysis.text:
            raise ValueError("cannot read this one")
        analysis.title = "seen"

    def pipe(self, analyses: list[Analysis]) -> None:
        for analysis in analyses:
            self(analysis)


def _replace(pipeline: Pipeline, name: str, stage: Stage) -> Pipeline:
    return Pipeline.from_stages([stage if s.name == name else s for s in pipeline.stages])


def _source(text: str, label: str = "doc") -> Source:
    return Source(label=label, format="text", raw=text, body=text)


def test_an_impossible_chain_is_refused_with_the_missing_attribute(pipeline: Pipeline):
    with pytest.raises(PipelineError, match="relations requires 'quotes', which no earlier stage assigns"):
        pipeline.without("quotes")
    with pytest.raises(PipelineError, match="no stage named nonsense"):
        Pipeline(exclude=["nonsense"])
    typo = Raising(pipeline.stages[-1])
    typo.requires = ("qoutes",)
    with pytest.raises(PipelineError, match="'qoutes', which is not an attribute of Analysis"):
        check_chain([*pipeline.stages[:-1], typo])


def test_exclude_leaves_a_stage_out_and_keeps_a_valid_chain(pipeline: Pipeline):
    without_rhetoric = Pipeline(exclude=["rhetoric"])
    assert without_rhetoric.names == tuple(n for n in pipeline.names if n != "rhetoric")
    analysis = without_rhetoric.analyse_text(TEXT)
    assert analysis.problem is None and analysis.relations and analysis.genre is None
    rows = {row.name: row for row in pipeline.describe()}
    assert rows["parse"].batched and rows["parse"].fatal and rows["relations"].requires[-2:] == ("quotes", "published")


def test_a_raising_stage_keeps_the_other_layers(pipeline: Pipeline):
    whole = pipeline.analyse_text(TEXT)
    assert whole.claims and whole.relations and whole.quotes
    broken = _replace(pipeline, "claims", Raising(next(s for s in pipeline.stages if s.name == "claims")))
    analysis = broken.analyse_text(TEXT)
    assert analysis.problem is None
    assert analysis.claims == []  # no half-built layer is kept
    assert [r.model_dump() for r in analysis.relations] == [r.model_dump() for r in whole.relations]
    assert analysis.quotes == whole.quotes and analysis.genre == whole.genre and analysis.actors == whole.actors
    assert any(w.startswith("claims stage failed (IndexError: [E1002]") for w in analysis.warnings)
    analysis.to_document()  # the document is still valid output


def test_stages_that_need_a_failed_stage_are_skipped_with_a_warning(pipeline: Pipeline):
    broken = _replace(pipeline, "quotes", Raising(next(s for s in pipeline.stages if s.name == "quotes")))
    analysis = broken.analyse_text(TEXT)
    assert analysis.problem is None and analysis.actors
    assert analysis.quotes == analysis.relations == analysis.claims == [] and analysis.genre is None
    skipped = [w.split()[0] for w in analysis.warnings if "stage skipped" in w]
    assert skipped == ["relations", "relation-model", "claims", "rhetoric"]
    assert any("requires 'quotes'" in w for w in analysis.warnings)


def test_a_fatal_stage_fails_the_document_only(pipeline: Pipeline):
    broken = _replace(pipeline, "parse", Raising(next(s for s in pipeline.stages if s.name == "parse"), fatal=True))
    first, second = broken.pipe([_source(TEXT, "a"), _source(TEXT, "b")])
    assert first.problem is not None and first.problem.stage == "parse" and "IndexError" in first.problem.message
    assert second.problem is not None and second.problem.source == "b"


def test_a_batched_stage_goes_through_the_guard():
    stages = Pipeline.from_stages([BatchedPicky()], given=("text",))
    analyses = [Analysis(source=_source(t, t), text=t) for t in ("good one", "a bad one", "another good one")]
    done = list(stages.run(analyses))
    assert [a.title for a in done] == ["seen", None, "seen"]
    assert done[1].problem is None and "picky stage failed (ValueError: cannot read this one)" in done[1].warnings[0]


def test_a_slow_document_is_cut_by_the_timeout_and_the_next_one_runs():
    stages = Pipeline.from_stages([Sleeping()], given=("text",), timeout=0.5)
    slow, quick = stages.run([Analysis(source=_source("slow", "slow"), text="slow"),
                              Analysis(source=_source("quick", "quick"), text="quick")])
    assert slow.problem is not None and slow.problem.stage == "sleepy"
    assert slow.problem.message == "timed out after 0.5 s"
    assert quick.problem is None


def test_analyze_timeout_option_records_the_document_as_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "article.txt").write_text("Title\n\nRussia and Belarus agreed on drills.", encoding="utf-8")
    monkeypatch.setattr(ExtractClaims, "__call__", lambda self, analysis: time.sleep(30))
    result = CliRunner().invoke(app, ["analyze", str(tmp_path), "--timeout", "1"])
    assert result.exit_code == 1
    assert "timed out after 1 s [claims]" in result.output


def test_pipeline_command_prints_the_contracts():
    result = CliRunner().invoke(app, ["pipeline"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "relations" in result.output and "quotes, published" in result.output
    refused = CliRunner().invoke(app, ["pipeline", "--exclude", "actors"], env={"COLUMNS": "200"})
    assert refused.exit_code == 2 and "coref requires 'actors'" in refused.output


def test_the_timeout_also_holds_in_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(f"Title {name}\n\nRussia and Belarus agreed on drills.", encoding="utf-8")
    monkeypatch.setattr(ExtractClaims, "__call__", lambda self, analysis: time.sleep(30))  # forked into the workers
    result = CliRunner().invoke(app, ["analyze", str(tmp_path), "--timeout", "2", "--workers", "2"])
    assert result.exit_code == 1
    assert result.output.count("timed out after 2 s [claims]") == 3


class _Recording(Analysis):
    """An analysis that notes which of its attributes a stage reads and sets."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        object.__setattr__(self, "_read", set())
        object.__setattr__(self, "_set", set())

    def __getattribute__(self, name: str):
        if name in _ATTRIBUTES and "_read" in object.__getattribute__(self, "__dict__"):
            object.__getattribute__(self, "_read").add(name)
        return object.__getattribute__(self, name)

    def __setattr__(self, name: str, value) -> None:
        if name in _ATTRIBUTES and "_set" in self.__dict__:
            self.__dict__["_set"].add(name)
        object.__setattr__(self, name, value)


_ATTRIBUTES = {f for f in Analysis.__dataclass_fields__}
_BOOKKEEPING = {"warnings", "problem", "lost", "seconds"}  # every stage may warn; the pipeline keeps the rest


def test_stages_read_and_set_only_what_they_declare(pipeline: Pipeline):
    text = ("Opinion: Minsk bows to Moscow\n\nBy Jan Kowal\n\nMINSK, 10 October (BelTA) – Russia and Belarus agreed "
            "on drills, officials said. “We will defend our union from every threat,” Lukashenko said. Belarus "
            "accused Poland of spying and sent 12,000 troops. He is Putin’s little minion.\n\nJan Kowal\nWarsaw")
    work = _Recording(source=_source(text))
    for stage in pipeline.stages:
        work._read.clear()
        work._set.clear()
        stage(work)
        assert work.problem is None, (stage.name, work.problem)
        assert work._read - _BOOKKEEPING <= {*stage.requires, *stage.assigns}, stage.name
        assert work._set - _BOOKKEEPING <= set(stage.assigns), stage.name
    assert work.relations and work.quotes and work.claims and work.genre is not None


class BatchedSleeping(Sleeping):
    """A batched stage held up by one slow document in its batch."""

    name, assigns, batch_size = "sleepy_batch", ("title",), 8

    def __call__(self, analysis: Analysis) -> None:
        super().__call__(analysis)
        analysis.title = "seen"

    def pipe(self, analyses: list[Analysis]) -> None:
        for analysis in analyses:
            self(analysis)


def test_a_batch_that_runs_over_is_run_again_one_by_one():
    stages = Pipeline.from_stages([BatchedSleeping()], given=("text",), timeout=0.5)
    done = list(stages.run(Analysis(source=_source(t, t), text=t) for t in ("quick", "slow", "quick too")))
    assert [a.title for a in done] == ["seen", None, "seen"]
    assert [a.problem.message if a.problem else None for a in done] == [None, "timed out after 0.5 s", None]
