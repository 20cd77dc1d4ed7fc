"""Templates are saved by districts and streets, versioned, and refused with a specific code when impossible."""
from __future__ import annotations

import pytest

from reports_helpers import COMMUNITY, DISTRICT, SEED_000, STREET

ELDERLY = {"key": "e80", "label": "80岁以上", "source": "registry_group", "group": "elderly_80"}


async def test_each_save_is_a_new_version_and_lists_below_and_above(district, street):
    first = await district.put(f"/v1/orgs/{STREET}/report-templates/seed_000", json=SEED_000)
    assert first.status_code == 200, first.text
    again = await district.put(f"/v1/orgs/{STREET}/report-templates/seed_000",
                               json={**SEED_000, "name": "社区基本情况统计表（修订）"})
    assert (first.json()["version"], again.json()["version"]) == (1, 2)
    mine = await district.put(f"/v1/orgs/{DISTRICT}/report-templates/district_elderly",
                              json={"name": "老龄", "indicators": [ELDERLY]})
    assert mine.status_code == 200
    listed = await street.get(f"/v1/orgs/{STREET}/report-templates")
    assert [t["key"] for t in listed.json()] == ["district_elderly", "seed_000"]
    taken = await district.put(f"/v1/orgs/{DISTRICT}/report-templates/seed_000", json=SEED_000)
    assert (taken.status_code, taken.json()["code"]) == (409, "template.key.taken")


async def test_if_match_keeps_two_admins_from_overwriting_each_other(district):
    url = f"/v1/orgs/{STREET}/report-templates/seed_000"
    first = await district.put(url, json=SEED_000)
    mine = await district.put(url, json={**SEED_000, "name": "甲"}, headers={"If-Match": first.headers["etag"]})
    theirs = await district.put(url, json={**SEED_000, "name": "乙"}, headers={"If-Match": first.headers["etag"]})
    assert (first.headers["etag"], mine.status_code, mine.headers["etag"]) == ('"1"', 200, '"2"')
    assert (theirs.status_code, theirs.json()["code"]) == (412, "version.mismatch")
    listed = await district.get(f"/v1/orgs/{STREET}/report-templates")
    assert [(t["name"], t["version"]) for t in listed.json()] == [("甲", 2)]


@pytest.mark.parametrize("indicator, code", [
    ({**ELDERLY, "group": "martians"}, "template.indicator.unknown_group"),
    ({**ELDERLY, "filters": {"min_age": 90, "max_age": 80}}, "template.filter.age_range_inverted"),
    ({"key": "v", "label": "走访", "source": "visits", "metric": "visits.happiness"},
     "template.indicator.unknown_metric"),
])
async def test_impossible_templates_are_a_422_with_a_specific_code(district, indicator, code):
    response = await district.put(f"/v1/orgs/{STREET}/report-templates/bad",
                                  json={"name": "坏表", "indicators": [indicator]})
    assert (response.status_code, response.json()["code"]) == (422, code), response.text


async def test_duplicate_keys_and_community_owners_are_refused(district, community):
    duplicate = await district.put(f"/v1/orgs/{STREET}/report-templates/dup",
                                   json={"name": "重复", "indicators": [ELDERLY, ELDERLY]})
    assert duplicate.json()["code"] == "template.indicator.duplicate_key"
    at_community = await district.put(f"/v1/orgs/{COMMUNITY}/report-templates/x",
                                      json={"name": "社区表", "indicators": [ELDERLY]})
    assert at_community.json()["code"] == "template.org.not_district_or_street"
    outside = await community.put(f"/v1/orgs/{STREET}/report-templates/x", json={"name": "表", "indicators": [ELDERLY]})
    assert outside.status_code == 403


async def test_a_run_needs_a_possible_period_and_a_known_template(district):
    await district.put(f"/v1/orgs/{STREET}/report-templates/elderly", json={"name": "老龄", "indicators": [ELDERLY]})
    month_13 = await district.post("/v1/report-templates/elderly/runs",
                                   json={"period": {"kind": "month", "year": 2026, "number": 13}})
    assert (month_13.status_code, month_13.json()["code"]) == (422, "period.number.invalid")
    unknown = await district.post("/v1/report-templates/nothing/runs", json={"period": {"kind": "year", "year": 2026}})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "template.not_found")
    bad_key = await district.put(f"/v1/orgs/{STREET}/report-templates/老龄",
                                 json={"name": "老龄", "indicators": [ELDERLY]})
    assert bad_key.json()["code"] == "template.key.invalid"
