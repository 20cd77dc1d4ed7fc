"""Stored documents as typed models: `_id` is `id` in Python, every other field keeps its stored name."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

# Calendar days are stored as ISO strings ("2026-11-01"): BSON has no date without a time.
IsoDate = Annotated[date, PlainSerializer(date.isoformat, return_type=str)]


class Stored(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    UNWRITTEN_WHEN_NONE: ClassVar[frozenset[str]] = frozenset()  # fields a new document does not carry yet

    id: str = Field(alias="_id")

    def doc(self) -> dict[str, Any]:
        """The document to insert, under its stored names."""
        return self.model_dump(by_alias=True,
                               exclude={f for f in self.UNWRITTEN_WHEN_NONE if getattr(self, f) is None})
