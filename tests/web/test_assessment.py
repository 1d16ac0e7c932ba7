"""The monthly ranking: outcomes only, the formula shown, 五星网格员, pushed once on the 1st."""
from datetime import datetime

import pytest
from sqlalchemy import update
from sqlmodel import select

from models import Member, Outbox
from models.store import session
from reports import rates
from reports.assessment import FORMULA, Score, _ranked, assess
from tests.web.conftest import hazard, login


def _month_of_work(world):
    """李明 accepts and closes three tickets at once; 郭敏 is slow on three (their grid-mates are off duty)."""
    _on_duty(world.engine, False)
    for i in range(3):
        place = ["桂花苑1栋", "桂花路", "桂花幼儿园"][i]
        fast = hazard(world, who=f"居民{i}", text=f"{place}{['楼道堆物', '占道经营', '门口积水'][i]}", location=place,
                      category=["safety_hazard", "public_order", "sanitation"][i], kind="non_police")
        place = ["翠湖苑1栋", "建设路", "青石菜市场"][i]
        slow = hazard(world, who=f"住户{i}", text=f"{place}{['路灯坏了', '井盖松了', '水管爆了'][i]}", grid="gh-3",
                      category=["facility_repair", "safety_hazard", "sanitation"][i], location=place)
        world.dispatcher.act("wg_li", "accept", fast.ticket_id)
        world.dispatcher.act("wg_li", "resolve", fast.ticket_id, "已清理")
        world.clock.advance("40m")  # inside the working day; the limit to accept is 30m
        world.dispatcher.act("wg_guomin", "accept", slow.ticket_id)
        world.clock.advance("1m")


OFF = ["wg_wangfang", "wg_liutao", "wg_luoyu", "wg_songjia"]


def _on_duty(engine, value: bool) -> None:
    with session(engine) as db:
        db.exec(update(Member).where(Member.id.in_(OFF)).values(on_duty=value))
        db.commit()


@pytest.fixture(autouse=True)
def back_on_duty(engine):
    """On PostgreSQL the member table outlives a test: put everyone back on duty afterwards."""
    yield
    _on_duty(engine, True)


def test_it_ranks_on_outcomes_and_marks_the_best(world, engine, settings):
    _month_of_work(world)
    with session(engine) as db:
        ranking = assess(db, settings, "2026-11", world.dispatcher.deps.calendar.tz)
    workers = [s for s in ranking["grid_worker"] if s.rank]
    assert [s.member_id for s in workers] == ["wg_li", "wg_guomin"]
    assert workers[0].five_star and workers[0].score == 100.0
    assert workers[1].score == 0.0  # late to accept, not closed: the two rates with data are 0
    unranked = [s for s in ranking["grid_worker"] if not s.rank]
    assert all(s.score is None for s in unranked)


def test_the_best_of_a_poor_month_gets_no_star():
    poor = rates.compute([])
    scores = [Score("wg_li", "李明", "桂花社区第一网格", poor, 84.9), Score("wg_guomin", "郭敏", "", poor, 40.0)]
    ranked = _ranked(scores, five_stars=3)
    assert [s.rank for s in ranked] == [1, 2] and not any(s.five_star for s in ranked)


async def test_the_page_shows_the_formula_and_stars(client, world):
    _month_of_work(world)
    await login(client, "wg_li")  # the ranking is a public board: workers see it too
    html = await (await client.get("/console/assessment?month=2026-11")).text()
    assert FORMULA in html and "★ 五星网格员" in html and "李明" in html


def ranking_step(world, engine):
    """The duties step, counting the rankings it sent to the supervisors' group."""
    from tests.duties.test_duties import duties_of
    duties = duties_of(world, world.dispatcher.deps.settings)

    def step(at: datetime) -> int:
        duties.step(at)
        with session(engine) as db:
            return len(db.exec(select(Outbox).where(Outbox.channel == "supervisors_group")).all())
    return step


def test_the_ranking_goes_to_the_supervisors_group_once_on_the_first(world, settings, engine, clock):
    _month_of_work(world)
    step = ranking_step(world, engine)
    shanghai = world.dispatcher.deps.calendar.tz
    assert step(datetime(2026, 12, 1, 8, 59, tzinfo=shanghai)) == 0  # before monthly_ranking_at
    assert step(datetime(2026, 12, 1, 9, 0, tzinfo=shanghai)) == 1
    assert step(datetime(2026, 12, 1, 9, 1, tzinfo=shanghai)) == 1
    assert step(datetime(2026, 12, 2, 9, 0, tzinfo=shanghai)) == 1
    with session(engine) as db:
        sent = db.exec(select(Outbox).where(Outbox.channel == "supervisors_group")).all()
    assert len(sent) == 1
    text = sent[0].payload["text"]
    assert "2026年11月" in text and "1. 李明" in text and "五星网格员" in text and "不计走访次数和里程" in text


def test_a_first_missed_while_down_is_made_up_on_the_second(world, settings, engine, clock):
    _month_of_work(world)
    step = ranking_step(world, engine)
    shanghai = world.dispatcher.deps.calendar.tz
    assert step(datetime(2026, 12, 2, 7, 0, tzinfo=shanghai)) == 1
    assert step(datetime(2026, 12, 4, 9, 0, tzinfo=shanghai)) == 1
