"""A pairing's fields, declared once: the store keeps them (storage/pairings.py) and the API shows them
(api/schemas.py)."""
from __future__ import annotations

from pydantic import BaseModel


class PairingFields(BaseModel):
    """A volunteer paired with an elder (一助一) in one community."""

    id: str
    community_code: str
    volunteer_id: str
    elder_id: str
    active: bool
