"""What a search by ID tail becomes once a caller without pii:read has used up the hour's allowance."""
from __future__ import annotations

from linli_registry.domain.search import SearchQuery, parse_search, without_id_tail


def test_past_the_allowance_a_tail_that_may_be_a_phone_still_searches_phones():
    assert without_id_tail(parse_search("1234")) == SearchQuery("number", "1234", phone_tail="1234")


def test_past_the_allowance_a_tail_ending_in_x_has_nothing_left_to_search():
    assert without_id_tail(parse_search("002x")) is None  # only an ID number ends in X
