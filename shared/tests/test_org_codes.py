"""The one org code type every service accepts in paths, queries and bodies."""
from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from linli_shared.orgs import CommunityCode, OrgCode, is_org_code, prefix_regex


class Body(BaseModel):
    org: OrgCode
    community: CommunityCode = "130303001001"


@pytest.mark.parametrize("code", ["130303", "130303001", "130303001001", "130303001001-3", "130303001001-03",
                                  "130303001001-123"])
def test_districts_streets_communities_and_grids_are_org_codes(code):
    assert Body(org=code).org == code and is_org_code(code)


@pytest.mark.parametrize("code", [
    "130303001|.*", "130303.*", "^130303", "130303001001$", "1303(03)", "130303[0-9]",  # regex metacharacters
    "１３０３０３", "١٣٠٣٠٣", "130303００1",  # full-width and Arabic-Indic digits pass str.isdigit()
    "", "13030", "1303031", "1303030011", "1303030010011", "130303001-03", "130303001001-", "130303001001-1234",
    "130303001001\n", " 130303", "130303 ", "ABCDEF",
])
def test_anything_else_is_refused_as_org_code_invalid(code):
    with pytest.raises(ValidationError) as refused:
        Body(org=code)
    assert refused.value.errors()[0]["type"] == "org.code.invalid"
    assert not is_org_code(code)


@pytest.mark.parametrize("code", ["130303", "130303001", "130303001001-03", "１３０３０３００１００１"])
def test_a_community_code_is_exactly_twelve_ascii_digits(code):
    with pytest.raises(ValidationError) as refused:
        Body(org="130303", community=code)
    assert refused.value.errors()[0]["type"] == "org.code.invalid"


def test_a_prefix_filter_never_carries_a_pattern_from_its_input():
    assert prefix_regex("130303") == {"$regex": "^130303"}
    assert prefix_regex("1|.*") == {"$regex": "^1\\|\\.\\*"}
