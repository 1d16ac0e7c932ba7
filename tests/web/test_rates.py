"""The rates, exactly as defined on the statistics page, over a small story."""
from sqlmodel import select

from models import Ticket
from models.store import session
from reports import rates
from reports.facts import load_facts
from tests.web.conftest import hazard, login


def _story(world):
    """Four tickets: on time all the way; late to accept; resolved late and unhappy; cancelled."""
    act = world.dispatcher.act
    a = hazard(world, who="王阿姨")
    b = hazard(world, who="李大妈", text="翠湖苑2栋路灯坏了", grid="gh-3", category="facility_repair", location="翠湖苑2栋")
    c = hazard(world, who="赵叔", text="柳溪村四组有条狗追人", grid="lx-2", category="stray_animal", location="柳溪村四组")
    d = hazard(world, who="钱姐", text="锦绣里2栋垃圾没人清", grid="gh-2-b", category="sanitation", location="锦绣里2栋")
    world.clock.advance("10m")
    act("wg_li", "accept", a.ticket_id)
    act("wg_panyong", "accept", c.ticket_id)
    world.dispatcher.cancel(world.resident("钱姐"), d.number)
    world.clock.advance("50m")  # b: accepted after 1h (limit 30m)
    act("wg_guomin", "accept", b.ticket_id)
    act("wg_li", "resolve", a.ticket_id, "已清理")
    world.clock.advance("2d")  # c: resolved after 2 days (limit 1 day)
    act("wg_panyong", "resolve", c.ticket_id, "已处理")
    world.dispatcher.feedback(world.resident("王阿姨"), True)
    world.dispatcher.feedback(world.resident("赵叔"), False, "狗还在")
    return a, b, c, d


def test_the_rates_follow_their_definitions(world, engine):
    _story(world)
    with session(engine) as db:
        facts = load_facts(db, list(db.exec(select(Ticket)).all()))
    r = rates.compute(facts)
    assert (r.total, r.dispatched, r.accepted_on_time) == (3, 3, 2)  # the cancelled one counts nowhere
    assert (r.resolved, r.resolved_on_time) == (2, 1)
    assert r.done == 1  # c was re-opened by 不满意, so only a is 办结 now
    assert (r.answered, r.satisfied, r.default_satisfied) == (2, 1, 0)
    assert r.reopened == 1 and r.reopen_rate == 0.5
    assert r.median_accept_s == 600  # 10m, 10m, 1h
    by_worker = rates.by(facts, lambda f: f.handler)
    assert by_worker["wg_guomin"].accept_rate == 0


async def test_the_statistics_page_shows_rates_charts_and_definitions(client, world):
    _story(world)
    await login(client, "sz_chen")
    html = await (await client.get("/console/stats")).text()
    assert "66.7%" in html and "50.0%" in html  # 及时签收率 2/3, 按时办结率 1/2
    assert html.count("<svg") >= 3
    for term, definition in rates.DEFINITIONS:
        assert term in html and definition[:20] in html


async def test_a_redispatched_ticket_has_the_same_rates_on_the_console_and_in_the_weekly_summary(world, engine,
                                                                                                   client):
    from reports.digest import weekly_summary
    receipt = hazard(world)
    world.clock.advance("10m")
    world.dispatcher.act("wg_li", "accept", receipt.ticket_id)  # on time (limit 30 m)
    world.clock.advance("1h")
    outcome = world.dispatcher.supervise("sz_chen", "reassign", receipt.ticket_id, member="wg_wangfang", note="换人")
    assert outcome.ok  # a new dispatch: the ticket's dispatched_at moves on and its accepted_at is cleared
    await login(client, "sz_chen")
    html = await (await client.get("/console/stats")).text()
    assert "<b>100.0%</b><span>及时签收率</span><small>1 / 1</small>" in html
    with session(engine) as db:
        summary = weekly_summary(db, world.clock.now(), world.dispatcher.deps.calendar.tz)
    assert "及时签收率：100%" in summary and "本周受理 1 件" in summary
