from powermap.analysis import Analysis, Source
from powermap.clean import Clean

ARTICLE = """Opinion: The tenant of Minsk

By Anna Novak
Published: 3 May 2023

MINSK, May 2 (BelTA) - The Belarusian leader said the army was ready.

A second paragraph with more words in it.
Share | Tweet | Email
- Latest: Another story about something else

Leave a Reply
Your email address will not be published.
Comment
"""


def run(body: str, **hints) -> Analysis:
    analysis = Analysis(source=Source(label="t", format="text", raw=body, body=body, **hints))
    Clean()(analysis)
    return analysis


def test_furniture_out_metadata_in():
    analysis = run(ARTICLE)
    assert analysis.title == "The tenant of Minsk"
    assert analysis.section == "Opinion"
    assert analysis.author == "Anna Novak"
    assert analysis.published == "2023-05-03"
    assert analysis.text.startswith("Opinion: The tenant of Minsk\n")
    for furniture in ("Leave a Reply", "Share | Tweet", "Latest", "By Anna", "Published", "email address"):
        assert furniture not in analysis.text
    assert analysis.text.endswith("A second paragraph with more words in it.")


def test_dateline_records_agency_with_exact_offsets():
    analysis = run(ARTICLE)
    (item,) = analysis.wire_items
    assert item.agency == "media:belta" and item.place == "Minsk" and item.date_text == "May 2"
    assert analysis.text[item.start : item.end] == item.text == "MINSK, May 2 (BelTA) -"


def test_letter_signature_is_the_author_and_leaves_the_text():
    body = "A headline\n\nThe Kremlin decides and Minsk obeys.\n\nIt cannot go on.\nJohn Smith\nLapu-Lapu City\n"
    analysis = run(body)
    assert analysis.author == "John Smith"
    assert analysis.text.endswith("It cannot go on.")


def test_closing_word_is_not_a_signature():
    body = "A headline\n\nThe war goes on.\n\nHe has no choice.\nPeace.\n"
    analysis = run(body)
    assert analysis.author is None and analysis.text.endswith("Peace.")


def test_title_hint_is_prepended_when_the_body_lacks_it():
    analysis = run("Belarus and Russia agreed.", title="Allies agree")
    assert analysis.title == "Allies agree"
    assert analysis.text == "Allies agree\n\nBelarus and Russia agreed."


def test_empty_after_cleaning_and_too_large_fail():
    assert "empty" in run("   \n\n Leave a Reply\nComment\n").problem.message
    analysis = Analysis(source=Source(label="t", format="text", raw="x" * 50, body="x" * 50))
    Clean(max_chars=10)(analysis)
    assert "too large" in analysis.problem.message


CREDITED = """Harbour talks stall again

Tomas Lindqvist Columnist

World Politics Politics

The ministers met at dawn and parted without a deal (Photo: Eva Marsh / Getty Images) on the quay.
Eva Marsh / AFP via Getty Images
Karl Brenner /
Both sides said they would try again. The mediator said the gap was narrow, and that the next round wou"""


def test_credits_tags_bylines_and_a_cut_last_word_are_furniture():
    analysis = run(CREDITED)
    assert analysis.author == "Tomas Lindqvist"
    for furniture in ("Columnist", "World Politics", "Getty", "Eva Marsh", "Karl Brenner", "round wou"):
        assert furniture not in analysis.text
    assert "parted without a deal on the quay." in analysis.text
    assert analysis.text.endswith("that the next round")


def test_a_finished_last_paragraph_and_a_short_last_line_are_kept():
    assert run("Title here\n\nOne sentence ends here. Another one ends too.").text.endswith("ends too.")
    assert run("Title here\n\nA paragraph. And then\nSee you").text.endswith("See you")


def test_article_tools_are_furniture():
    analysis = run("Harbour talks stall again\n\nEmail this article\nPrint this page\n\nThe ministers met at dawn.")
    assert "Email" not in analysis.text and "Print" not in analysis.text
