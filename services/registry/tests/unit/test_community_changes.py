"""The change log is usable only without a gap after the kept version."""
from __future__ import annotations

import pytest

from linli_registry.storage.community_changes import unbroken_through


@pytest.mark.parametrize(("kept", "versions", "reached"), [
    (4, [], 4),  # nothing changed since
    (4, [5, 6, 7], 7),
    (0, [1], 1),  # the first write of a community
    (4, [6, 7], None),  # version 5 pruned, or written before the log existed
    (4, [5, 7], None),
    (4, [4, 5], None),  # not after the kept version: not the right range
])
def test_versions_must_continue_the_kept_one_by_one(kept: int, versions: list[int], reached: int | None) -> None:
    assert unbroken_through(kept, versions) == reached
