"""Counts a service process's store commands for a bench (`bench/store_commands.py`, `ServiceCommands`).

On PYTHONPATH only for a service a bench starts so, and inert unless LINLI_BENCH_STORE_COMMANDS names a file:
registers `CommandLog` with PyMongo before the service builds its client (PyMongo hands listeners registered
with `monitoring.register` to every client created afterwards). Loaded from its file so the bench folder itself
never goes onto the service's import path.
"""
import os

if os.environ.get("LINLI_BENCH_STORE_COMMANDS"):
    import importlib.util
    from pathlib import Path

    from pymongo import monitoring

    _spec = importlib.util.spec_from_file_location("_linli_bench_store_commands",
                                                   Path(__file__).parent.parent / "store_commands.py")
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    monitoring.register(_module.CommandLog(os.environ["LINLI_BENCH_STORE_COMMANDS"]))
