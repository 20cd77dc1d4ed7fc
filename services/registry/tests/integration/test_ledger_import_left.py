"""A resident who moved out or died is not registered again by a ledger that still lists them."""
from __future__ import annotations

from ledger_files import csv_bytes, import_and_wait, ledger_rows, problems
from registry_helpers import COMMUNITY


async def test_a_resident_who_moved_out_is_named_by_row_and_not_registered_again(admin):
    rows = [ledger_rows()[0], ledger_rows()[1]]
    await import_and_wait(admin, COMMUNITY, csv_bytes(rows))
    listed = (await admin.get(f"/v1/communities/{COMMUNITY}/residents")).json()["items"]
    old_man = next(r for r in listed if r["name"] == "王大爷")
    moved = await admin.post(f"/v1/residents/{old_man['id']}/life-events", json={"kind": "moved_out",
                                                                                 "date": "2026-11-02"})
    assert moved.status_code < 300, moved.text

    job = await import_and_wait(admin, COMMUNITY, csv_bytes(rows))

    assert problems(job) == [(2, "id_number", "import.resident.left")]
    assert job["residents_unchanged"] == 1
    listed = (await admin.get(f"/v1/communities/{COMMUNITY}/residents")).json()["items"]
    assert sorted((r["name"], r["status"]) for r in listed) == [("李四", "active"), ("王大爷", "moved_out")]
