"""`make bench`: every benchmark, one table each, with the machine they ran on; `--quick` for a small run."""
import sys
import time

from bench import bench_alerts, bench_classify, bench_escalation, bench_intake, bench_recovery, triage_cli
from bench.common import machine

FULL = dict(messages=4000, cli_messages=10000, sizes=(1_000, 10_000, 100_000), intervals=(1.0, 0.5),
            recovery_pending=100_000,
            overdue=1000, rates=(50, 200, 500), seconds=5.0)
# the same tables, each figure from less work: a smoke run, not figures to quote
QUICK = dict(messages=1000, cli_messages=2000, sizes=(1_000, 10_000), intervals=(1.0,), recovery_pending=1_000,
             overdue=200,
             rates=(50, 200), seconds=2.0)


def main() -> int:
    """Run each benchmark in turn and print its tables."""
    quick = "--quick" in sys.argv
    p = QUICK if quick else FULL
    started = time.perf_counter()
    print(f"# GridWhistle benchmarks{' (quick)' if quick else ''} — {machine()}\n")
    print("## Triage\n" + bench_classify.run(p["messages"]) + "\n", flush=True)
    print("## Triage CLI against jieba + TF-IDF + LR (separate processes, same messages)\n"
          + triage_cli.run(p["cli_messages"]) + "\n", flush=True)
    print("## Escalation lag (1,000 due together among N pending; steady: due over 10 s)\n"
          + bench_escalation.run(p["sizes"], intervals=p["intervals"]) + "\n", flush=True)
    print("## Restart recovery (deadlines that fell due while the service was down)\n"
          + bench_recovery.run(p["recovery_pending"], p["overdue"]) + "\n", flush=True)
    print(f"## Callback intake (signed, encrypted OA messages; generator and server in separate processes; "
          f"{p['seconds']:g} s at each rate)\n" + bench_intake.run(p["rates"], seconds=p["seconds"]) + "\n", flush=True)
    print(f"## Alert volume (the demo's seeded month, {bench_alerts.DAYS} days to {bench_alerts.END:%Y-%m-%d %H:%M})\n"
          + bench_alerts.run() + "\n", flush=True)
    print(f"Total {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
