"""The metrics folder of several processes (web/shared_metrics.py): emptied at start, a process's live gauges
dropped when it ends, and multiprocess mode refused when prometheus_client came too early."""
import os

import pytest

from core.metrics import Metrics
from web.forking import Supervisor
from web.shared_metrics import VARIABLE, MetricsFolder, share_metrics


def test_a_folder_of_its_own_is_made_for_the_run_and_removed_after_it():
    environ: dict[str, str] = {}
    folder = MetricsFolder.opened(environ)
    assert environ[VARIABLE] == folder.path and os.path.isdir(folder.path)
    folder.close()
    assert not os.path.exists(folder.path)


def test_the_operators_folder_is_emptied_of_figures_at_start_and_kept(tmp_path):
    (tmp_path / "counter_41.db").write_bytes(b"an earlier run's")
    (tmp_path / "README").write_text("the operator's own file")
    folder = MetricsFolder.opened({VARIABLE: str(tmp_path)})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README"]
    folder.close()
    assert (tmp_path / "README").exists()


def test_an_ended_process_loses_its_live_gauges_and_keeps_its_counts(tmp_path):
    for name in ("counter_7.db", "histogram_7.db", "gauge_livesum_7.db", "gauge_liveall_7.db", "gauge_liveall_8.db"):
        (tmp_path / name).write_bytes(b"")
    MetricsFolder(str(tmp_path), made_here=False).process_ended(7)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter_7.db", "gauge_liveall_8.db", "histogram_7.db"]


def test_the_parent_is_told_of_each_child_that_ended():
    ended: list[int] = []
    assert Supervisor([lambda: 2] * 2, ended=ended.append).run() == 2
    assert len(set(ended)) == 2 and os.getpid() not in ended


def test_multiprocess_mode_is_refused_once_prometheus_client_counts_in_memory():
    """Here, as in any process where it was imported before the folder was named: sharing would silently fail."""
    environ: dict[str, str] = {}
    with pytest.raises(RuntimeError, match=VARIABLE):
        share_metrics(environ)
    assert not os.path.exists(environ[VARIABLE])  # its folder not left behind


def test_alone_a_process_names_itself_and_shows_its_own_figures():
    metrics = Metrics(role="processing")
    assert metrics.scraped() is metrics.registry
    assert metrics.registry.get_sample_value("gw_process", {"pid": str(os.getpid()), "role": "processing"}) == 1
