"""The menu and the community choice in a real browser: from any page a person reaches each thing their role may use.

For each kind of staff member: every page of the menu answers 200 (not the error page), carries the same menu
(so every menu link works from every menu page: each link is one of those pages), marks itself, and shows the
picker exactly when the user works across several communities.
"""
from __future__ import annotations

import pytest

WORKER_PAGES = ["/", "/residents", "/inbox", "/community", "/jobs"]
ADMIN_PAGES = ["/", "/residents", "/inbox", "/community", "/ledger", "/jobs", "/admin/tasks", "/admin/policy",
               "/admin/reports"]
OFFICER_PAGES = ["/inbox", "/community", "/admin/reports"]
# The pages that show one community (or org) of several; the rest are the user's own or have no community.
PICKER_PAGES = {"/", "/residents", "/community", "/ledger", "/jobs", "/admin/tasks", "/admin/policy",
                "/admin/reports"}
PICKER = "main select[name=community], main select[name=org]"


def _hrefs(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all("links => links.map(a => a.getAttribute('href'))")


def _walk(page, console: str, expected: list[str], several: bool) -> None:
    """Each menu page in turn, as a person following the menu would land on it."""
    for path in expected:
        response = page.goto(f"{console}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        assert page.locator("p.problem[role=alert]").count() == 0, f"{path} is an error page"
        assert _hrefs(page, "nav ul.nav a") == expected, f"the menu on {path}"
        current = _hrefs(page, "nav ul.nav a[aria-current=page]")
        assert current == [path], f"{path} marks {current} as the current page"
        pickers = page.locator(PICKER).count()
        if several and path in PICKER_PAGES:
            assert pickers == 1 and page.locator(PICKER).locator("option").count() > 1, f"no community choice on {path}"
        else:
            assert pickers == 0, f"a community choice on {path} for a user of one community"


@pytest.mark.parametrize(("who", "expected", "several"), [
    ("陈社工", WORKER_PAGES, False), ("刘书记", ADMIN_PAGES, False), ("周科长", OFFICER_PAGES, True),
    ("the street's admin", ADMIN_PAGES, True)])
def test_every_menu_link_works_from_every_menu_page(stack, desk, sign_in, street_admin, who, expected, several):
    sign_in(desk, street_admin if who == "the street's admin" else who)
    _walk(desk, stack.console, expected, several)
