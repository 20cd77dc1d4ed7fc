"""Who is offered which 一表通 button: the community's admin submits, the street's (or district's) admin reviews."""
from linli_console.pages.admin import may_review, may_submit
from linli_console.session import User

from linli_devtools.orgs import COMMUNITY, DISTRICT, OTHER_COMMUNITY, STREET
from linli_shared.auth import Principal


def _user(role: str, org: str) -> User:
    return User("token", Principal(sub="s", roles=frozenset({role}), scope=(org,)), None)


def _report(status: str) -> dict:
    return {"status": status, "community_code": COMMUNITY}


def test_the_community_admin_submits_a_draft_or_returned_report_and_never_reviews_it():
    admin = _user("admin", COMMUNITY)
    assert may_submit(admin, _report("draft")) and may_submit(admin, _report("returned"))
    assert not may_submit(admin, _report("submitted")) and not may_review(admin, _report("submitted"))
    assert not may_submit(_user("admin", OTHER_COMMUNITY), _report("draft"))


def test_the_street_or_district_admin_reviews_a_submitted_report_and_an_officer_only_reads():
    for org in (STREET, DISTRICT):
        assert may_review(_user("admin", org), _report("submitted"))
        assert not may_review(_user("admin", org), _report("accepted"))
    assert not may_review(_user("officer", STREET), _report("submitted"))
    assert not may_review(_user("worker", COMMUNITY), _report("submitted"))
