"""Each community's data version and which residents and households each version changed (社区数据变更记录).

Every registry commit bumps the version of each community it touched, recording the ids its events
name (`linli_shared.changelog`). Cached statistics are keyed by the version; kept facts catch up
from the recorded ids.
"""
from __future__ import annotations

from collections import defaultdict

from linli_shared.changelog import ChangeLog
from linli_shared.outbox import Tx

COMMUNITY_LOG = ChangeLog(versions="community_data_versions", changes="community_changes")


async def bump_data_versions(tx: Tx) -> None:
    """Run before every registry commit: one version step per community the write touched, with what changed.

    Every write of a resident or household raises an event whose subject is that document's id.
    """
    touched: dict[str, set[str]] = defaultdict(set)
    for event in tx.events:
        if len(event.community) == 12:
            touched[event.community].add(event.subject)
    for community in sorted(touched):
        await COMMUNITY_LOG.bump(tx, community, touched[community])
