"""Triage speed: batch throughput, single-message latency, start-up and memory, vs a keyword baseline."""
import time

from bench.common import pct, peak_rss_mb, table
from nlp.dataset import load

KEYWORDS = {"打": "violence", "偷": "theft", "骗": "fraud", "毒": "drugs", "走丢": "missing_person", "撞": "traffic_accident",
            "赌": "public_order", "火": "fire_emergency", "吵": "neighbor_dispute", "工资": "labor_dispute",
            "垃圾": "sanitation", "坏了": "facility_repair", "物业": "property_management", "老人": "elderly_care",
            "狗": "stray_animal", "请问": "consultation", "充电": "safety_hazard"}


def keyword_baseline(text: str):
    """The plainest classifier there is: first keyword wins."""
    return next((c for k, c in KEYWORDS.items() if k in text), None)


def run(messages: int = 4000) -> str:
    """Measure and return a table."""
    texts = [r["text"] for r in load()]
    texts = (texts * (messages // len(texts) + 1))[:messages]
    started = time.perf_counter()
    from core.config_load import load_settings
    from core.gazetteer import gazetteer_entries
    from nlp.classifier import Classifier
    from nlp.gazetteer import Gazetteer
    classifier = Classifier.load(gazetteer=Gazetteer.from_entries(gazetteer_entries(load_settings()))).warm_up()
    startup = time.perf_counter() - started

    started = time.perf_counter()
    for i in range(0, len(texts), 256):
        classifier.classify_many(texts[i:i + 256])
    batch_rate = len(texts) / (time.perf_counter() - started)
    single = []
    for text in texts[:1000] + ["锦" * 10000, "", "😀" * 50]:
        t0 = time.perf_counter()
        classifier.classify(text)
        single.append((time.perf_counter() - t0) * 1000)
    started = time.perf_counter()
    for text in texts:
        keyword_baseline(text)
    base_rate = len(texts) / (time.perf_counter() - started)
    rows = [("batch throughput (msg/s)", f"{batch_rate:,.0f}", f"{base_rate:,.0f}", f"{batch_rate / base_rate:.4f}"),
            ("single p50 (ms)", f"{pct(single, 50):.2f}", "", ""), ("single p99 (ms)", f"{pct(single, 99):.2f}", "", ""),
            ("start-up incl. warm-up (s)", f"{startup:.2f}", "", ""), ("peak RSS (MB)", f"{peak_rss_mb():.0f}", "", "")]
    return table(rows, ("triage", "classify", "keyword baseline", "ratio"))


if __name__ == "__main__":
    print(run())
