"""Masking, encryption at rest and keyed hashing of personal information (PIPL minimum necessary)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# ASCII digits only, bounded by digits alone: `id11010519491231002Xabc` and `身份证…号` are still caught.
# An 18-character number needs a 19xx/20xx birth date, a 15-digit one a YYMMDD, so codes and ids pass.
_MONTH_DAY = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
ID_NUMBER_PATTERN = re.compile(rf"(?<![0-9])(?:[0-9]{{6}}(?:19|20)[0-9]{{2}}{_MONTH_DAY}[0-9]{{3}}[0-9Xx]"
                               rf"|[0-9]{{8}}{_MONTH_DAY}[0-9]{{3}})(?![0-9])")
# A mainland mobile, with +86/0086/86 in front or spaces/hyphens inside (`138-1234-5678`).
PHONE_PATTERN = re.compile(r"(?<![0-9+])(?:(?:\+|00)?86[- ]?)?(1[3-9][0-9])[- ]?[0-9]{4}[- ]?([0-9]{4})(?![0-9])")


# Shaped like a mainland ID card (18 characters, or the old 15 digits), possibly masked already.
_ID_CARD_SHAPE = re.compile(r"[0-9*]{17}[0-9Xx*]|[0-9*]{15}")
_ID_CARD_SHOWN, _DOCUMENT_SHOWN = 4, 2  # an ID card's province and city (省市); a document's first two
_HIDDEN_AT_LEAST = 6


def mask_id_number(number: str | None, id_type: str | None = None) -> str | None:
    """`1303**************`: an ID card keeps its first 4 characters; other documents their first 2.

    Without pii:read a caller also sees the birth date and gender (workers need age and birthday),
    and those are digits 7-14 and the parity of digit 17. So the mask must hide the rest: with the
    county digits 5-6 (100 ways) and the sequence digits 15-17 (500 ways once gender fixes the
    parity) hidden and the check digit derived, one 18-character number keeps 50,000 candidates.
    Other documents (`id_type` not `id_card`) show at most 2 characters; any number hides at least 6.
    Applied to an already masked value (the old `130303********1234`) it gives the same new form,
    so stored masks of any age can be shown through it. Without `id_type` the shape decides.
    """
    if not number:
        return number
    card = id_type == "id_card" if id_type else bool(_ID_CARD_SHAPE.fullmatch(number))
    shown = min(_ID_CARD_SHOWN if card else _DOCUMENT_SHOWN, max(len(number) - _HIDDEN_AT_LEAST, 0))
    return number[:shown] + "*" * (len(number) - shown)


def mask_phone(phone: str | None) -> str | None:
    """`138****5678` for mobiles; other numbers keep only their last four."""
    if not phone:
        return phone
    digits = phone.strip()
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + "****" + digits[-4:]
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


def redact_text(text: str) -> str:
    """Mask every ID number and mobile number inside free text (log lines, notes)."""
    text = ID_NUMBER_PATTERN.sub(lambda m: mask_id_number(m.group(0)) or "", text)
    return PHONE_PATTERN.sub(lambda m: m.group(1) + "****" + m.group(2), text)


def _key(secret: str) -> bytes:
    try:
        raw = base64.b64decode(secret, validate=True)
    except ValueError:
        raw = b""
    return raw if len(raw) in (16, 24, 32) else hashlib.sha256(secret.encode()).digest()


class PiiVault:
    """Encrypts sensitive values at rest (AES-GCM) and finds them again by a keyed hash."""

    def __init__(self, encryption_key: str, hash_key: str) -> None:
        self._aead = AESGCM(_key(encryption_key))
        self._hash_key = _key(hash_key)

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), None)
        return base64.b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        return self.decrypt_bytes(base64.b64decode(token)).decode()

    def encrypt_bytes(self, plaintext: bytes, context: bytes = b"") -> bytes:
        """Nonce + ciphertext; `context` (e.g. a file id and chunk number) must match on decryption."""
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, plaintext, context or None)

    def decrypt_bytes(self, sealed: bytes, context: bytes = b"") -> bytes:
        return self._aead.decrypt(sealed[:12], sealed[12:], context or None)

    def keyed_hash(self, value: str) -> str:
        return hmac.new(self._hash_key, value.encode(), hashlib.sha256).hexdigest()


_PHONE_KEYS = {"phone", "phones", "mobile"}


def outside_view(data: Any) -> Any:
    """What leaves Linli for an outside system: phones masked wherever they sit (minimum necessary)."""
    if isinstance(data, dict):
        return {k: (mask_phone(v) if k in _PHONE_KEYS and isinstance(v, str) else outside_view(v))
                for k, v in data.items()}
    if isinstance(data, list):
        return [outside_view(item) for item in data]
    return data
