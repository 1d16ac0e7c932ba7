"""Run a part of the default suite N times and name every test that failed even once.

`make soak RUNS=5` runs tests/reliability five times this way: a test that fails one run in a
few is a flaky test, and it shows up here instead of at CI.

    python -m tests.repeat RUNS [PATH ...]
"""
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path


def failures(report: Path) -> list[str]:
    """The node ids that failed or errored in one JUnit XML report."""
    found = []
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            found.append(f"{case.get('classname')}::{case.get('name')}")
    return found


def run_once(paths: list[str], report: Path) -> tuple[int, float]:
    """One pytest run of `paths` (the default suite's selection); its exit code and seconds."""
    started = time.monotonic()
    code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            f"--junitxml={report}", *paths])
    return code, time.monotonic() - started


def main(argv: list[str]) -> int:
    if not argv or not argv[0].isdigit() or int(argv[0]) < 1:
        print("usage: python -m tests.repeat RUNS [PATH ...]", file=sys.stderr)
        return 2
    runs, paths = int(argv[0]), argv[1:] or ["tests/reliability"]
    failed: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(1, runs + 1):
            report = Path(tmp) / f"run-{n}.xml"
            code, seconds = run_once(paths, report)
            names = failures(report) if report.exists() else [f"run {n}: pytest exited {code} without a report"]
            failed.update(names)
            print(f"run {n}/{runs}: exit {code}, {seconds:.0f} s, {len(names)} failed", flush=True)
    if not failed:
        print(f"all {runs} runs passed")
        return 0
    print("failed at least once:")
    for name, count in failed.most_common():
        print(f"  {count}/{runs}  {name}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
