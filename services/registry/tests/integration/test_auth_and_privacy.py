"""Auth and scoping as the contract says: 401 without a token, 403 out of scope or role, masked by default."""
from __future__ import annotations

from datetime import date

from linli_shared.auth import issue_token
from linli_shared.settings import DEV_JWT_SECRET

from registry_helpers import COMMUNITY, OTHER_COMMUNITY, STREET, id_number, new_resident


async def test_no_token_bad_token_and_expired_token_are_401(admin, client_for):
    cases = {
        None: "auth.missing",
        "not-a-jwt": "auth.token_invalid",
        issue_token("another-secret-entirely-0123456789ab", "x", ["admin"], [COMMUNITY]): "auth.token_invalid",
        issue_token(DEV_JWT_SECRET, "x", ["admin"], [COMMUNITY], ttl_seconds=-10): "auth.token_expired",
    }
    for token, code in cases.items():
        response = await client_for(token).get(f"/v1/communities/{COMMUNITY}/residents")
        assert response.status_code == 401, (token, response.text)
        assert response.json()["code"] == code
        assert response.headers["www-authenticate"] == "Bearer"


async def test_scope_covers_everything_beneath_a_code_and_nothing_else(admin, client_for, make_token):
    resident = await new_resident(admin, date(1950, 1, 1))
    own = client_for(make_token(roles=["worker"], scope=[COMMUNITY]))
    other = client_for(make_token(roles=["worker"], scope=[OTHER_COMMUNITY]))
    street_worker = client_for(make_token(roles=["worker"], scope=[STREET]))
    assert (await own.get(f"/v1/residents/{resident['id']}")).status_code == 200
    assert (await street_worker.get(f"/v1/residents/{resident['id']}")).status_code == 200
    denied = await other.get(f"/v1/residents/{resident['id']}")
    assert denied.status_code == 403 and denied.json()["code"] == "auth.scope"
    write = await other.post(f"/v1/communities/{COMMUNITY}/residents",
                             json={"name": "某", "id_number": id_number(date(1980, 1, 1))})
    assert write.status_code == 403


async def test_officers_see_aggregates_only(admin, client_for, make_token):
    await new_resident(admin, date(1950, 1, 1))
    officer = client_for(make_token(roles=["officer"], scope=[STREET]))
    assert (await officer.get(f"/v1/orgs/{STREET}/statistics")).status_code == 200
    listing = await officer.get(f"/v1/communities/{COMMUNITY}/residents")
    assert listing.status_code == 403 and listing.json()["code"] == "auth.role"


async def test_workers_cannot_change_the_org_tree(client_for, make_token):
    worker = client_for(make_token(roles=["worker"], scope=["130303"]))
    response = await worker.put("/v1/orgs/130303009", json={"name": "x"})
    assert response.status_code == 403 and response.json()["code"] == "auth.role"


async def test_id_number_and_phone_are_masked_without_pii_read(admin, client_for, make_token):
    number = id_number(date(1962, 7, 8), "male")
    resident = await new_resident(admin, date(1962, 7, 8), "male", id_number=number, phone="13812345678")
    plain = client_for(make_token(roles=["worker"], scope=[COMMUNITY]))
    masked = (await plain.get(f"/v1/residents/{resident['id']}")).json()
    assert masked["id_number"] == number[:4] + "*" * 14
    assert (masked["phone"], masked["id_number_masked"]) == ("138****5678", True)
    listed = (await plain.get(f"/v1/communities/{COMMUNITY}/residents")).json()["items"][0]
    assert (listed["id_number"], listed["phone"]) == (masked["id_number"], "138****5678")
    revealed = (await admin.get(f"/v1/residents/{resident['id']}")).json()
    assert (revealed["id_number"], revealed["phone"]) == (number, "13812345678")
