"""Triage speed: batch throughput, single-message latency, start-up and memory, against a keyword baseline."""
import time

from bench.common import pct, peak_rss_mb, table

KEYWORDS = {"打": "violence", "偷": "theft", "骗": "fraud", "毒": "drugs", "走丢": "missing_person", "撞": "traffic_accident",
            "赌": "public_order", "火": "fire_emergency", "吵": "neighbor_dispute", "工资": "labor_dispute",
            "垃圾": "sanitation", "坏了": "facility_repair", "物业": "property_management", "老人": "elderly_care",
            "狗": "stray_animal", "请问": "consultation", "充电": "safety_hazard"}


def keyword_baseline(text: str):
    """The plainest classifier there is: the first keyword found names the category."""
    return next((c for k, c in KEYWORDS.items() if k in text), None)


def _timed(fn, texts: list[str], batch: int | None) -> tuple[float, list[float]]:
    """Messages per second over the whole list, and per-call latencies in ms (one message per call if no batch)."""
    latencies, started = [], time.perf_counter()
    step = batch or 1
    for i in range(0, len(texts), step):
        t0 = time.perf_counter()
        fn(texts[i:i + step]) if batch else fn(texts[i])
        latencies.append((time.perf_counter() - t0) * 1000)
    return len(texts) / (time.perf_counter() - started), latencies


def _cpu_rate(fn, texts: list[str], batch: int) -> float:
    """Messages per CPU-second of this process: the figure other processes on the machine cannot skew."""
    started = time.process_time()
    for i in range(0, len(texts), batch):
        fn(texts[i:i + batch])
    return len(texts) / max(time.process_time() - started, 1e-9)


def run(messages: int = 4000) -> str:
    """Measure the classifier and the baseline in the same process; return a table."""
    from core.config_load import load_settings
    from core.gazetteer import gazetteer_entries
    from nlp.classifier import Classifier
    from nlp.dataset import load
    from nlp.places import Gazetteer

    texts = [r["text"] for r in load()]
    texts = (texts * (messages // len(texts) + 1))[:messages]
    gazetteer = Gazetteer.from_entries(gazetteer_entries(load_settings()))
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    classifier = Classifier.load(gazetteer=gazetteer)
    loaded = time.perf_counter() - started
    classifier.warm_up()
    warm = time.perf_counter() - started - loaded

    batch_rate, batch_ms = _timed(classifier.classify_many, texts, 256)
    batch_cpu = _cpu_rate(classifier.classify_many, texts, 256)
    base_cpu = _cpu_rate(lambda chunk: [keyword_baseline(t) for t in chunk], texts, 256)
    single_rate, single_ms = _timed(classifier.classify, texts[:2000] + ["锦" * 10000, "", "😀" * 50], None)
    base_batch, _ = _timed(lambda chunk: [keyword_baseline(t) for t in chunk], texts, 256)
    base_rate, base_ms = _timed(keyword_baseline, texts[:2000], None)
    rows = [
        ("batch throughput (msg/s, 256 a batch)", f"{batch_rate:,.0f}", f"{base_batch:,.0f}", f"{base_batch / batch_rate:,.0f}x"),
        ("batch throughput (msg per CPU-second)", f"{batch_cpu:,.0f}", f"{base_cpu:,.0f}", f"{base_cpu / batch_cpu:,.0f}x"),
        ("single throughput (msg/s)", f"{single_rate:,.0f}", f"{base_rate:,.0f}", f"{base_rate / single_rate:,.0f}x"),
        ("single p50 (ms)", f"{pct(single_ms, 50):.3f}", f"{pct(base_ms, 50):.4f}",
         f"{pct(single_ms, 50) / max(pct(base_ms, 50), 1e-6):,.0f}x"),
        ("single p99 (ms)", f"{pct(single_ms, 99):.3f}", f"{pct(base_ms, 99):.4f}",
         f"{pct(single_ms, 99) / max(pct(base_ms, 99), 1e-6):,.0f}x"),
        ("batch of 256 p99 (ms)", f"{pct(batch_ms, 99):.1f}", "", ""),
        ("model load (s)", f"{loaded:.2f}", "0", ""),
        ("warm-up: jieba, OpenCC, first message (s)", f"{warm:.2f}", "0", ""),
        ("peak RSS (MB; before load)", f"{peak_rss_mb():.0f} ({rss_before:.0f})", "", ""),
    ]
    return table(rows, ("triage", "classify", "keyword baseline", "classify / baseline cost"))


if __name__ == "__main__":
    print(run())
