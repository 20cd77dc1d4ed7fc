"""Resident identity from the ID document: the rules that need no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from linli_registry.domain.id_card import IdNumberError, normalize_id_number, parse_id_card


class IdentityError(ValueError):
    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


@dataclass(frozen=True)
class Identity:
    id_type: str
    id_number: str
    birth_date: date
    gender: str


def resolve_identity(id_type: str, id_number: str, birth_date: date | None, gender: str | None,
                     today: date) -> Identity:
    """A mainland ID card decides birth date and gender; anything sent beside it must agree."""
    if id_type != "id_card":
        return _other_document(id_type, id_number, birth_date, gender, today)
    try:
        card = parse_id_card(id_number, today=today)
    except IdNumberError as exc:
        raise IdentityError(exc.code, exc.message, "id_number") from exc
    if birth_date is not None and birth_date != card.birth_date:
        raise IdentityError("resident.birth_date.mismatch",
                            f"birth date {birth_date} disagrees with the ID number ({card.birth_date})", "birth_date")
    if gender is not None and gender != card.gender:
        raise IdentityError("resident.gender.mismatch",
                            f"gender {gender} disagrees with the ID number ({card.gender})", "gender")
    return Identity(id_type, card.number, card.birth_date, card.gender)


def _other_document(id_type: str, id_number: str, birth_date: date | None, gender: str | None,
                    today: date) -> Identity:
    number = normalize_id_number(id_number)
    if not number:
        raise IdentityError("resident.id_number.format", "the ID document number is empty", "id_number")
    if birth_date is None:
        raise IdentityError("resident.birth_date.required", f"birth_date is required for {id_type}", "birth_date")
    if gender is None:
        raise IdentityError("resident.gender.required", f"gender is required for {id_type}", "gender")
    if birth_date > today:
        raise IdentityError("resident.birth_date.future", f"birth date {birth_date} is in the future", "birth_date")
    return Identity(id_type, number, birth_date, gender)
