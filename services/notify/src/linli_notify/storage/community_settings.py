"""A community's rule overrides and its WeCom group robot, versioned on every save."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pymongo import ReturnDocument

from linli_notify.domain.rules import RuleOverride
from linli_notify.storage.indexes import COMMUNITY_SETTINGS


class CommunitySettings(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    community_code: str = Field(alias="_id")
    rules: dict[str, RuleOverride] = {}
    wecom_robot_url: str | None = None
    version: int = 0  # 0: never saved


async def get(db: Any, community: str, session: Any = None) -> CommunitySettings:
    """The community's settings; the defaults (no override, no robot) when it saved none."""
    doc = await db[COMMUNITY_SETTINGS].find_one({"_id": community}, session=session)
    return CommunitySettings(community_code=community) if doc is None else CommunitySettings.model_validate(doc)


async def put(db: Any, settings: CommunitySettings) -> CommunitySettings:
    """Replace the rules and the robot; the version goes up by one."""
    fields = settings.model_dump(mode="json", include={"rules", "wecom_robot_url"})
    doc = await db[COMMUNITY_SETTINGS].find_one_and_update(
        {"_id": settings.community_code}, {"$set": fields, "$inc": {"version": 1}}, upsert=True,
        return_document=ReturnDocument.AFTER)
    return CommunitySettings.model_validate(doc)
