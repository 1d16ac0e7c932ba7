"""Helpers shared by the benchmarks: percentiles, ratios, memory, the machine, a table."""
import os
import platform
import resource
import sqlite3


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) of the values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    """Seconds shown as whole milliseconds."""
    return f"{seconds * 1000:.0f}"


def ratio(value: float, baseline: float) -> str:
    """value / baseline, written like 12.3x (the baseline is clamped so 0 does not divide)."""
    return f"{value / max(baseline, 1e-9):,.1f}x"


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def proc_rss_mb(pid: int, field: str = "VmHWM") -> float:
    """Resident memory of another process from /proc in MB: VmHWM is its peak, VmRSS its current size."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds another process has used so far (all its threads)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine() -> str:
    """One line about where the figures were taken: interpreter, CPUs, engines."""
    from bench.stores import postgres_version
    return (f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
            f"{platform.machine()}, SQLite {sqlite3.sqlite_version}, PostgreSQL {postgres_version()}")


def table(rows: list[tuple], header: tuple) -> str:
    """A plain-text table."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(tuple("-" * w for w in widths)), *map(line, rows)])


def proc_children(pid: int) -> list[int]:
    """The processes `pid` forked and still has (`run.py serve --workers N`'s serving processes)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as children:
            return [int(c) for c in children.read().split()]
    except FileNotFoundError:
        return []


def proc_pss_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of a process in MB: RSS counts every page it maps, PSS divides shared pages among their sharers."""
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        sizes = {line.split(":")[0]: int(line.split()[1]) / 1024 for line in rollup if line[:4] in ("Rss:", "Pss:")}
    return sizes["Rss"], sizes["Pss"]
