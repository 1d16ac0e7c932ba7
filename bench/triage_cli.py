"""The classify CLI against the jieba + TF-IDF + LR pipeline, each as its own process on the same messages.

Each is run with no input (start-up alone) and with the messages, alternately, three rounds, the
best of each kept; the difference is the time spent classifying. Peak RSS is the child's high-water
mark. The baseline is trained in this process on the same rows the model trains on and handed to
its child as a file.
"""
import json
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import table

ROOT = Path(__file__).resolve().parent.parent
_BASELINE_CHILD = """
import json, pickle, sys
baseline = pickle.load(open(sys.argv[1], "rb"))
rows = [json.loads(line) for line in sys.stdin if line.strip()]
for start in range(0, len(rows), 256):
    chunk = rows[start:start + 256]
    for row, result in zip(chunk, baseline.classify_many([r["text"] for r in chunk])):
        sys.stdout.write(json.dumps({"id": row["id"], "is_report": result.is_report, "kind": result.kind,
                                     "category": result.category, "urgency": result.urgency,
                                     "location": result.location, "confidence": result.confidence},
                                    ensure_ascii=False) + "\\n")
"""


# A fresh parent per run, so RUSAGE_CHILDREN is that one command's own: peak RSS and CPU seconds
# (CPU time, unlike wall time, is not stretched by other work on a shared machine).
_MEASURE = ("import resource, subprocess, sys\n"
            "subprocess.run(sys.argv[1:], check=True)\n"
            "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(u.ru_maxrss, u.ru_utime + u.ru_stime, file=sys.stderr)\n")


def _run(command: list[str], body: bytes) -> tuple[float, float, float, int]:
    """CPU seconds, wall seconds, the command's peak RSS in MB, output lines."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command], input=body, capture_output=True, cwd=ROOT,
                          check=True)
    seconds = time.perf_counter() - started
    rss, cpu = done.stderr.decode().split()[-2:]
    return float(cpu), seconds, int(rss) / 1024, done.stdout.count(b"\n")


def run(messages: int = 10000, rounds: int = 3) -> str:
    """Both pipelines on the same messages; a table of times, rates, memory and ratios."""
    from bench.triage_baseline import Baseline
    from nlp.cli import training_rows

    rows = training_rows()
    texts = [r["text"] for r in rows]
    texts = (texts * (messages // len(texts) + 1))[:messages]
    body = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)).encode()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "baseline.pickle"
        path.write_bytes(pickle.dumps(Baseline(rows)))
        baseline_cmd = [sys.executable, "-c", _BASELINE_CHILD, str(path)]
        ours_cmd = [sys.executable, "run.py", "classify"]
        runs: dict[str, list] = {"base_empty": [], "base": [], "ours_empty": [], "ours": []}
        for _ in range(rounds):  # alternated, best of each: other work on the machine only ever adds time
            runs["base_empty"].append(_run(baseline_cmd, b""))
            runs["ours_empty"].append(_run(ours_cmd, b""))
            runs["base"].append(_run(baseline_cmd, body))
            runs["ours"].append(_run(ours_cmd, body))
        base_empty, ours_empty = min(runs["base_empty"]), min(runs["ours_empty"])
        base, ours = min(runs["base"]), min(runs["ours"])
    assert base[3] == ours[3] == messages
    rate = {f"{name}_{what}": messages / max(full[k] - empty[k], 1e-9)
            for name, full, empty in (("ours", ours, ours_empty), ("base", base, base_empty))
            for what, k in (("cpu", 0), ("wall", 1))}
    rows_out = [
        ("msg per CPU-second, start-up excluded", f"{rate['ours_cpu']:,.0f}", f"{rate['base_cpu']:,.0f}",
         f"{rate['ours_cpu'] / rate['base_cpu']:.2f}x"),
        ("msg/s wall, start-up excluded", f"{rate['ours_wall']:,.0f}", f"{rate['base_wall']:,.0f}",
         f"{rate['ours_wall'] / rate['base_wall']:.2f}x"),
        ("whole run incl. start-up, CPU s", f"{ours[0]:.2f}", f"{base[0]:.2f}", f"{base[0] / ours[0]:.2f}x"),
        ("start-up alone, CPU s", f"{ours_empty[0]:.2f}", f"{base_empty[0]:.2f}", ""),
        ("peak RSS of the process (MB)", f"{ours[2]:.0f}", f"{base[2]:.0f}", ""),
    ]
    return table(rows_out, ("classify CLI, same messages", "run.py classify", "jieba+TF-IDF+LR", "speed ours/base"))


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 10000))
