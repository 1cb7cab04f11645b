"""The offset lookups the stages use to stay linear: same answers as scanning every item, and stages
whose items do not depend on how much text comes before them."""

from hypothesis import given, settings
from hypothesis import strategies as st

from powermap import quotes
from powermap.offsets import Intervals, between

spans = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)), max_size=30).map(
    lambda pairs: [(start, start + length, n) for n, (start, length) in enumerate(pairs)])


@settings(max_examples=200, deadline=None)
@given(spans, st.integers(-5, 90), st.integers(1, 25))
def test_intervals_answer_as_a_scan_of_every_item_would(items, offset, width):
    lookup = Intervals(items)
    covering = [n for start, end, n in items if start <= offset < end]
    assert lookup.first_at(offset) == (covering[0] if covering else None)
    assert lookup.all_at(offset) == covering
    assert lookup.overlapping(offset, offset + width) == [n for s, e, n in items if s < offset + width and offset < e]


@given(st.lists(st.integers(0, 100)).map(sorted), st.integers(0, 100), st.integers(0, 100))
def test_between_is_the_slice_of_keys_in_range(keys, start, end):
    assert list(between(keys, start, end, key=int)) == [k for k in keys if start <= k < end]


def test_quote_pairing_reads_each_character_a_bounded_number_of_times(monkeypatch):
    """Unclosed marks used to rescan the rest of the paragraph each: 200,000 marks took a minute."""
    scanned = []
    search = quotes._search_end

    def counting(text, start, mark):
        end = search(text, start, mark)
        scanned.append(end - start)
        return end

    monkeypatch.setattr(quotes, "_search_end", counting)
    text = "".join(("“ word " if n % 3 else "« a ") for n in range(20000)) + "\n" + "‘ x " * 5000
    quotes.quoted_spans(text, 4, 6)
    assert sum(scanned) <= 3 * len(text)


def test_repeated_paragraphs_give_the_same_items_each_time(pipeline):
    """The per-sentence lookups find a sentence's items wherever it stands: a paragraph repeated gives
    the same quotes, relations and claims at every repetition (after the first, which has no context)."""
    paragraph = ("Belarusian President Aliaksandr Lukashenka said on Thursday that Belarus and Russia would hold "
                 "joint exercises near the Polish border. \"Our troops will stay on our own soil,\" Lukashenka "
                 "said. Poland accused Minsk of provoking a crisis, while 2,000 soldiers and 40 tanks moved west.")
    count = 12
    analysis = pipeline.analyse_text("Drills\n\n" + "\n\n".join([paragraph] * count))
    assert analysis.problem is None
    starts = [i for i in range(len(analysis.text)) if analysis.text.startswith(paragraph, i)]
    assert len(starts) == count

    def layer(items, number):
        start, end = starts[number], starts[number] + len(paragraph)
        return [(i.start - start, i.text) for i in items if start <= i.start < end]

    for items in (analysis.quotes, analysis.claims, [r.trigger for r in analysis.relations]):
        second = layer(items, 1)
        assert second
        assert all(layer(items, number) == second for number in range(2, count))
    asserted = [r.asserted_by for r in analysis.relations if starts[1] <= r.trigger.start]
    assert "author" in asserted


@given(st.text(alphabet="ab \n", max_size=400), st.integers(1, 60))
def test_a_long_text_is_cut_into_pieces_that_join_back(text, size):
    from powermap.parse import pieces

    parts = pieces(text, size)
    assert "".join(parts) == text and all(len(part) <= size for part in parts)


def test_a_text_parsed_in_pieces_is_one_doc_with_the_same_text_and_parse(pipeline):
    """Pieces are cut at paragraph breaks, which end sentences anyway: the joined Doc has the text's
    offsets and the same tokens, sentences and entities as one parse of the whole."""
    from powermap.parse import Parse, pieces

    paragraph = ("Belarus and Russia agreed on Tuesday to hold joint drills near the Polish border, the Belarusian "
                 "leader said. Poland summoned the ambassador and Lithuania closed two crossings.")
    text = "Drills\n\n" + "\n\n".join(f"{paragraph} Item {n}." for n in range(30))
    parse = Parse(piece_chars=1000)
    assert len(pieces(text, 1000)) > 5
    doc, whole = parse._long(text), parse.nlp(text)
    assert doc.text == text and len(doc) == len(whole)
    assert [s.start for s in doc.sents] == [s.start for s in whole.sents]
    assert [(e.start, e.end, e.label_) for e in doc.ents] == [(e.start, e.end, e.label_) for e in whole.ents]
