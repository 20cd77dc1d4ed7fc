"""`linli-healthcheck`: exit 0 when this container's service answers /readyz (used by HEALTHCHECK)."""
from __future__ import annotations

import os
import sys
import urllib.request

PORTS = {"registry": 8001, "visits": 8002, "employment": 8003, "notify": 8004, "reports": 8005}


def main() -> int:
    service = os.environ.get("LINLI_SERVICE", "")
    port = os.environ.get(f"LINLI_{service.upper()}_PORT") or PORTS.get(service, 8000)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=3) as response:
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
