"""A need's fields, declared once: the store keeps them (storage/needs.py) and the API shows them
(api/schemas.py), each adding its own status and resolution fields."""
from __future__ import annotations

from pydantic import BaseModel


class NeedFields(BaseModel):
    """What a visit found a resident needs (诉求)."""

    id: str
    community_code: str
    resident_id: str
    visit_id: str
    category: str
    description: str
    urgent: bool
