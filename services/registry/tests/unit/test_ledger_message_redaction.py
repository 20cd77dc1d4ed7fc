"""A cell repeated in an import message is masked before it is shortened: a cut ID number escapes no pattern."""
from __future__ import annotations

from datetime import date

from linli_devtools.people import id_number

from linli_registry.domain.ledger import COLUMNS, map_header, parse_row

ID = id_number(date(1950, 3, 7), "male")


def test_an_id_number_cut_by_the_message_length_is_masked_first():
    headers = {column.key: column.header for column in COLUMNS}
    header = map_header([headers["name"], headers["id_number"], headers["relation_to_head"]])
    parsed = parse_row(header, 5, ["王小明", ID, f"表哥，身份证{ID}"], date(2024, 6, 1))
    message = next(e.message for e in parsed.errors if e.column == "relation_to_head")
    assert ID[:4] in message and ID[4:13] not in message
