"""The org tree every test and the demo start from: 海港区 › 港城大街街道 › 工农里社区 and 建树里社区."""
from __future__ import annotations

from collections.abc import Iterable

import httpx

DISTRICT, STREET, COMMUNITY, OTHER_COMMUNITY = "130303", "130303001", "130303001001", "130303001002"
ORG_TREE = ((DISTRICT, "海港区"), (STREET, "港城大街街道"), (COMMUNITY, "工农里社区"), (OTHER_COMMUNITY, "建树里社区"))


async def put_org_tree(registry: httpx.AsyncClient, extra: Iterable[tuple[str, str]] = ()) -> None:
    """Create the tree (and `extra` nodes, e.g. grids) through the registry's API, parents first."""
    for code, name in (*ORG_TREE, *extra):
        response = await registry.put(f"/v1/orgs/{code}", json={"name": name})
        assert response.status_code == 200, response.text
