"""The console's core without a stack: the session cookie, CSRF, escaping, problems, dates and the worker's list."""
from __future__ import annotations

from datetime import date

import httpx
import pytest
from fastapi.testclient import TestClient
from linli_console import dates, session
from linli_console.backend import problem_of, server_timing
from linli_console.bootstrap import create_app
from linli_console.settings import ConsoleSettings
from linli_console.templating import TEMPLATES
from linli_console.worklist import worklist

SECRET = "a-test-cookie-secret-0123456789abcdef"


@pytest.fixture
def client():
    # Port 9 refuses: dev sign-in's staff list fails fast instead of reaching whatever listens on 8001.
    settings = ConsoleSettings(registry_url="http://127.0.0.1:9", cookie_secret=SECRET)
    with TestClient(create_app(settings), base_url="https://console.test") as test_client:
        yield test_client


def test_a_session_cookie_reads_back_and_an_edited_one_is_a_fresh_session():
    signed = session.encode(session.Session(csrf="c1", token="tok", name="陈社工"), SECRET)
    back = session.decode(signed, SECRET)
    assert (back.csrf, back.token, back.name, back.changed) == ("c1", "tok", "陈社工", False)
    payload, signature = signed.rsplit(".", 1)
    forged = session.encode(session.Session(csrf="c1", token="other"), SECRET).rsplit(".", 1)[0] + "." + signature
    assert session.decode(forged, SECRET).token is None
    assert session.decode(signed, "another-secret-0123456789abcdefghij").token is None


def test_the_cookie_is_secure_httponly_strict_and_every_page_carries_the_csp(client):
    response = client.get("/signin")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=strict" in cookie
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_a_post_needs_this_sessions_csrf_token(client):
    page = client.get("/signin")
    assert client.post("/signout", data={}, follow_redirects=False).status_code == 403
    assert client.post("/signout", data={"csrf": "forged"}, follow_redirects=False).status_code == 403
    assert page.status_code == 200
    csrf = session.decode(client.cookies.get(session.COOKIE), SECRET).csrf
    assert client.post("/signout", data={"csrf": csrf}, follow_redirects=False).status_code == 303


def test_a_page_without_a_token_sends_the_user_to_sign_in(client):
    response = client.get("/", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/signin")


def test_values_from_data_are_escaped_in_every_template():
    html = TEMPLATES.get_template("error.html").render(
        message='<script>alert(1)</script>"><img src=x onerror=alert(1)>', user=None, csrf="c", notice=None,
        problem=None)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_api_problem_names_each_field_in_chinese():
    response = httpx.Response(422, json={"code": "request.invalid", "title": "invalid", "detail": "…", "errors": [
        {"loc": ["body", "observations"], "code": "string_too_long", "message": "String should have at most 2000"},
        {"loc": ["body", "needs", 0, "description"], "code": "missing", "message": "Field required"}]})
    problem = problem_of(response)
    assert problem.status == 422
    assert problem.field_errors == {"observations": "太长了：最多 2000 个字", "needs.description": "请填写这一项"}
    assert problem.message == "有几项填写有误，请看标出的地方。"


def test_server_timing_names_each_api_call_by_its_service_and_time_only():
    assert server_timing([("registry", 41.26), ("visits", 3.0)]) == "registry;dur=41.3, visits;dur=3.0"


def test_dates_read_as_people_here_write_them():
    assert dates.long_date("2026-12-06") == "2026年12月6日"
    assert dates.short_date(date(2026, 12, 6)) == "12月6日 周日"
    assert dates.window("2026-12-06", "2026-12-13") == "12月6日 周日 – 12月13日 周日"
    assert dates.date_time("2026-12-06T06:05:00+00:00") == "2026年12月6日 14:05"


def _task(id_, due_from, due_by, reason="routine", status="open", assignee=None, name="王"):
    return {"id": id_, "due_from": due_from, "due_by": due_by, "reason": reason, "status": status,
            "assignee": assignee, "resident_name": name}


def test_the_worklist_is_todays_and_overdue_tasks_mine_or_unassigned_nearest_due_first():
    today = date(2026, 12, 6)
    tasks = [_task("later", "2026-12-01", "2026-12-20"), _task("overdue", "2026-11-01", "2026-11-30", status="overdue"),
             _task("not-yet", "2026-12-10", "2026-12-12"), _task("others", "2026-12-01", "2026-12-07", assignee="s2"),
             _task("hospital", "2026-12-06", "2026-12-08", reason="hospitalized", assignee="s1"),
             _task("routine-same-day", "2026-12-01", "2026-12-08")]
    assert [t["id"] for t in worklist(tasks, today, "s1")] == ["overdue", "hospital", "routine-same-day", "later"]


PRODUCTION = {"environment": "production", "jwt_jwks_url": "https://sso.district.test/jwks", "jwt_audience": "linli"}


def test_production_has_no_dev_sign_in_and_no_development_cookie_secret():
    with pytest.raises(ValueError, match="LINLI_CONSOLE_DEV_SIGNIN cannot be on in production"):
        ConsoleSettings(**PRODUCTION, dev_signin=True, cookie_secret="Zq8#kLm2$vR9pXw4!tN7yB3&cF6hJ1sD")
    with pytest.raises(ValueError, match="LINLI_CONSOLE_COOKIE_SECRET is a placeholder"):
        ConsoleSettings(**PRODUCTION)
    settings = ConsoleSettings(**PRODUCTION, cookie_secret="Zq8#kLm2$vR9pXw4!tN7yB3&cF6hJ1sD")
    assert settings.dev_signin is False


def test_a_body_is_bounded_before_it_is_read_and_only_a_signed_in_upload_may_be_large():
    from linli_shared.auth import issue_token
    from linli_shared.settings import DEV_JWT_SECRET

    settings = ConsoleSettings(registry_url="http://127.0.0.1:9", cookie_secret=SECRET, upload_max_bytes=3 << 20)
    two_mib, four_mib = b"x" * (2 << 20), b"x" * (4 << 20)
    files = {"file": ("台账.xlsx", two_mib, "application/octet-stream")}
    with TestClient(create_app(settings), base_url="https://console.test") as anonymous:
        assert anonymous.post("/ledger", files=files, follow_redirects=False).status_code == 413
        assert anonymous.post("/signout", data={"csrf": "x" * (2 << 20)}, follow_redirects=False).status_code == 413
    token = issue_token(DEV_JWT_SECRET, "w1", ["admin"], ["130303001001"], [], ttl_seconds=600)
    with TestClient(create_app(settings), base_url="https://console.test",
                    headers={"Authorization": f"Bearer {token}"}) as signed_in:
        # within the upload allowance the body is read (and the form then refused for its missing CSRF token)
        assert signed_in.post("/ledger", files=files, follow_redirects=False).status_code == 403
        big = {"file": ("台账.xlsx", four_mib, "application/octet-stream")}
        assert signed_in.post("/ledger", files=big, follow_redirects=False).status_code == 413
        assert signed_in.post("/signout", data={"csrf": "x" * (2 << 20)}, follow_redirects=False).status_code == 413
