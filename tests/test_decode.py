import codecs

import pytest

from powermap.ingest.decode import DecodeError, decode

CYRILLIC = "Президент Беларуси заявил, что армия готова. " * 5


def test_utf8_and_bom():
    assert decode("Minsk – Kyiv".encode())[0] == "Minsk – Kyiv"
    text, encoding = decode(codecs.BOM_UTF8 + b"Minsk")
    assert (text, encoding) == ("Minsk", "utf-8-sig")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(codec):
    text = "Belarus and Russia agreed to deploy forces. " * 3
    assert decode(text.encode(codec))[0] == text


def test_cp1251_without_declaration():
    text, encoding = decode(CYRILLIC.encode("cp1251"))
    assert text == CYRILLIC
    assert encoding.replace("_", "").lower() in {"cp1251", "windows1251"}


def test_latin1_without_declaration():
    text = "Le président français a reçu le ministre à l'Élysée. " * 3
    assert decode(text.encode("latin-1"))[0] == text


@pytest.mark.parametrize(
    "data, reason",
    [(b"", "empty"), (bytes(range(256)) * 20, "binary"), (b"\x89PNG\r\n\x1a\n" + bytes(400), "binary")],
)
def test_refusals_say_why(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode(data)
