"""Supervisors' actions on tickets: who may, and what each does."""
from sqlmodel import select

from dispatch.supervision import supervise
from models import Assignment, Ticket
from models.store import session
from tests.dispatch.test_scenarios import HAZARD


def active(engine, ticket_id) -> set[str]:
    with session(engine) as db:
        return set(db.exec(select(Assignment.member_id).where(Assignment.ticket_id == ticket_id,
                                                              Assignment.active)).all())


def test_only_supervising_roles_may_act(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人充电", **HAZARD)
    outcome = supervise(world.dispatcher.deps, "wg_li", "close", receipt.ticket_id, note="x")
    assert not outcome.ok and "只有所领导" in outcome.message


def test_reassign_press_and_close(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人充电", **HAZARD)
    deps = world.dispatcher.deps
    assert supervise(deps, "sz_chen", "reassign", receipt.ticket_id, member="wg_liutao").ok
    assert active(world.engine, receipt.ticket_id) == {"wg_liutao"}
    world.expect("wg_liutao", "【新工单】")
    assert supervise(deps, "sz_chen", "press", receipt.ticket_id, note="今天必须处理").ok
    world.expect("wg_liutao", "陈所长督办：今天必须处理")
    assert not supervise(deps, "sz_chen", "close", receipt.ticket_id).ok  # a reason is required
    assert supervise(deps, "sz_chen", "close", receipt.ticket_id, note="已电话核实处理完毕").ok
    with session(world.engine) as db:
        assert db.get(Ticket, receipt.ticket_id).status == "closed"
    assert world.advance("2h") == 0  # a closed ticket's deadlines are void


def test_arbitrating_a_return(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人充电", **HAZARD)
    deps = world.dispatcher.deps
    world.dispatcher.member_text("wg_li", f"退单 {receipt.ticket_id} 不属本网格")
    assert supervise(deps, "sz_chen", "arbitrate", receipt.ticket_id, note="属于本网格 继续办").ok
    assert active(world.engine, receipt.ticket_id) == {"wg_li"}
    world.dispatcher.member_text("wg_li", f"退单 {receipt.ticket_id} 还是不属于")
    assert not supervise(deps, "sz_chen", "arbitrate", receipt.ticket_id, member="wg_guomin").ok  # no reason
    assert supervise(deps, "sz_chen", "arbitrate", receipt.ticket_id, member="wg_guomin", note="属第三网格").ok
    assert active(world.engine, receipt.ticket_id) == {"wg_guomin"}


def test_transfer_to_police(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人充电", **HAZARD)
    assert supervise(world.dispatcher.deps, "zb_sun", "transfer_police", receipt.ticket_id, note="涉嫌偷电").ok
    assert active(world.engine, receipt.ticket_id) == {"mj_zhao", "zb_sun", "zb_he"}
