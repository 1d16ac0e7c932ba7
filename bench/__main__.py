"""`make bench`: every benchmark, one table each, with the machine they ran on."""
import asyncio
import sys

from bench import bench_classify, bench_escalation, bench_intake
from bench.common import machine


def main() -> int:
    quick = "--quick" in sys.argv
    print(f"# GridWhistle benchmarks — {machine()}\n")
    print("## Triage\n" + bench_classify.run() + "\n")
    print("## Escalation lag (1,000 due together among N pending)\n"
          + bench_escalation.run(10_000 if quick else 100_000) + "\n")
    print("## Callback ack latency (signed, encrypted OA messages on loopback)\n"
          + asyncio.run(bench_intake.main((50,) if quick else (50, 200))) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
