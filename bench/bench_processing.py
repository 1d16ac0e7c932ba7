"""CPU per message of storing and answering alone: one thread, no HTTP, no other load in the process.

`python -m bench.bench_processing sqlite 400` stores each of the load generator's messages (inbox.store_many)
and answers it (handle.answer_stored: triage, dispatch, the recorded answer), one after another, and
prints CPU ms per message. Bench_intake's figure also has HTTP, crypto, threads and the outbox in it and
swings with whatever else the machine runs; this one isolates the per-message work, so a cut shows.
The first 300 messages (one per resident, tickets opened) are not timed.
"""
import sys
import time

from bench.loadgen import MESSAGES
from bench.stores import drop, fresh_engine
from bot.context import BotContext
from bot.inbound import inbox
from bot.inbound.handle import answer_stored
from bot.inbound.incoming import Incoming
from core.clock import FakeClock
from core.config_load import load_settings
from core.gazetteer import gazetteer_entries
from core.workcal import WorkCalendar
from dispatch.service import Dispatcher
from models.store import migrate
from models.sync import sync_directory
from nlp.classifier import Classifier
from nlp.gazetteer import Gazetteer
from tests.helpers import TEST_PRIVACY

WARM = 300


def _message(i: int) -> Incoming:
    return Incoming(channel="mp", sender=f"o{i % 300}", msg_key=f"mp:o{i % 300}:{10**9 + i}", msg_type="text",
                    text=MESSAGES[i % 5].format(n=i % 12 + 1))


def run(kind: str, count: int) -> float:
    """CPU ms per message over `count` messages after the warm ones."""
    settings, engine = load_settings(), fresh_engine(kind)
    try:
        migrate(engine)
        sync_directory(engine, settings)
        clock = FakeClock("2026-11-24T10:00:00+08:00")  # a working Tuesday: grids answer, nothing is held
        calendar = WorkCalendar(settings.working_hours.periods, "chinese", settings.timezone)
        classifier = Classifier.load(gazetteer=Gazetteer.from_entries(gazetteer_entries(settings))).warm_up()
        ctx = BotContext(settings, engine, clock, classifier, Dispatcher(settings, engine, clock, calendar),
                         privacy=TEST_PRIVACY)

        def one(i: int) -> None:
            msg = _message(i)
            row, created = inbox.store_many(engine, ctx.privacy, [(msg, clock.now(), ctx.instance, None)])[0]
            answer_stored(ctx, msg, row, created)

        for i in range(WARM):
            one(i)
        started = time.process_time()
        for i in range(WARM, WARM + count):
            one(i)
        return (time.process_time() - started) / count * 1000
    finally:
        drop(engine)


if __name__ == "__main__":
    kind, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 400
    print(f"{kind}: {run(kind, count):.2f} ms CPU per message (store and answer)")
