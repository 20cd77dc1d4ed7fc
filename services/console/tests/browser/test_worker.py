"""A grid worker's day in a real browser on a 375-px phone, against the real services."""
from __future__ import annotations


def test_a_worker_signs_in_on_a_phone_and_lands_on_today(stack, phone, sign_in, screenshot):
    sign_in(phone, "陈社工")
    assert phone.get_by_role("heading", name="今日走访").is_visible()
    screenshot(phone, "01-today")
