"""Run every benchmark, or the ones named: `make bench` / `make bench ARGS="registry_latency"`."""
from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).parent
BENCHES = ["registry_latency", "registry_statistics", "registry_import", "district_import",
           "visits_sweep", "visits_latency", "employment_matching", "notify_throughput", "reports_compute",
           "consumer_throughput", "store_ttl_sweep", "faults", "load"]

if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    for name in sys.argv[1:] or BENCHES:
        print(f"\n=== {name}", flush=True)
        sys.argv = [name]
        runpy.run_path(str(HERE / f"{name}.py"), run_name="__main__")
