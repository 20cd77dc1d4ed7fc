"""Typed documents keep the store's field names and formats: `_id`, ISO days, times as times, nothing added."""
from __future__ import annotations

from datetime import UTC, date, datetime

from linli_visits.domain.rules import TaskPlan
from linli_visits.storage.needs import Need
from linli_visits.storage.tasks import Task, new_task

NOW = datetime(2025, 5, 8, 1, 0, tzinfo=UTC)


def test_a_new_task_is_stored_with_the_fields_it_always_had() -> None:
    plan = TaskPlan(key="routine:r1:2025-05-01", resident_id="r1", reason="routine", due_from=date(2025, 5, 1),
                    due_by=date(2025, 5, 8))
    doc = new_task(plan, {"community_code": "130303001001", "name": "周凤兰"}, NOW, None).document()
    assert doc == {"_id": "routine:r1:2025-05-01", "community_code": "130303001001", "resident_id": "r1",
                   "resident_name": "周凤兰", "reason": "routine", "due_from": "2025-05-01", "due_by": "2025-05-08",
                   "status": "open", "assignee": None, "source": None, "created_at": NOW, "version": 1}
    assert Task.model_validate(doc).document() == doc


def test_a_stored_need_reads_back_with_its_id_and_fields_set_later() -> None:
    stored = {"_id": "n1", "community_code": "130303001001", "resident_id": "r1", "visit_id": "v1",
              "category": "health", "description": "需要轮椅", "urgent": False, "status": "resolved",
              "reported_at": NOW, "resolution": "已借到轮椅", "resolved_by": "w1", "resolved_at": NOW}
    need = Need.model_validate(stored)
    assert (need.id, need.resolution, need.fields()["id"]) == ("n1", "已借到轮椅", "n1")
