"""转派 to another grid: a reason, and the receiving grid leader's or a supervisor's 同意, on a deadline."""
from sqlmodel import select

from models import Assignment, Ticket
from models.store import session
from tests.dispatch.test_scenarios import HAZARD


def holder(world, ticket_id: int) -> tuple[str, str, list[str]]:
    with session(world.engine) as db:
        t = db.get(Ticket, ticket_id)
        held = db.exec(select(Assignment.member_id).where(Assignment.ticket_id == ticket_id, Assignment.active)).all()
    return t.status, t.grid_id, list(held)


def test_a_transfer_needs_a_reason_and_waits_for_the_receiving_leader(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    bare = world.dispatcher.member_text("wg_li", f"转派 {receipt.ticket_id} 桂花社区第二网格")
    assert not bare.ok and "请写明原因" in bare.message
    asked = world.dispatcher.member_text("wg_li", f"转派 {receipt.ticket_id} 桂花社区第二网格 车主住锦绣花园")
    assert asked.ok and "等待周丽确认" in asked.message
    ask = world.expect("wz_zhou", "【转派待确认】")
    assert "李明申请转派至桂花社区第二网格：车主住锦绣花园" in ask and f"同意转派 {receipt.ticket_id}" in ask
    assert holder(world, receipt.ticket_id) == ("dispatched", "gh-1", ["wg_li"])  # still his meanwhile
    world.advance("15m")
    world.expect("wz_zhang", "【超时提醒】")  # and his ladder keeps running
    stranger = world.dispatcher.member_text("wz_ma", f"同意转派 {receipt.ticket_id}")
    assert not stranger.ok and "只有桂花社区第二网格的网格长或所领导可以确认" in stranger.message
    assert world.dispatcher.member_text("wz_zhou", f"同意转派 {receipt.ticket_id}").ok
    status, grid, held = holder(world, receipt.ticket_id)
    assert (status, grid) == ("dispatched", "gh-2") and held[0] in ("wg_chenjing", "wg_yangfan", "wg_huangwei",
                                                                     "wg_xulei")
    card = world.expect(held[0], "【新工单】")
    assert "周丽同意李明转派至桂花社区第二网格：车主住锦绣花园" in card
    world.expect("wg_li", "【工单已移交】")


def test_the_receiving_leader_may_say_no_with_a_reason(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.dispatcher.member_text("wg_li", f"转派 {receipt.ticket_id} 桂花社区第二网格 车主住锦绣花园")
    assert not world.dispatcher.member_text("wz_zhou", f"拒绝转派 {receipt.ticket_id}").ok  # no reason
    assert world.dispatcher.member_text("wz_zhou", f"拒绝转派 {receipt.ticket_id} 充电的楼道在桂花苑").ok
    no = world.expect("wg_li", "【转派未同意】")
    assert "周丽：充电的楼道在桂花苑" in no and "请继续办理" in no
    assert holder(world, receipt.ticket_id) == ("dispatched", "gh-1", ["wg_li"])
    world.advance("30m")
    assert not [t for t in world.inbox_of("sz_chen") if "转派待确认超时" in t]  # decided: no deadline left


def test_an_unanswered_transfer_goes_to_the_supervisors_who_may_decide(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.dispatcher.member_text("wg_li", f"接单 {receipt.ticket_id}")
    world.dispatcher.member_text("wg_li", f"转派 {receipt.ticket_id} 柳溪村第一网格 车是柳溪村一组的")
    world.advance("29m")
    assert not [t for t in world.inbox_of("sz_chen") if "转派待确认超时" in t]
    world.advance("1m")
    late = world.expect("sz_chen", "【转派待确认超时】")
    assert "姜海未按时确认" in late
    world.expect("supervisors", "【转派待确认超时】")  # 林教导员 through the group
    assert world.dispatcher.member_text("sz_chen", f"同意转派 {receipt.ticket_id}").ok
    assert holder(world, receipt.ticket_id)[1] == "lx-1"


def test_the_desk_sorting_its_queue_and_supervisors_transfer_at_once(world):
    receipt = world.report("王阿姨", "这边有人乱倒垃圾", category="sanitation", kind="non_police")
    assert world.dispatcher.member_text("zb_he", f"转派 {receipt.ticket_id} 桂花社区第三网格").ok
    assert holder(world, receipt.ticket_id)[1] == "gh-3"
    other = world.report("刘大爷", "桂花苑5栋楼下有人烧垃圾", **{**HAZARD, "location": "桂花苑5栋"})
    assert world.dispatcher.act("sz_chen", "transfer_grid", other.ticket_id, "桂花社区第三网格 属翠湖苑物业").ok
    assert "陈所长转派至桂花社区第三网格：属翠湖苑物业" in world.expect(holder(world, other.ticket_id)[2][0],
                                                                "【新工单】")
