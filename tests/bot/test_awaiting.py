"""server.processing: separate: a waited-for answer is given once, by the callback or by the outbox."""
import asyncio

from bot.inbound import awaiting, inbox
from bot.inbound.awaiting import Answers, release
from bot.inbound.incoming import Incoming
from core.privacy import Privacy

PRIVACY = Privacy.ephemeral()


def _stored(engine, clock, n: int, awaited: bool = True):
    msg = Incoming(channel="mp", sender=f"oLi{n}", msg_key=f"mp:{n}", msg_type="text", text="你好")
    row, _ = inbox.store_many(engine, PRIVACY, [(msg, clock.now(), None, None)], [awaited])[0]
    return row


def test_finished_first_the_callback_gives_the_answer(engine, clock):
    row = _stored(engine, clock, 1)
    assert inbox.finish(engine, PRIVACY, row.id, "收到", None)  # the processing process leaves it to the callback
    assert not release(engine, row)  # too late to let go: the callback gives the recorded answer


def test_let_go_first_the_processing_process_sends_it(engine, clock):
    row = _stored(engine, clock, 2)
    assert release(engine, row)
    assert not inbox.finish(engine, PRIVACY, row.id, "收到", None)  # nobody waits: the outbox carries it
    assert not inbox.finish(engine, PRIVACY, _stored(engine, clock, 3, awaited=False).id, "收到", None)


async def test_one_poller_reads_every_waiting_callback_and_steps_aside_when_behind(engine, clock, monkeypatch):
    monkeypatch.setattr(awaiting, "POLL_S", 0.01)
    answers = Answers(engine, asyncio.get_running_loop())
    rows = [_stored(engine, clock, 10 + n) for n in range(3)]
    inbox.finish(engine, PRIVACY, rows[0].id, "收到", None)
    done, pending = await asyncio.gather(answers.finished(rows[0].id, 1.0), answers.finished(rows[1].id, 0.1))
    assert (done.reply, pending) == ("收到", None)
    monkeypatch.setattr(awaiting, "BEHIND", 1)  # rows 1 and 2 unanswered: behind, nobody waits the budget out
    assert await asyncio.wait_for(answers.finished(rows[2].id, 5.0), 1.0) is None
    assert answers.behind
    answers.close()
