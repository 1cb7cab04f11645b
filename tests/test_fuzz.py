"""Property-based fuzzing of each stage's entry points (no exception escapes, evidence holds), and the
whole CLI on mutated inputs (tests/bad_inputs/fuzz.py)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powermap.analysis import Analysis, Source
from powermap.clean import Clean
from powermap.dates import resolve
from powermap.ingest.decode import DecodeError, decode
from powermap.ingest.html import read_html
from powermap.quotes import quoted_spans
from tests.bad_inputs import fuzz
from tests.conftest import assert_evidence

PIECES = ["Putin", "Lukashenko", "the Kremlin", "Minsk", "Kyiv", "he", "said", "Belarusian", "leader", "2,500",
          "troops", "about 500", "$1.5 billion", "18%", "May 16", "10.10.2022", "last year", "dictator",
          "“", "”", "\"", "«", "»", "‘", "’", "(Reuters) -", "MINSK, 10 October (BelTA) –", "Opinion:",
          "\n", "\n\n", ".", ",", "?", "!", ":", "\u200b", "\u202e", "\x00", "Leave a Reply", "- Latest",
          "did not", "refused to", "asked", "to help", "according to", "either", "or", "Peace."]
structured = st.lists(st.sampled_from(PIECES), max_size=80).map(" ".join)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.binary(max_size=2000))
def test_decode_refuses_or_returns_text(data):
    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        assert str(exc)
        return
    assert isinstance(text, str) and encoding


@FUZZ
@given(st.text(max_size=400))
def test_html_reader_never_raises(markup):
    source = read_html(f"<html><body><p>{markup}</p></body></html>", "fuzz.html")
    assert source.error or isinstance(source.body, str)


@FUZZ
@given(st.one_of(structured, st.text(max_size=300)))
def test_clean_keeps_its_promises(text):
    analysis = Analysis(source=Source(label="fuzz", format="text", raw=text, body=text))
    Clean()(analysis)
    if analysis.problem is None:
        assert analysis.text.strip()
        for item in analysis.wire_items:
            assert analysis.text[item.start : item.end] == item.text


@FUZZ
@given(st.one_of(structured, st.text(max_size=60)), st.sampled_from([None, "2022-06-01", "bad-date"]))
def test_dates_never_raise(text, published):
    iso, precision = resolve(text, published)
    assert precision in {"day", "month", "year"} and (iso is None or iso[:4].isdigit())


@FUZZ
@given(structured)
def test_quote_spans_are_inside_the_text(text):
    for start, end in quoted_spans(text, 4, 6):
        assert 0 <= start <= end <= len(text)


@FUZZ
@given(structured)
def test_every_stage_on_structured_noise(pipeline, text):
    analysis = next(pipeline.pipe([Source(label="fuzz", format="text", raw=text, body=text)]))
    if analysis.problem is not None:
        assert analysis.problem.stage == "clean" and "empty" in analysis.problem.message
        return
    assert_evidence(analysis.to_document().dump())


# Families that break a batch on this branch, and the finding of issue 14 whose fix they wait for.
# strict: once the fix is merged the family passes, the xfail turns into a failure, and this goes.


@pytest.mark.parametrize("family", fuzz.FAMILIES)
def test_fuzzed_inputs_through_the_cli_keep_every_promise(family, tmp_path):
    """The quick mode of tests/bad_inputs/fuzz.py (make robustness runs the full one)."""
    report = fuzz.run_family(family, fuzz.generate(14, quick=True)[family], tmp_path, memory_mb=2048, timeout=600)
    assert report["passed"], {k: report[k] for k in ("crash", "hang", "stopped", "lost", "stored_twice",
                                                     "edges_equal", "integrity", "said")}
