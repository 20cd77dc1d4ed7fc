"""Every fault scenario on real processes, with the table of what was injected and what was checked.

Run: .venv/bin/python bench/faults.py [writes]   (the same scenarios run in CI: tests/faults/)
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from linli_devtools import faults


async def main(writes: int = 24) -> int:
    """The full cluster: registry, visits, employment and notify (CI runs registry and visits only)."""
    results = []
    for name in [*faults.SCENARIOS, *faults.FULL_SCENARIOS]:
        with tempfile.TemporaryDirectory(prefix="linli-faults-") as root:
            results.append(await faults.run(name, Path(root), writes, full=True))
    print(faults.table(results))
    return sum(not r.ok for r in results)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(*[int(a) for a in sys.argv[1:]])))
