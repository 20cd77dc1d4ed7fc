"""The ids behind each computed cell of each revision of a report."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from linli_shared.outbox import Tx

from linli_reports.storage.indexes import LINEAGE


class LineageCell(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: str = Field(alias="_id")  # report:revision:indicator
    report_id: str
    revision: int
    indicator: str
    kind: str  # residents, households, visits, referrals, placements
    ids: list[str]


def cell_id(report_id: str, revision: int, indicator: str) -> str:
    return f"{report_id}:{revision}:{indicator}"


async def insert(tx: Tx, cells: list[LineageCell]) -> None:
    if cells:
        await tx.db[LINEAGE].insert_many([c.model_dump(by_alias=True) for c in cells], session=tx.session)


async def cell(db: Any, report_id: str, revision: int, indicator: str) -> LineageCell | None:
    doc = await db[LINEAGE].find_one({"report_id": report_id, "revision": revision, "indicator": indicator})
    return None if doc is None else LineageCell.model_validate(doc)
