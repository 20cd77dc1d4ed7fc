"""A template change's fields, declared once: the trail keeps them (storage/templates.py) and the API shows
them (api/schemas.py)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class TemplateChangeFields(BaseModel):
    """Who created, updated or deleted an org's template, and its text before and after."""

    id: str
    at: datetime
    actor: str
    action: Literal["created", "updated", "deleted"]
    org_code: str
    key: str
    old_body: str | None = None
    old_subject: str | None = None
    new_body: str | None = None
    new_subject: str | None = None
    version: int
