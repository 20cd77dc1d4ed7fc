"""A community's kept facts, brought up to date from its change log, equal a fresh read after every kind of write."""
from __future__ import annotations

from datetime import date

from linli_registry.storage.community_changes import COMMUNITY_LOG
from linli_registry.storage.facts import KeptFacts

from ledger_files import csv_bytes, import_and_wait, ledger_rows
from registry_helpers import COMMUNITY, new_household, new_resident


async def _recount(reg):
    """The community read whole from the store, as no copy, kept or saved, would have it."""
    return await KeptFacts().read_all(reg.db, COMMUNITY, await COMMUNITY_LOG.version(reg.db, COMMUNITY))


async def _assert_up_to_date(reg, kept: KeptFacts | None = None) -> None:
    kept, fresh = await (kept or reg.facts).of(reg.db, COMMUNITY), await _recount(reg)
    assert (kept.persons, kept.households) == (fresh.persons, fresh.households)
    assert kept.version == fresh.version


async def test_every_kind_of_write_reaches_the_kept_facts_without_a_full_read(app, admin):
    reg = app.state.registry
    household = await new_household(admin)
    resident = await new_resident(admin, date(1975, 3, 1), "female", household_id=household)
    await _assert_up_to_date(reg)
    writes = [
        ("put", f"/v1/households/{household}/low-income", {"since": "2020-01-01", "monthly_amount_cny": 182}),
        ("patch", f"/v1/residents/{resident['id']}", {"employment_status": "unemployed"}),
        ("post", f"/v1/residents/{resident['id']}/memberships",
         {"kind": "special_care", "category": "community_corrections", "start": "2024-03-01"}),
        ("post", f"/v1/residents/{resident['id']}/life-events", {"kind": "deceased", "date": "2026-11-02"}),
        ("delete", f"/v1/households/{household}/low-income", None),
    ]
    for method, url, body in writes:
        headers = {"If-Match": f'"{resident["version"]}"'} if method == "patch" else None
        response = await admin.request(method.upper(), url, json=body, headers=headers)
        assert response.status_code < 300, (url, response.text)
        await _assert_up_to_date(reg)
    await new_resident(admin, date(1940, 1, 1), "male")
    await import_and_wait(admin, COMMUNITY, csv_bytes(ledger_rows()))
    await _assert_up_to_date(reg)

    assert reg.facts.full_reads == 1
    assert len((await reg.facts.of(reg.db, COMMUNITY)).persons) == 7  # 2 by hand, 5 from the ledger


async def test_a_gap_in_the_change_log_means_a_full_read(app, admin):
    reg = app.state.registry
    await new_resident(admin, date(1950, 1, 1), "male")
    kept = await reg.facts.of(reg.db, COMMUNITY)
    await new_resident(admin, date(1951, 1, 1), "male")
    await new_resident(admin, date(1952, 1, 1), "male")
    pruned = await reg.db[COMMUNITY_LOG.changes].delete_one({"_id": {"$regex": f"^{COMMUNITY}:"},
                                                          "version": kept.version + 1})
    assert pruned.deleted_count == 1

    await _assert_up_to_date(reg)

    assert reg.facts.full_reads == 2
    assert len((await reg.facts.of(reg.db, COMMUNITY)).persons) == 3


async def test_a_process_that_starts_reads_the_saved_copy_and_the_changes_after_it(app, admin):
    reg = app.state.registry
    household = await new_household(admin)
    await new_resident(admin, date(1950, 1, 1), "male", household_id=household)
    await reg.facts.of(reg.db, COMMUNITY)  # read whole, and saved
    await new_resident(admin, date(1951, 1, 1), "female", household_id=household)
    await admin.put(f"/v1/households/{household}/low-income", json={"since": "2020-01-01", "monthly_amount_cny": 182})

    started_afresh = KeptFacts()
    await _assert_up_to_date(reg, started_afresh)

    assert started_afresh.full_reads == 0
    assert len((await started_afresh.of(reg.db, COMMUNITY)).persons) == 2


async def test_a_saved_copy_is_never_replaced_by_an_older_one(app, admin):
    reg = app.state.registry
    await new_resident(admin, date(1950, 1, 1), "male")
    older = await reg.facts.of(reg.db, COMMUNITY)
    await new_resident(admin, date(1951, 1, 1), "male")
    newer = await _recount(reg)
    assert await reg.facts.save(reg.db, COMMUNITY, newer)

    assert not await reg.facts.save(reg.db, COMMUNITY, older)
    saved, _ = await reg.facts.load_saved(reg.db, COMMUNITY)
    assert (saved.version, saved.persons) == (newer.version, newer.persons)


async def test_an_import_leaves_the_first_listing_after_it_nothing_to_read_or_derive(app, admin):
    reg = app.state.registry
    await new_resident(admin, date(1940, 1, 1), "male")
    await reg.facts.of(reg.db, COMMUNITY)  # kept before the import, as in a registry in use
    await import_and_wait(admin, COMMUNITY, csv_bytes(ledger_rows()))

    version = await COMMUNITY_LOG.version(reg.db, COMMUNITY)
    ready = reg.derived_groups.get((COMMUNITY, reg.today(), version))  # by the import job, at the last version
    assert ready is not None
    listing = await admin.get(f"/v1/communities/{COMMUNITY}/residents", params={"group": "elderly_60"})
    assert sorted(r["id"] for r in listing.json()["items"]) == sorted(ready.members["elderly_60"])
    assert len(ready.members["elderly_60"]) >= 2  # the one by hand and the ledger's old people
