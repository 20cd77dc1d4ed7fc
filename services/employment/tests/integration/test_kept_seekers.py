"""A district's kept seeker profiles, caught up from its change log, equal a fresh read after every seeker write."""
from __future__ import annotations

from linli_employment.storage.indexes import SEEKER_LOG
from linli_employment.storage.kept_seekers import KeptSeekers

from employment_helpers import DISTRICT, TODAY, active_seeker, employer_and_job, resident, seeker_of


async def _up_to_date(ctx) -> set[str]:
    """The seekers on the kept list, after checking them against a fresh read of the whole district."""
    kept, fresh = await ctx.kept_seekers.of(ctx.db, DISTRICT), await KeptSeekers().of(ctx.db, DISTRICT)
    assert (kept.version, kept.on_list) == (fresh.version, fresh.on_list)
    return set(kept.on_list)


async def test_every_kind_of_seeker_write_reaches_the_kept_profiles_without_a_full_read(registry, employment, ctx):
    nanny = await resident(registry, 44, "female", employment_status="unemployed")
    await seeker_of(employment, nanny["id"])
    assert await _up_to_date(ctx) == {nanny["id"]}

    laid_off = await resident(registry, 52, "male", employment_status="laid_off")  # registered from an event
    await seeker_of(employment, laid_off["id"])
    assert await _up_to_date(ctx) == {nanny["id"], laid_off["id"]}
    await active_seeker(employment, nanny["id"], ["domestic_help"], skills=["做饭"])  # intentions: the API
    assert (await ctx.kept_seekers.of(ctx.db, DISTRICT)).on_list[nanny["id"]].skills == ["做饭"]
    await registry.patch(f"/v1/residents/{laid_off['id']}", json={"employment_status": "employed"},
                         headers={"If-Match": '"1"'})  # found work: off the list
    await seeker_of(employment, laid_off["id"], status="inactive")
    assert await _up_to_date(ctx) == {nanny["id"]}
    job = await employer_and_job(employment, category="domestic_help")
    referral = (await employment.post("/v1/referrals", json={"seeker_id": nanny["id"], "job_id": job["id"]})).json()
    hired = await employment.post(f"/v1/referrals/{referral['id']}/outcome",
                                  json={"outcome": "hired", "start_date": TODAY.isoformat(), "wage_cny": 2400})
    assert hired.status_code == 200, hired.text  # placed: off the list
    assert await _up_to_date(ctx) == set()

    assert ctx.kept_seekers.full_reads == 1


async def test_a_gap_in_the_change_log_means_a_full_read(registry, employment, ctx):
    first = await resident(registry, 44, "female", employment_status="unemployed")
    await seeker_of(employment, first["id"])
    kept = await ctx.kept_seekers.of(ctx.db, DISTRICT)
    second = await resident(registry, 45, "female", employment_status="unemployed")
    await seeker_of(employment, second["id"])
    third = await resident(registry, 46, "female", employment_status="unemployed")
    await seeker_of(employment, third["id"])
    pruned = await ctx.db[SEEKER_LOG.changes].delete_one({"_id": {"$regex": f"^{DISTRICT}:"},
                                                          "version": kept.version + 1})
    assert pruned.deleted_count == 1

    assert await _up_to_date(ctx) == {first["id"], second["id"], third["id"]}
    assert ctx.kept_seekers.full_reads == 2
