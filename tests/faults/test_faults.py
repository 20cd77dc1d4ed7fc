"""Faults injected into real processes mid-stream (devtools/faults.py); each scenario stops by itself."""
from __future__ import annotations

import os

import pytest

from linli_devtools import faults

pytestmark = pytest.mark.skipif(os.environ.get("LINLI_TEST_BACKEND") == "docker", reason="runs its own servers")


@pytest.mark.parametrize("scenario", list(faults.SCENARIOS))
async def test_no_accepted_write_is_lost_and_nothing_happens_twice(scenario, tmp_path):
    result = await faults.run(scenario, tmp_path)
    print("\n" + faults.table([result]))
    assert result.accepted >= 15, f"too few writes got through to check anything: {result}"
    assert result.ok, result.checks
