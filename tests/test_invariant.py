"""Property-based checks: no input breaks a stage or the evidence invariant."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powermap.analysis import Source
from tests.conftest import assert_evidence

WORDS = ["Putin", "Lukashenko", "the Kremlin", "Minsk", "Kyiv", "he", "said", "Belarusian", "leader",
         "President", "Russia", "in", "of", "and", ".", ",", "\n", "\n\n", "“", "”", "'s", "NATO",
         "BelTA", "(Reuters) -", "Leave a Reply", "By Jane Doe", "Opinion:", "\u200b", "\u202e"]

texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts)
def test_random_text_never_crashes_and_keeps_evidence(pipeline, text):
    source = Source(label="fuzz", format="text", raw=text, body=text)
    analysis = next(pipeline.pipe([source]))
    if analysis.problem is not None:
        assert analysis.problem.stage == "clean" and "empty" in analysis.problem.message
        return
    assert_evidence(analysis.to_document().dump())
