"""Every hand-over carries its story: the new holder hears why, the old one that it left, the resident who has it."""
from tests.dispatch.test_scenarios import HAZARD


def test_a_reassignment_with_a_note_reaches_the_new_worker_and_tells_the_old_one_and_the_resident(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    assert world.dispatcher.supervise("sz_chen", "reassign", receipt.ticket_id, member="wg_liutao",
                                      note="李明今天在社区值班，刘涛就在附近").ok
    card = world.expect("wg_liutao", "【新工单】")
    assert "陈所长改派给刘涛：李明今天在社区值班，刘涛就在附近" in card
    left = world.expect("wg_li", "【工单已移交】")
    assert "陈所长改派给刘涛" in left and "现由刘涛承办，您无需再处理。" in left
    world.expect("王阿姨", f"您反映的问题（编号 {receipt.number}）已转交刘涛办理。")
    assert not world.dispatcher.act("wg_li", "accept", receipt.ticket_id).ok  # the old card


def test_the_police_transfer_reason_reaches_the_officer(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道两家人为充电吵起来了", **HAZARD)
    world.dispatcher.member_text("wg_li", f"接单 {receipt.ticket_id}")
    assert world.dispatcher.member_text("wg_li", f"转警 {receipt.ticket_id} 有人拿刀了").ok
    assert "李明转警：有人拿刀了" in world.expect("mj_zhao", "【新工单】")
    assert "李明转警：有人拿刀了" in world.expect("zb_he", "【抄送】")
    assert [t for t in world.inbox_of("wg_li") if "【工单已移交】" in t] == []  # he did it himself
    world.expect("王阿姨", "已转交赵警官办理")


def test_the_morning_hand_back_tells_the_duty_officer_and_the_resident(world, clock):
    clock.set(clock.now().replace(hour=13))  # 21:00 in Shanghai
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.advance("11h30m")
    assert "工作时间开始，移交网格办理" in world.expect("wg_li", "【新工单】")
    left = world.expect("zb_sun", "【工单已移交】")
    assert receipt.number in left and "现由李明承办" in left
    assert "现由李明承办" in world.expect("mj_zhao", "【工单已移交】")  # cc'd at night
    world.expect("王阿姨", "已转交李明办理")


def test_a_return_ruled_to_another_worker_carries_the_return_reason_and_the_ruling(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.dispatcher.member_text("wg_li", f"退单 {receipt.ticket_id} 我今天在区里培训")
    assert world.dispatcher.supervise("sz_chen", "arbitrate", receipt.ticket_id, member="wg_wangfang",
                                      note="王芳接手").ok
    card = world.expect("wg_wangfang", "【新工单】")
    assert "李明退单：我今天在区里培训" in card and "陈所长改派给王芳：王芳接手" in card
    world.expect("wg_li", "【工单已移交】")


def test_a_reopened_ticket_says_which_round_why_and_what_was_done(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.dispatcher.member_text("wg_li", f"接单 {receipt.ticket_id}")
    world.dispatcher.member_text("wg_li", f"办结 {receipt.ticket_id} 已劝离")
    world.dispatcher.feedback(world.resident("王阿姨"), False, "车还在楼道里")
    card = world.expect("wg_wangfang", "【重办·第2次办理】")  # 李明 still holds the resolved ticket: 王芳 is freer
    assert "居民回访不满意：车还在楼道里" in card and "上次办结（李明）：已劝离" in card
    assert "现由王芳承办" in world.expect("wg_li", "【工单已移交】")
    assert not [t for t in world.inbox_of("王阿姨") if "已转交" in t]  # the answer to 不满意 already said so


def test_a_supervisors_close_tells_the_assignee_and_the_resident_why(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    assert world.dispatcher.supervise("sz_chen", "close", receipt.ticket_id, note="与GW-0007为同一事项，已合并处理").ok
    closed = world.expect("wg_li", "【工单已关闭】")
    assert "陈所长关闭：与GW-0007为同一事项，已合并处理" in closed and "您无需再处理" in closed
    world.expect("王阿姨", f"编号 {receipt.number}）已关闭：与GW-0007为同一事项，已合并处理。")
