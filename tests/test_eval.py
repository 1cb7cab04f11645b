"""The scorers on gold files we write: they must count what they claim to count."""

from pathlib import Path

from powermap.eval.quotes import evaluate

TEXT = ("“We will never send our soldiers to that war,” Lukashenko said on Monday.\n\n"
        "Peskov told reporters that the exercises were purely defensive.\n")


def _brat(folder: Path, name: str, lines: list[str]) -> None:
    (folder / "attributions" / f"{name}.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _span(label: str, part: str, text: str = TEXT) -> str:
    start = text.index(part)
    return f"{label} {start} {start + len(part)}\t{part}"


def _attribution(n: int, content: str, cue: str, source: str) -> list[str]:
    return [
        f"T{n}\t" + _span("Content", content), f"T{n + 1}\t" + _span("Cue", cue),
        f"T{n + 2}\t" + _span("Source", source),
        f"E{n}\tAttribution:T{n} Content:T{n} Cue:T{n + 1} Source:T{n + 2}",
    ]


def test_quote_scorer_averages_annotators_of_one_text(tmp_path: Path, pipeline):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "article.txt").write_text(TEXT, encoding="utf-8")
    direct = _attribution(1, "We will never send our soldiers to that war,", "said", "Lukashenko")
    indirect = _attribution(5, "that the exercises were purely defensive", "told", "Peskov")
    _brat(tmp_path, "article_a1", direct + indirect)
    _brat(tmp_path, "article_a2", direct)  # the second annotator missed the indirect one
    report = evaluate(tmp_path, pipeline)
    assert (report.texts, report.files) == (1, 2)
    scores = report.all.scores()
    assert scores["gold"] == 1.5  # (2 + 1) / 2: the text counts once
    assert scores["matched"] == 1.5
    assert scores["speaker_accuracy"] == 1.0
    direct_scores = report.direct.scores()
    assert (direct_scores["gold"], direct_scores["matched"], direct_scores["precision"]) == (1, 1, 1.0)


def test_quote_scorer_misses_a_wrong_span(tmp_path: Path, pipeline):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "article.txt").write_text(TEXT, encoding="utf-8")
    _brat(tmp_path, "article_a1", _attribution(1, "on Monday", "said", "Lukashenko"))
    report = evaluate(tmp_path, pipeline)
    assert report.all.scores()["matched"] == 0
    assert report.all.scores()["recall"] == 0.0
