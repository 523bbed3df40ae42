"""The form encoder is byte-identical to urllib's, and unencodable text is a ValidationError."""

from __future__ import annotations

import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afilnet_async import AfilnetClient, FormAuth, ValidationError
from afilnet_async.urlencoding import form_encode, quote_plus

encodable_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=300, derandomize=True)
@given(encodable_text)
def test_quote_plus_matches_urllib(text: str) -> None:
    assert quote_plus(text) == urllib.parse.quote_plus(text)


@settings(max_examples=100, derandomize=True)
@given(st.dictionaries(encodable_text, encodable_text, max_size=5))
def test_form_bodies_match_urlencode(fields: dict[str, str]) -> None:
    assert form_encode(fields) == urllib.parse.urlencode(fields).encode("ascii")


@pytest.mark.parametrize("text", ["Ñandú", "名前", "😀 + 50% & more", "a=b&c", ""])
def test_non_ascii_and_reserved_characters_round_trip(text: str) -> None:
    assert urllib.parse.unquote_plus(quote_plus(text)) == text


async def test_a_lone_surrogate_is_refused_before_sending() -> None:
    async with AfilnetClient(FormAuth("user", "pw")) as client:
        with pytest.raises(ValidationError, match="surrogate"):
            contact = {"mobile": "34600000000", "name": "\ud800"}
            await client.group.add_contact(idgroup=1, contact=contact)
