"""Escalation that people do not mute: one ladder at a time, bounded repeats, nobody chasing himself."""
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import select

from models import Escalation
from models.store import session
from reports.digest import daily_digest
from tests.dispatch.test_scenarios import HAZARD

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICE = dict(category="violence", kind="police", urgency="urgent", location="锦绣花园门口", grid_id="gh-2")


def alerts(world, who: str, marker: str = "仍未") -> list[str]:
    return [t for t in world.inbox_of(who) if marker in t]


def escalations(world, ticket_id: int) -> list[tuple[str, int]]:
    with session(world.engine) as db:
        return sorted(db.exec(select(Escalation.kind, Escalation.level)
                              .where(Escalation.ticket_id == ticket_id)).all())


def test_a_ticket_nobody_accepted_never_alerts_about_closing(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    for _ in range(30):
        world.advance("1h")
    assert not [t for who in ("wz_zhang", "mj_zhao", "zd_wu", "sz_chen") for t in alerts(world, who, "未办结")]
    assert {kind for kind, _ in escalations(world, receipt.ticket_id)} == {"accept"}


def test_the_close_ladder_starts_at_acceptance_and_counts_from_dispatch(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.advance("10m")
    world.dispatcher.member_text("wg_li", f"接单 {receipt.ticket_id}")
    world.dispatcher.member_text("wg_li", f"到场 {receipt.ticket_id}")
    world.advance("3h49m")
    assert alerts(world, "wz_zhang") == []
    world.advance("1m")  # four hours after dispatch, not after acceptance
    [alert] = alerts(world, "wz_zhang")
    assert "李明仍未办结：派单已4小时（办结时限4小时，已到时限）" in alert and "请督促李明尽快办结" in alert


def test_a_ticket_accepted_after_its_close_deadline_gives_the_acceptor_a_moment(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.advance("9h")  # nobody accepted; the close deadline (4 h) and its second rung (8 h) have passed
    world.dispatcher.member_text("wg_li", f"接单 {receipt.ticket_id}")
    world.advance("59m")
    assert alerts(world, "zd_wu", "未办结") == [] and alerts(world, "wz_zhang", "未办结") == []
    world.advance("1m")  # one silent window after acceptance: the passed rungs folded into the highest one
    alert = alerts(world, "zd_wu", "未办结")[-1]
    assert "李明仍未办结：派单已10小时（办结时限4小时，已超时6小时）" in alert
    assert alerts(world, "wz_zhang", "未办结") == []  # the lower rung is not climbed after the fact
    assert [lvl for kind, lvl in escalations(world, receipt.ticket_id) if kind == "close"] == [1]


def test_the_top_step_repeats_a_bounded_number_of_times_then_the_daily_list_carries_it(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    for _ in range(12):
        world.advance("1h")
    pressed = alerts(world, "sz_chen", "【督办】")
    assert len(pressed) == 1 + 3  # the top step, then max_repeats = 3 repeats
    assert "第3次再次督办（共3次，此后列入每日督办清单）" in pressed[-1]
    assert escalations(world, receipt.ticket_id)[-1] == ("accept", 5)
    with session(world.engine) as db:
        digest = daily_digest(db, world.clock.now(), SHANGHAI)
    assert "【督办清单】1 件已停止推送" in digest
    assert f"{receipt.number} 桂花社区第一网格 桂花苑3栋楼道 李明未签收，派单已12小时" in digest


def test_a_ticket_never_escalates_past_its_limit(world, settings):
    limited = settings.escalation.model_copy(update={"max_per_ticket": 4})
    world.dispatcher.deps.settings = settings.model_copy(update={"escalation": limited})
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    for _ in range(12):
        world.advance("1h")
    assert len(escalations(world, receipt.ticket_id)) == 4
    assert len(alerts(world, "sz_chen", "【督办】")) == 2  # the top step and one repeat
    with session(world.engine) as db:
        assert receipt.number in daily_digest(db, world.clock.now(), SHANGHAI)
        assert db.exec(select(func.count()).select_from(Escalation)).one() == 4


def test_nobody_is_asked_to_chase_himself(world):
    receipt = world.report("王阿姨", "锦绣花园门口有人在打架", **POLICE)
    assert receipt.assignee_names == ["赵警官"]
    world.advance("30m")  # the 30-minute step alerts the officer and the instructor: the officer is the assignee
    alert = world.expect("zd_wu", "【超时提醒】")
    assert "赵警官仍未签收" in alert and "请督促赵警官签收" in alert
    assert alerts(world, "mj_zhao") == []


def test_when_the_step_is_only_the_late_person_the_next_step_is_alerted(world):
    receipt = world.report("王阿姨", "翠湖苑2栋有人拿刀砍人", category="violence", kind="police",
                           urgency="emergency", location="翠湖苑2栋", grid_id="gh-3")
    world.dispatcher.member_text("mj_zhao", f"接单 {receipt.ticket_id}")
    world.dispatcher.member_text("mj_zhao", f"到场 {receipt.ticket_id}")
    world.advance("1h")  # close within 1 h, step 0 notifies the officer, who is the one late
    assert "赵警官仍未办结" in world.expect("sz_chen", "【超时提醒】")
    assert alerts(world, "mj_zhao") == []
