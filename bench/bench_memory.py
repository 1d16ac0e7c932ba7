"""What a serving process holds: its resident memory (VmRSS) after each step of what `run.py serve` loads.

Run in a fresh interpreter of its own (`python -m bench.bench_memory`), on an empty SQLite store in a
temp folder, so nothing measured was loaded by the benchmark around it. Each step's growth is what
that step added on top of the ones before it (a module already imported by an earlier step is free).
The high-water mark (VmHWM) beside it shows what a step held only for a moment: a transient freed
before the step ended is no growth, but it is the process's peak all the same.
"""
import importlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import proc_rss_mb, table

ROOT = Path(__file__).resolve().parent.parent


def _steps(config: str, folder: str) -> list[tuple[str, object]]:
    import run  # only the composition root's own imports: argparse and the config loader
    from core.config_load import load_settings

    settings = load_settings(config)
    settings = settings.model_copy(update={"database": settings.database.model_copy(
        update={"url": f"sqlite:///{folder}/memory.db"})})
    held: dict = {}

    def services() -> None:
        from models.store import make_engine, migrate
        engine = make_engine(settings.database.url)
        migrate(engine)
        held["services"] = run.build_services(settings, engine=engine, classifier=held["classifier"])

    def app() -> None:
        from web.app import build_app
        held["app"] = build_app(held["services"], run.route_setups(held["services"]))

    return [
        ("SQLAlchemy, SQLModel, psycopg", lambda: [importlib.import_module(m) for m in ("sqlmodel", "psycopg")]),
        ("aiohttp", lambda: importlib.import_module("aiohttp")),
        ("wechatpy (its package imports requests, its API client and pay)", lambda: importlib.import_module("wechatpy")),
        ("numpy, scipy.sparse", lambda: importlib.import_module("scipy.sparse")),
        ("triage model loaded and warmed (OpenCC, place tagger)", lambda: held.update(
            classifier=run.build_classifier(settings))),
        ("alembic, migrated; dispatch, bot, ticker wired", services),
        ("routes and app (console, /m, /r, API)", app),
    ]


def measure(config: str) -> list[tuple[str, str, str, str, str]]:
    """One row per step: what it is, VmRSS after it, what it added, the peak so far (VmHWM), seconds."""
    with tempfile.TemporaryDirectory(prefix="gw-memory-") as folder:
        steps = _steps(config, folder)
        start = last = proc_rss_mb(os.getpid(), "VmRSS")
        rows = [("interpreter, run.py, config loaded (pydantic, yaml)", f"{start:.0f}", "",
                 f"{proc_rss_mb(os.getpid(), 'VmHWM'):.0f}", "")]
        for name, step in steps:
            began = time.perf_counter()
            step()  # type: ignore[operator]
            now = proc_rss_mb(os.getpid(), "VmRSS")
            rows.append((name, f"{now:.0f}", f"+{now - last:.0f}", f"{proc_rss_mb(os.getpid(), 'VmHWM'):.0f}",
                         f"{time.perf_counter() - began:.2f}"))
            last = now
    return rows


def run() -> str:
    """The table, measured in a fresh interpreter (the deployment config written here, read there)."""
    from bench.service import bench_config

    with tempfile.TemporaryDirectory(prefix="gw-memory-") as folder:
        out = subprocess.run([sys.executable, "-m", "bench.bench_memory", bench_config(folder)], cwd=ROOT,
                             capture_output=True, text=True, check=True)
    return out.stdout.rstrip()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print(table(measure(sys.argv[1]), ("step", "VmRSS MB", "added MB", "VmHWM MB", "s")))
    else:
        print(run())
