"""The attacker's arithmetic: how many ID numbers fit what a caller without pii:read has seen.

Pure, for the property tests. Given what is known of an 18-character number (characters at positions,
from every masked form seen), the birth date and the gender, count the numbers consistent with all of
it and with the GB 11643 check character. The unknown digits are not enumerated one by one: a count of
weighted sums modulo 11 carries them, so 14 unknown digits cost 14 × 11 × 10 steps, not 10^14.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_DIGITS = "0123456789"
# An 18-character run of digits, X and *: a masked (or unmasked) ID number somewhere in a text.
_SHOWN_NUMBER = re.compile(r"(?<![0-9A-Za-z*])[0-9*]{17}[0-9Xx*](?![0-9A-Za-z*])")
# Values that say nothing about a person but are long runs of digits: ids, timestamps, digests, traces.
_NOISE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"
                    r"|\d{4}-\d\d-\d\d[T ][\d:.]+(?:Z|[+-]\d\d:\d\d)?|[0-9a-f]{32,}|\d{20}-[0-9a-f]{8}")


def candidates(known: dict[int, str], birth: date, gender: str) -> int:
    """18-character numbers with these characters at these positions, born then, of this gender, checksum right."""
    allowed = []
    for position in range(17):
        digits = set(_DIGITS)
        if 6 <= position < 14:
            digits = {f"{birth:%Y%m%d}"[position - 6]}
        if position == 16:  # odd for men, even for women
            digits = {d for d in digits if int(d) % 2 == (1 if gender == "male" else 0)}
        if position in known:
            digits &= {known[position]}
        allowed.append(digits)
    sums = {0: 1}  # weighted sum modulo 11 → how many prefixes reach it
    for digits, weight in zip(allowed, _WEIGHTS, strict=True):
        step: dict[int, int] = {}
        for total, count in sums.items():
            for digit in digits:
                key = (total + int(digit) * weight) % 11
                step[key] = step.get(key, 0) + count
        sums = step
    if 17 in known:
        return sum(count for total, count in sums.items() if _CHECK_CHARACTERS[total] == known[17].upper())
    return sum(sums.values())


def known_from(masked: str) -> dict[int, str]:
    """The positions a masked form shows."""
    return {i: c for i, c in enumerate(masked) if c != "*"}


def known_in(texts: Iterable[str], number: str) -> dict[int, str]:
    """Everything every shown form of this number in these texts gives away, taken together.

    A shown form that contradicts the number (another resident's) tells nothing about it and is skipped.
    """
    known: dict[int, str] = {}
    for text in texts:
        for match in _SHOWN_NUMBER.finditer(text):
            shown = known_from(match.group().upper())
            if all(number[i] == c for i, c in shown.items()):
                known.update(shown)
    return known


def leaked_runs(texts: Iterable[str], number: str, run: int = 4) -> list[str]:
    """Runs of `run` characters of the number beyond its first four that appear anywhere in the texts.

    Runs wholly inside the birth date (characters 7-14) are left out: the birth date is shown on purpose.
    """
    scrubbed = [_NOISE.sub(" ", text) for text in texts]
    runs = {number[i:i + run] for i in range(4, len(number) - run + 1) if not (6 <= i and i + run <= 14)}
    return sorted(r for r in runs if any(r in text for text in scrubbed))


def strings_in(value: object) -> list[str]:
    """Every string (and number, as text) inside a JSON value: what a caller received."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *strings_in(v))]
    if isinstance(value, list | tuple):
        return [s for item in value for s in strings_in(item)]
    return [] if value is None else [str(value)]
