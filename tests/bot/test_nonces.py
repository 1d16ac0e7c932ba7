"""A signed callback query is good for one body, in the store (so across instances and restarts)."""
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from bot.inbound import inbox, nonces
from bot.inbound.guard import SignedQuery
from bot.inbound.incoming import Incoming
from models import CallbackNonce, InboxMessage
from models.store import make_engine, session
from tests.helpers import TEST_PRIVACY


def message(sender: str, msg_id: int) -> Incoming:
    return Incoming(channel="mp", sender=sender, msg_key=f"mp:{sender}:{msg_id}", msg_type="text", text="路灯坏了")


def query(clock, nonce: str = "1234") -> SignedQuery:
    return SignedQuery(str(int(clock.now().timestamp())), nonce, "a" * 40)


def test_the_same_query_with_the_same_body_is_a_retry_and_with_another_body_is_refused(engine, clock):
    q = query(clock)
    first = inbox.store_many(engine, TEST_PRIVACY,
                             [(message("oWang", 1), clock.now(), None, nonces.seen("mp", q, b"<xml>1</xml>"))])
    other_instance = make_engine(engine.url.render_as_string(hide_password=False))  # another instance, same store
    try:
        retry, replay = inbox.store_many(other_instance, TEST_PRIVACY, [
            (message("oWang", 1), clock.now(), None, nonces.seen("mp", q, b"<xml>1</xml>")),
            (message("oEvil", 2), clock.now(), None, nonces.seen("mp", q, b"<xml>2</xml>"))])
    finally:
        other_instance.dispose()
    assert first[0][1] is True and retry[0].id == first[0][0].id and retry[1] is False
    assert replay == (None, False)
    with session(engine) as db:
        assert [m.msg_key for m in db.exec(select(InboxMessage)).all()] == ["mp:oWang:1"]
    # another channel, or another nonce, is another query
    other = [(message("oEvil", 3), clock.now(), None, nonces.seen("work", q, b"x")),
             (message("oEvil", 4), clock.now(), None, nonces.seen("mp", query(clock, "99"), b"x"))]
    assert [created for _, created in inbox.store_many(engine, TEST_PRIVACY, other)] == [True, True]


def test_queries_are_forgotten_once_their_timestamp_can_no_longer_pass(engine, clock):
    q = query(clock)
    inbox.store_many(engine, TEST_PRIVACY, [(message("oWang", 1), clock.now(), None, nonces.seen("mp", q, b"a"))])
    forgetting = nonces.Forgetting(engine)
    assert forgetting.step(clock.now()) == 0
    later = clock.now() + timedelta(seconds=nonces.KEEP.total_seconds() + 1)
    assert forgetting.step(later - timedelta(seconds=30)) == 0  # ran less than a minute ago
    assert forgetting.step(later + timedelta(minutes=1)) == 1
    with session(engine) as db:
        assert db.exec(select(CallbackNonce)).all() == []


def test_it_keeps_each_query_until_the_window_has_closed_on_it(clock):
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc))
    seen = nonces.seen("mp", query(clock), b"")
    assert seen.expires_at == clock.now() + timedelta(minutes=6)
    assert seen.key == f"mp:{int(clock.now().timestamp())}:1234:{'a' * 40}"
