"""Org codes as every service accepts them: validated once, before any query is built from one.

District 6 digits, street 9, community 12 (统计用区划代码), grid = community + '-' + 1 to 3 digits.
ASCII digits only: `str.isdigit()` and regex `\\d` also accept full-width and Arabic-Indic digits.
"""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

ORG_CODE_PATTERN = r"[0-9]{6}(?:[0-9]{3}(?:[0-9]{3}(?:-[0-9]{1,3})?)?)?"
COMMUNITY_CODE_PATTERN = r"[0-9]{12}"
_ORG_CODE = re.compile(ORG_CODE_PATTERN)
_COMMUNITY_CODE = re.compile(COMMUNITY_CODE_PATTERN)


def is_org_code(value: object) -> bool:
    return isinstance(value, str) and _ORG_CODE.fullmatch(value) is not None


def check_org_code(value: str) -> str:
    if not is_org_code(value):
        raise PydanticCustomError("org.code.invalid", "not an org code: a district (6 digits), street (9), "
                                  "community (12) or grid (community-NN) code")
    return value


def check_community_code(value: str) -> str:
    if _COMMUNITY_CODE.fullmatch(value) is None:
        raise PydanticCustomError("org.code.invalid", "not a community code (12 digits)")
    return value


OrgCode = Annotated[str, AfterValidator(check_org_code),
                    WithJsonSchema({"type": "string", "pattern": f"^{ORG_CODE_PATTERN}$",
                                    "examples": ["130303", "130303001", "130303001001", "130303001001-03"]})]
CommunityCode = Annotated[str, AfterValidator(check_community_code),
                          WithJsonSchema({"type": "string", "pattern": f"^{COMMUNITY_CODE_PATTERN}$",
                                          "examples": ["130303001001"]})]


def prefix_regex(code: str) -> dict[str, str]:
    """A Mongo filter for everything beneath `code` (anchored, index-friendly), never a pattern from input."""
    return {"$regex": "^" + re.escape(code)}
