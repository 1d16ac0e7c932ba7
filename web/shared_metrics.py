"""One /metrics for several processes: prometheus_client's multiprocess mode, set up by the forking parent.

Each process forked by web/forking.py writes its figures to files of its own (named by its pid) in one
folder, and the /metrics of any serving process sums them (core/metrics.py): the processing process of
server.processing: separate, which serves no HTTP, is counted too, and a scrape shows the same totals
whichever serving process the kernel gave it. prometheus_client chooses the mode once, when it is first
imported, from PROMETHEUS_MULTIPROC_DIR: the parent sets it before anything imports prometheus_client (the
children create their metrics after the fork) and checks that it did. The folder is the operator's (the
variable already set) or a temporary one of its own, removed at the end; either is emptied at start, or
an earlier run's figures would be summed in. When a process ends its live gauges go (the connections it
held, its gw_process line); its counters stay, so a total never goes down when a process is replaced.
"""
import glob
import os
import shutil
import tempfile
from collections.abc import MutableMapping

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's name for the folder


class MetricsFolder:
    """The folder the processes write their figures to."""

    def __init__(self, path: str, made_here: bool):
        self.path, self.made_here = path, made_here

    @classmethod
    def opened(cls, environ: MutableMapping[str, str]) -> "MetricsFolder":
        """The operator's folder or a new temporary one, emptied, and named in `environ` for prometheus_client."""
        given = environ.get(VARIABLE)
        folder = cls(given, False) if given else cls(tempfile.mkdtemp(prefix="gridwhistle-metrics-"), True)
        os.makedirs(folder.path, exist_ok=True)
        for stale in glob.glob(os.path.join(folder.path, "*.db")):
            os.remove(stale)
        environ[VARIABLE] = folder.path
        return folder

    def process_ended(self, pid: int) -> None:
        """Drop what only a live process means (its gauges); keep what it counted."""
        from prometheus_client.multiprocess import mark_process_dead
        mark_process_dead(pid, self.path)

    def close(self) -> None:
        if self.made_here:
            shutil.rmtree(self.path, ignore_errors=True)


def share_metrics(environ: MutableMapping[str, str] = os.environ) -> MetricsFolder:
    """Before forking: multiprocess mode on, in a folder emptied for this run."""
    folder = MetricsFolder.opened(environ)
    from prometheus_client import values
    if not getattr(values.ValueClass, "_multiprocess", False):  # imported too early: each process would count alone
        folder.close()
        raise RuntimeError(f"prometheus_client was imported before {VARIABLE} was set: the processes' metrics "
                           f"would not be shared")
    return folder
