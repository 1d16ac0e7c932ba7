"""Cards after the ticket moves on: every holder's buttons give way to what happened, once per card."""
from sqlmodel import select

from models import Outbox
from models.store import session
from tests.dispatch.test_scenarios import HAZARD

FIGHT = dict(category="violence", kind="police", urgency="urgent", location="柳溪村二组", grid_id="lx-1")


def cards(world, ticket_id: int) -> dict[int, Outbox]:
    with session(world.engine) as db:
        return {r.id: r for r in db.exec(select(Outbox).where(Outbox.ticket_id == ticket_id,
                                                              Outbox.msg_type == "template_card")).all()}


def updates(world, ticket_id: int) -> dict[int, tuple[str, str]]:
    """Card row id → (recipient, new button text) of every update queued for the ticket's cards."""
    with session(world.engine) as db:
        rows = db.exec(select(Outbox).where(Outbox.ticket_id == ticket_id, Outbox.msg_type == "card_update")).all()
    return {r.payload["card_row"]: (r.recipient, r.payload["replace"]) for r in rows}


def test_after_an_acceptance_every_other_card_says_who_took_it(world):
    receipt = world.report("王阿姨", "柳溪村二组有人打架", **FIGHT)
    world.advance("15m")  # the first rung: 接手 cards for those it alerts
    before = cards(world, receipt.ticket_id)
    holders = {c.recipient for c in before.values()}
    assert {"mj_tian", "zb_he"} < holders  # the officer's task card, the desk's 抄送 and the rung's cards
    assert world.dispatcher.member_text("mj_tian", f"接单 {receipt.ticket_id}").ok
    queued = updates(world, receipt.ticket_id)
    assert set(queued) == set(before)  # one update for each card, none missed
    for card_id, (recipient, label) in queued.items():
        assert recipient == before[card_id].recipient
        assert label == ("已接单" if recipient == "mj_tian" else "已由田警官接单")
    assert {c.card_state for c in cards(world, receipt.ticket_id).values()} == {"已接单", "已由田警官接单"}


def test_the_tapped_card_is_answered_by_the_tap_and_gets_no_update(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    [mine] = cards(world, receipt.ticket_id).values()
    outcome = world.dispatcher.act("wg_li", "accept", receipt.ticket_id, card=mine.task_id)
    assert outcome.ok and outcome.card == "已接单"
    assert updates(world, receipt.ticket_id) == {}
    assert cards(world, receipt.ticket_id)[mine.id].card_state == "已接单"


def test_a_refused_tap_leaves_every_card_live(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    [mine] = cards(world, receipt.ticket_id).values()
    refused = world.dispatcher.act("wg_li", "resolve", receipt.ticket_id, card=mine.task_id)  # not accepted yet
    assert not refused.ok and refused.card is None
    assert cards(world, receipt.ticket_id)[mine.id].card_state is None and updates(world, receipt.ticket_id) == {}


def test_a_reassignment_points_the_old_cards_at_the_new_holder_who_gets_a_live_one(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.advance("15m")
    old = cards(world, receipt.ticket_id)
    assert world.dispatcher.supervise("sz_chen", "reassign", receipt.ticket_id, member="wg_liutao").ok
    assert {label for _, label in updates(world, receipt.ticket_id).values()} == {"已改派给刘涛"}
    assert set(updates(world, receipt.ticket_id)) == set(old)
    new = [c for c in cards(world, receipt.ticket_id).values() if c.id not in old]
    assert [(c.recipient, c.card_state) for c in new] == [("wg_liutao", None)]
    assert world.dispatcher.act("wg_liutao", "accept", receipt.ticket_id).ok
    assert updates(world, receipt.ticket_id)[new[0].id] == ("wg_liutao", "已接单")


def test_the_leaders_transfer_card_says_it_is_settled_when_the_worker_closes_first(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    assert world.dispatcher.member_text("wg_li", f"接单 {receipt.ticket_id}").ok
    assert world.dispatcher.member_text("wg_li", f"转派 {receipt.ticket_id} 桂花社区第二网格 车主住锦绣花园").ok
    [ask] = [c for c in cards(world, receipt.ticket_id).values() if c.recipient == "wz_zhou"]
    assert world.dispatcher.member_text("wg_li", f"办结 {receipt.ticket_id} 已劝离，电瓶车已移走").ok
    assert updates(world, receipt.ticket_id)[ask.id] == ("wz_zhou", "已办结")


def test_a_refused_transfer_retires_only_the_leaders_card(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.dispatcher.member_text("wg_li", f"转派 {receipt.ticket_id} 桂花社区第二网格 车主住锦绣花园")
    [ask] = [c for c in cards(world, receipt.ticket_id).values() if c.recipient == "wz_zhou"]
    outcome = world.dispatcher.act("wz_zhou", "reject_transfer", receipt.ticket_id, "楼道在桂花苑", card=ask.task_id)
    assert outcome.ok and outcome.card == "已拒绝转派"
    live = [c.recipient for c in cards(world, receipt.ticket_id).values() if c.card_state is None]
    assert live == ["wg_li"] and updates(world, receipt.ticket_id) == {}


def test_closing_and_cancelling_retire_the_cards_with_the_reason(world):
    closed = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    assert world.dispatcher.supervise("sz_chen", "close", closed.ticket_id, note="重复报事").ok
    assert {label for _, label in updates(world, closed.ticket_id).values()} == {"已关闭"}
    cancelled = world.report("李大爷", "桂花苑5栋门口垃圾没人收", category="sanitation", kind="non_police",
                             location="桂花苑5栋", grid_id="gh-1")
    assert world.dispatcher.cancel(world.resident("李大爷"), cancelled.number).ok
    assert {label for _, label in updates(world, cancelled.ticket_id).values()} == {"居民已撤销"}


def test_a_card_is_updated_once_however_often_the_ticket_moves(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    assert world.dispatcher.member_text("wg_li", f"接单 {receipt.ticket_id}").ok
    assert world.dispatcher.member_text("wg_li", f"办结 {receipt.ticket_id} 已劝离").ok
    assert world.dispatcher.supervise("sz_chen", "close", receipt.ticket_id, note="回访前已核实").ok
    assert list(updates(world, receipt.ticket_id).values()) == [("wg_li", "已接单")]
