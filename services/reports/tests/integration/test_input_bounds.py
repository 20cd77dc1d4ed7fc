"""Every text and list a caller sends is bounded: an oversize value is a 422 naming the field, and nothing changes."""
from __future__ import annotations

from linli_devtools.problems import assert_refused as refused

from reports_helpers import STREET

HUGE = "x" * 400_000
ELDERLY = {"key": "e80", "label": "80岁以上", "source": "registry_group", "group": "elderly_80"}


def assert_refused(response, field: list) -> None:
    refused(response, field, or_inside=True)


async def test_an_oversize_template_is_a_422_naming_the_field_and_saves_nothing(district, store):
    url = f"/v1/orgs/{STREET}/report-templates/elderly"
    cases = [
        ({**ELDERLY, "filters": {"grid": HUGE}}, ["indicators", 0, "filters", "grid"]),
        ({**ELDERLY, "group": HUGE}, ["indicators", 0, "group"]),
        ({"key": "v", "label": "走访", "source": "visits", "metric": "visits.count", "reason": HUGE},
         ["indicators", 0, "reason"]),
        ({**ELDERLY, "label": HUGE}, ["indicators", 0, "label"]),
    ]
    for indicator, field in cases:
        assert_refused(await district.put(url, json={"name": "老龄", "indicators": [indicator]}), field)
    assert await store["templates"].count_documents({}) == 0


async def test_oversize_manual_cells_are_a_422(community):
    url = "/v1/reports/r-1/manual-cells"
    cases = [
        ({"notes": HUGE}, ["cells", "notes"]),
        ({HUGE: 1}, ["cells"]),
        ({f"cell_{n}": n for n in range(301)}, ["cells"]),
    ]
    for cells, field in cases:
        assert_refused(await community.put(url, json={"cells": cells}, headers={"If-Match": '"1"'}), field)
