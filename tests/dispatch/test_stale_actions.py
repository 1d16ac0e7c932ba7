"""Superseded cards and commands: every action is checked against the ticket's current assignment."""
from sqlmodel import select

from models import Assignment, Ticket
from models.store import session
from tests.dispatch.test_scenarios import HAZARD


def status(world, ticket_id: int) -> str:
    with session(world.engine) as db:
        return db.get(Ticket, ticket_id).status


def test_the_old_holders_card_is_refused_after_a_reassignment_and_says_who_holds_it(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    assert world.dispatcher.supervise("sz_chen", "reassign", receipt.ticket_id, member="wg_liutao").ok
    refused = world.dispatcher.act("wg_li", "accept", receipt.ticket_id)  # 李明 taps 接单 on his old card
    assert not refused.ok
    assert refused.message == f"{receipt.number} 已不由您承办（现由刘涛承办），您无需再处理。"
    assert status(world, receipt.ticket_id) == "dispatched"
    assert not [t for t in world.inbox_of("wg_liutao") if "已由他人接手" in t]


def test_the_duty_officers_night_card_is_refused_after_the_morning_hand_back(world, clock):
    clock.set(clock.now().replace(hour=13))  # 21:00 in Shanghai: off hours, 孙警官 on duty
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.advance("11h30m")  # 08:30: handed back to the grid
    refused = world.dispatcher.member_text("zb_sun", f"接单 {receipt.ticket_id}")
    assert not refused.ok and "现由李明承办" in refused.message
    assert not [t for t in world.inbox_of("wg_li") if "已由他人接手" in t]
    assert world.dispatcher.member_text("wg_li", f"接单 {receipt.ticket_id}").ok


def test_a_card_of_a_closed_ticket_does_nothing(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    assert world.dispatcher.supervise("sz_chen", "close", receipt.ticket_id, note="重复报事，已在他单处理").ok
    refused = world.dispatcher.act("wg_li", "accept", receipt.ticket_id)
    assert not refused.ok and refused.message == f"{receipt.number} 已关闭，无需再处理。"
    assert status(world, receipt.ticket_id) == "closed"


def test_only_those_the_ladder_alerted_may_take_over(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    early = world.dispatcher.act("wz_zhang", "accept", receipt.ticket_id)  # nobody has alerted the leader yet
    assert not early.ok and "不是派给您的工单" in early.message
    world.advance("15m")
    assert world.dispatcher.act("wz_zhang", "accept", receipt.ticket_id).ok  # the alert's 接手 button


def test_the_duty_officer_paged_for_an_emergency_may_take_it(world):
    receipt = world.report("王阿姨", "桂花苑5栋独居老人摔倒了起不来", category="elderly_care", kind="non_police",
                           urgency="emergency", location="桂花苑5栋", grid_id="gh-1")
    world.expect("zb_sun", "【紧急警情】")
    assert world.dispatcher.member_text("zb_sun", f"接单 {receipt.ticket_id}").ok
    with session(world.engine) as db:
        held = db.exec(select(Assignment.member_id).where(Assignment.ticket_id == receipt.ticket_id,
                                                          Assignment.active)).all()
    assert held == ["zb_sun"]


def test_nothing_is_closed_before_it_was_accepted(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    refused = world.dispatcher.act("wg_li", "resolve", receipt.ticket_id, "已处理")
    assert not refused.ok and f"尚未签收，不能办结。请先回复“接单 {receipt.ticket_id}”" in refused.message
    assert status(world, receipt.ticket_id) == "dispatched"
    assert not [t for t in world.inbox_of("王阿姨") if "已办结" in t]
    assert world.dispatcher.act("wg_li", "accept", receipt.ticket_id).ok
    asked = world.dispatcher.act("wg_li", "resolve", receipt.ticket_id)  # the card's 办结 button: no text
    assert not asked.ok and f"回复“办结 {receipt.ticket_id} 已劝离，双方和解”" in asked.message
    assert status(world, receipt.ticket_id) == "accepted"
    assert world.dispatcher.act("wg_li", "resolve", receipt.ticket_id, "已劝离，电瓶车已移走").ok
    world.expect("王阿姨", "已办结：已劝离，电瓶车已移走")


def test_a_triage_queue_ticket_is_not_closed_by_the_desk_without_taking_it(world):
    receipt = world.report("王阿姨", "这边有人乱倒垃圾", category="sanitation", kind="non_police")
    refused = world.dispatcher.member_text("zb_he", f"办结 {receipt.ticket_id} 现场处置完毕")
    assert not refused.ok and status(world, receipt.ticket_id) == "dispatched"
    assert world.dispatcher.supervise("sz_chen", "close", receipt.ticket_id, note="无具体地点，电话联系未果").ok
