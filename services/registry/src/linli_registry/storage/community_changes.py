"""Each community's data version and which residents and households each version changed (社区数据变更记录).

Every registry commit bumps the version of each community it touched, recording the ids its events
name (`linli_shared.changelog`). Cached statistics are keyed by the version; kept facts catch up
from the recorded ids.
"""
from __future__ import annotations

from linli_shared.changelog import ChangeLog
from linli_shared.events import CloudEvent

COMMUNITY_LOG = ChangeLog(versions="community_data_versions", changes="community_changes")


def _community_of(event: CloudEvent) -> str | None:
    """Resident and household events carry their community; org events carry a shorter org code."""
    return event.community if len(event.community) == 12 else None


bump_data_versions = COMMUNITY_LOG.recorder(_community_of)  # runs before every registry commit
