"""Resident search: what the typed text means, and how well a resident answers it. Pure, no I/O."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["name", "pinyin", "number", "address"]
ADDRESS_PARTS = ("estate", "building", "unit", "room")

_ID_TAIL = re.compile(r"[0-9]{3}[0-9X]")  # X is only ever the check character, the last one
_PHONE_TAIL = re.compile(r"[0-9]{4,11}")
_LETTERS = re.compile(r"[a-z]+")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_MARKED = re.compile(
    r"(?P<estate>[^0-9]*?)"
    r"(?:(?P<building>[0-9]+)(?:号楼|栋|幢|座|楼))?"
    r"(?:(?P<unit>[0-9]+)单元)?"
    r"(?:(?P<room>[0-9]+)(?P<mark>室|号)?)?")
_DASHED = re.compile(r"(?P<estate>[^0-9]*?)(?P<building>[0-9]+)-(?P<unit>[0-9]+)(?:-(?P<room>[0-9]+))?")


@dataclass(frozen=True)
class AddressQuery:
    estate: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None


@dataclass(frozen=True)
class SearchQuery:
    kind: Kind
    text: str  # normalised: the name fragment, the pinyin, or the digits
    id_tail: str | None = None
    phone_tail: str | None = None
    address: AddressQuery | None = None


def parse_search(q: str) -> SearchQuery:
    # NFKC because Chinese input methods type full-width digits, letters and hyphens (全角).
    text = "".join(unicodedata.normalize("NFKC", q).split())
    upper = text.upper()
    if _ID_TAIL.fullmatch(upper):
        return SearchQuery("number", upper, id_tail=upper, phone_tail=upper if upper.isdigit() else None)
    if _PHONE_TAIL.fullmatch(text):
        return SearchQuery("number", text, phone_tail=text)
    if _LETTERS.fullmatch(text.lower()):
        return SearchQuery("pinyin", text.lower())
    address = _parse_address(text)
    if address is not None:
        return SearchQuery("address", text, address=address)
    return SearchQuery("name", text)


def without_id_tail(query: SearchQuery) -> SearchQuery | None:
    """The same search by phone tail only, or None when the text can only be an ID tail (it ends in X)."""
    if not query.phone_tail:
        return None
    return SearchQuery("number", query.text, phone_tail=query.phone_tail)


def _parse_address(text: str) -> AddressQuery | None:
    match = _DASHED.fullmatch(text) or _MARKED.fullmatch(text)
    if match is None:
        return None
    parts = match.groupdict()
    estate = parts["estate"].removesuffix("小区") or None
    building, unit, room = parts["building"], parts["unit"], parts["room"]
    if room and not (building or unit) and parts.get("mark") != "室":
        # A lone number is a building: 工农里31号 is house 31 of the lane, a room needs 室 or a unit before it.
        if not (parts.get("mark") or _CHINESE.search(estate or "")):
            return None  # bare "31" or "X123": too ambiguous to guess
        building, room = room, None
    if not (building or unit or room):
        return None
    return AddressQuery(estate, building, unit, room)


def score(doc: dict[str, Any], query: SearchQuery, address: dict[str, Any] | None = None) -> int:
    """0 for no match; otherwise higher is better. Relevance first, then active before moved-out or deceased."""
    relevance = _RELEVANCE[query.kind](doc, query, address)
    return (relevance * 2 + (doc.get("status") == "active")) if relevance else 0


def rank(docs: list[dict[str, Any]], query: SearchQuery,
         addresses: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The matching docs, best first; ties in pinyin (phone-book) order of the name, then by id."""
    addresses = addresses or {}
    keyed = []
    for doc in docs:
        address = addresses.get(doc.get("household_id") or "")
        points = score(doc, query, address)
        if points:
            place = _address_order(address) if query.kind == "address" else ()
            keyed.append(((-points, place, doc.get("name_pinyin") or "", doc.get("name") or "", doc["_id"]), doc))
    return [doc for _, doc in sorted(keyed, key=lambda pair: pair[0])]


def _name(doc: dict[str, Any], query: SearchQuery, _: Any) -> int:
    name = doc.get("name") or ""
    if name == query.text:
        return 3
    return 2 if name.startswith(query.text) else int(query.text in name)


def _pinyin(doc: dict[str, Any], query: SearchQuery, _: Any) -> int:
    initials, pinyin = doc.get("name_initials") or "", doc.get("name_pinyin") or ""
    tiers = (initials == query.text, pinyin == query.text,
             initials.startswith(query.text), pinyin.startswith(query.text))
    return next((4 - i for i, hit in enumerate(tiers) if hit), 0)


def _number(doc: dict[str, Any], query: SearchQuery, _: Any) -> int:
    if query.id_tail and doc.get("id_tail") == query.id_tail:
        return 2
    digits = re.sub(r"[^0-9]", "", doc.get("phone") or "")  # phones may be stored as typed: "139 1234-5678"
    return int(bool(query.phone_tail) and digits.endswith(query.phone_tail))


def _address(doc: dict[str, Any], query: SearchQuery, address: dict[str, Any] | None) -> int:
    """Every given part must match; an estate typed in full counts more than a fragment of one."""
    wanted = query.address
    if wanted is None or address is None:
        return 0
    points = 0
    for part in ("building", "unit", "room"):
        given = getattr(wanted, part)
        if given is not None:
            if address.get(part) != given:
                return 0
            points += 2
    if wanted.estate is not None:
        estate = address.get("estate") or ""
        if wanted.estate not in estate:
            return 0
        points += 2 if estate == wanted.estate else 1
    return points


_RELEVANCE = {"name": _name, "pinyin": _pinyin, "number": _number, "address": _address}


def _address_order(address: dict[str, Any] | None) -> tuple:
    """Numeric where the part is a number (2 before 10), text otherwise, numbers first."""
    address = address or {}
    return tuple((0, int(v), "") if v.isascii() and v.isdigit() else (1, 0, v)
                 for v in (address.get(part) or "" for part in ADDRESS_PARTS))
