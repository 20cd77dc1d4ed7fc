"""Officers see aggregates only: a cell behind which fewer than the threshold of people stand is hidden from
them in every output, together with what it could be worked out from; the community sees its exact figures."""
from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from linli_devtools.asgi import client, eventually

from reports_helpers import COMMUNITY, DISTRICT, OTHER, STREET, household, register, this_month

ELDERLY = {"name": "老年人统计表", "indicators": [
    {"key": "elderly_60", "label": "60岁以上老年人", "source": "registry_group", "group": "elderly_60"},
    {"key": "unemployed", "label": "下岗失业人员", "source": "registry_group", "group": "unemployed"},
    {"key": "notes", "label": "其他情况说明", "source": "manual"},
]}


@pytest.fixture
async def district_officer(apps, make_token):
    async with client(apps[1], make_token(roles=["officer"], scope=[DISTRICT], sub="district-officer")) as c:
        yield c


async def _elderly(registry, community: str, count: int) -> None:
    home = await household(registry, community)
    for n in range(count):
        await register(registry, 65 + n, community=community, household_id=home,
                       relation_to_head="head" if n == 0 else "other")


async def _run(registry, district, store) -> dict[str, str]:
    """3 people over 60 in 工农里, 5 in 建树里: a run of the street's table; report ids by community."""
    await _elderly(registry, COMMUNITY, 3)
    await _elderly(registry, OTHER, 5)

    async def projected() -> bool:
        return await store.residents.count_documents({}) == 8 and await store.orgs.count_documents({}) >= 4

    await eventually(projected, timeout=30)
    assert (await district.put(f"/v1/orgs/{STREET}/report-templates/elderly", json=ELDERLY)).status_code == 200
    started = await district.post("/v1/report-templates/elderly/runs", json={"period": this_month()})
    assert started.status_code == 201, started.text
    return {"run": started.json()["id"], **{r["community_code"]: r["report_id"] for r in started.json()["reports"]}}


def _table(content: bytes) -> dict[str, tuple]:
    rows = list(load_workbook(BytesIO(content)).active.values)
    head = next(i for i, row in enumerate(rows) if row[0] == "指标")
    return {row[0]: row[1:] for row in rows[head + 1:] if row[0]}


async def test_a_district_officer_sees_a_cell_of_3_suppressed_in_json_and_xlsx_while_the_community_admin_sees_3(
        registry, district, community, district_officer, store):
    ids = await _run(registry, district, store)

    seen = (await district_officer.get(f"/v1/reports/{ids[COMMUNITY]}")).json()
    assert seen["values"]["elderly_60"] is None and seen["suppressed"] == ["elderly_60"]
    assert seen["suppressed_below"] == 5
    assert seen["values"]["unemployed"] == 0  # nobody is no one: zero is shown
    sheet = _table((await district_officer.get(f"/v1/reports/{ids[COMMUNITY]}.xlsx")).content)
    assert sheet["60岁以上老年人"][0] == "*" and sheet["下岗失业人员"][0] == 0
    assert any("不足5人" in label for label in sheet)

    own = (await community.get(f"/v1/reports/{ids[COMMUNITY]}")).json()
    assert own["values"]["elderly_60"] == 3 and own["suppressed"] == [] and own["suppressed_below"] is None
    assert _table((await community.get(f"/v1/reports/{ids[COMMUNITY]}.xlsx")).content)["60岁以上老年人"][0] == 3


async def test_a_complementary_cell_is_hidden_so_the_total_minus_the_shown_cells_reveals_no_small_cell(
        registry, district, street, district_officer, store):
    ids = await _run(registry, district, store)

    rollup = _table((await district_officer.get(f"/v1/report-runs/{ids['run']}/rollup.xlsx")).content)
    elderly = rollup["60岁以上老年人"][:3]
    assert elderly == ("*", "*", 8)  # 建树里's 5 is hidden too: 8 minus it would be 工农里's 3
    assert rollup["下岗失业人员"][:3] == (0, 0, 0)
    # The same cell is hidden in 建树里's own report, so one output cannot be subtracted from another.
    other = (await district_officer.get(f"/v1/reports/{ids[OTHER]}")).json()
    assert other["values"]["elderly_60"] is None and other["suppressed"] == ["elderly_60"]
    other_sheet = _table((await district_officer.get(f"/v1/reports/{ids[OTHER]}.xlsx")).content)
    assert other_sheet["60岁以上老年人"][0] == "*"

    exact = _table((await street.get(f"/v1/report-runs/{ids['run']}/rollup.xlsx")).content)
    assert exact["60岁以上老年人"][:3] == (3, 5, 8)  # the street admin reviews, and sees the figures


@pytest.mark.parametrize("service_env", [{"LINLI_SUPPRESS_BELOW": "3"}])
async def test_the_threshold_is_the_setting_LINLI_SUPPRESS_BELOW(registry, district, district_officer, store):
    ids = await _run(registry, district, store)

    seen = (await district_officer.get(f"/v1/reports/{ids[COMMUNITY]}")).json()
    assert seen["suppressed_below"] == 3
    assert seen["values"]["elderly_60"] == 3 and seen["suppressed"] == []
