"""What every stored visits document shares: its `_id` read as `id`, days kept as ISO strings."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from linli_shared.outbox import Tx

Day = Annotated[date, PlainSerializer(date.isoformat, return_type=str)]  # stored as "2025-03-01"


class Stored(BaseModel):
    """A document as one storage module reads and writes it (`model_validate` in, `document()` out)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: str = Field(alias="_id")

    def document(self) -> dict[str, Any]:
        """The fields this document was made with, as the store keeps them: a field set later (an end,
        a resolution) stays absent until then, so nothing new appears in the store."""
        return self.model_dump(by_alias=True, exclude_unset=True)

    def fields(self) -> dict[str, Any]:
        """By field name (`id`, days as dates), for a response body."""
        return self.model_dump()


def at(where: Tx | Any) -> tuple[Any, Any]:
    """A read from a transaction (`tx`) or from the database outside one: the database and its session."""
    return (where.db, where.session) if isinstance(where, Tx) else (where, None)
