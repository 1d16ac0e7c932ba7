"""One crash run: residents report, the service is killed at a crash point, restarted, and the store is read.

WeChat's side is played faithfully: a callback that got no answer is sent again (WeChat
retries for about 15 s; here after the restart), and two answered ones are replayed too.
"""
import asyncio
import re
import time
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
from sqlmodel import select

from models import AuditLog, Escalation, InboxMessage, Outbox, Ticket, TicketReporter
from models.store import make_engine, session
from tests.bot import wechat

REPORTS = ["桂花苑3栋路灯坏了好几天了晚上黑乎乎的", "锦绣花园5栋楼道有人给电瓶车充电", "柳溪村二组垃圾堆了一个礼拜没人清",
           "翠湖苑7栋楼上天天半夜装修吵得睡不着", "青石菜市场门口有条流浪狗见人就咬", "柳溪大桥下面有人聚众赌博",
           "柳溪村四组有人打架了头都打破了", "桂花幼儿园门口下水道井盖没了"]
CHATTER = ["大家早上好", "谢谢网格员"]
SETTLE_S = 7  # the fast ladder's two accept steps (2 s and 4 s) and the sends after them


@dataclass
class Message:
    """One resident message as WeChat would post it."""

    msg_id: int
    sender: str
    text: str

    @property
    def key(self) -> str:
        """The inbox's UNIQUE key for it."""
        return f"mp:{self.msg_id}"

    def request(self) -> tuple[dict, str]:
        now = int(time.time())
        return wechat.mp_safe(wechat.text_xml(self.sender, self.text, self.msg_id, now), now)


@dataclass
class Traffic:
    """What WeChat saw: which messages were answered, and the passive replies."""

    messages: list[Message]
    acked: set[int] = field(default_factory=set)
    replies: dict[int, list[str]] = field(default_factory=dict)


def traffic(seed: int) -> Traffic:
    """Reports and chatter from different residents, each with its own MsgId."""
    texts = REPORTS + CHATTER
    return Traffic([Message(seed * 1000 + i, f"oResident{i:02d}", text) for i, text in enumerate(texts)])


async def post(http: aiohttp.ClientSession, base: str, t: Traffic, m: Message) -> int | None:
    """Post one callback; its HTTP status, or None when a dead or dying service gave no answer."""
    query, body = m.request()
    try:
        async with http.post(base + "/wechat/mp", params=query, data=body.encode(),
                             timeout=aiohttp.ClientTimeout(total=6)) as response:
            text = await response.text()
            if response.status == 200:
                t.acked.add(m.msg_id)
                t.replies.setdefault(m.msg_id, []).append(wechat.decrypt_reply(text) if "<Encrypt>" in text else text)
            return response.status
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return None


async def wait_settled(url: str, timeout: float = 20) -> bool:
    """Give the real process its real seconds (ladders), then wait until nothing is left to do."""
    await asyncio.sleep(SETTLE_S)
    for _ in range(int(timeout / 0.2)):
        if await asyncio.to_thread(settled, url):
            return True
        await asyncio.sleep(0.2)
    return False


def settled(url: str) -> bool:
    """Every message processed and nothing left to send or fire that is already due."""
    engine = make_engine(url)
    try:
        with session(engine) as db:
            busy_inbox = db.exec(select(InboxMessage).where(InboxMessage.status.not_in(("done", "failed")))).all()
            busy_outbox = db.exec(select(Outbox).where(Outbox.status.in_(("pending", "sending")))).all()
        return not busy_inbox and not busy_outbox
    finally:
        engine.dispose()


@dataclass
class Store:
    """What the store holds after the run."""

    inbox: dict[str, InboxMessage]
    tickets: list[Ticket]
    reporters: list[TicketReporter]
    audit: list[AuditLog]
    escalations: list[Escalation]
    outbox: list[Outbox]


def read_store(url: str) -> Store:
    """Everything the checks need, read once."""
    engine = make_engine(url)
    try:
        with session(engine) as db:
            return Store({r.msg_key: r for r in db.exec(select(InboxMessage)).all()},
                         list(db.exec(select(Ticket)).all()), list(db.exec(select(TicketReporter)).all()),
                         list(db.exec(select(AuditLog)).all()), list(db.exec(select(Escalation)).all()),
                         list(db.exec(select(Outbox)).all()))
    finally:
        engine.dispose()


def check(store: Store, t: Traffic, delivered: list[str], may_fail=lambda row: False) -> list[str]:
    """Every problem found (empty when the run kept every promise); `may_fail` excuses failed outbox rows."""
    problems = []
    keys = {m.key: m for m in t.messages}
    if missing := sorted(set(keys) - set(store.inbox)):
        problems.append(f"messages not stored: {missing}")
    if unfinished := [k for k, r in store.inbox.items() if r.status != "done"]:
        problems.append(f"messages not processed: {unfinished}")
    reports = {k for k, m in keys.items() if m.text in REPORTS}
    ticketed = {k for k, r in store.inbox.items() if r.ticket_id}
    if ticketed != reports:
        problems.append(f"reports without a ticket {sorted(reports - ticketed)}, chatter with one {sorted(ticketed - reports)}")
    per_message = Counter(r.inbox_id for r in store.reporters)
    reported = [x for x in store.tickets if x.category != "duty"]  # recurring duties make tickets of their own
    if len(reported) != len(reports) or any(n > 1 for n in per_message.values()):
        problems.append(f"{len(reported)} tickets for {len(reports)} reports; per message {dict(per_message)}")
    dispatched = Counter(a.ticket_id for a in store.audit if a.action == "dispatched")
    if doubled := {k: n for k, n in dispatched.items() if n > 1}:
        problems.append(f"tickets dispatched more than once: {doubled}")
    rungs = Counter((e.ticket_id, e.kind, e.level, e.cycle) for e in store.escalations)
    if doubled := {k: n for k, n in rungs.items() if n > 1}:
        problems.append(f"escalations fired more than once: {doubled}")
    problems += _check_sends([r for r in store.outbox if not (r.status == "failed" and may_fail(r))], delivered)
    return problems


def identity(sent) -> str:
    """How a delivery is told apart at the fake WeChat: a card by its task_id, a text by its content."""
    card = sent.body.get("template_card")
    return "card:" + card["task_id"] if card else sent.text


def _row_identity(row: Outbox) -> str:
    if row.msg_type == "template_card" and row.payload.get("card"):
        return "card:" + re.sub(r"[^A-Za-z0-9_\-@]", "_", row.idem_key)[:128]
    return row.payload.get("text", "")


def _check_sends(outbox: list[Outbox], delivered: list[str]) -> list[str]:
    """Each sent row reached the fake WeChat; a second copy only where the row is flagged ambiguous."""
    problems = []
    if stuck := [r.idem_key for r in outbox if r.status != "sent"]:
        problems.append(f"outbox rows not sent: {stuck}")
    rows = Counter(_row_identity(r) for r in outbox if r.status == "sent")
    allowed = rows + Counter(_row_identity(r) for r in outbox if r.ambiguous)
    got = Counter(delivered)
    if lost := {key[:40]: n - got[key] for key, n in rows.items() if got[key] < n}:
        problems.append(f"sent but never delivered: {lost}")
    if extra := {key[:40]: n - allowed[key] for key, n in got.items() if n > allowed[key]}:
        problems.append(f"delivered more often than allowed: {extra}")
    return problems
