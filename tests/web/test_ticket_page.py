"""The ticket page's story, and the supervisor's actions going through dispatch."""
from sqlmodel import select

from models import Assignment, AuditLog, Outbox
from models.store import session
from tests.web.conftest import csrf, hazard, login


async def test_it_shows_messages_triage_and_the_whole_timeline(client, world):
    receipt = hazard(world, reasons=("关键词：充电", "类别 safety_hazard 0.93"))
    holder = world.dispatcher.deps.settings.member("wg_li").id
    world.dispatcher.act(holder, "accept", receipt.ticket_id)
    world.advance("40m")
    world.dispatcher.act(holder, "resolve", receipt.ticket_id, "已劝离，张贴禁充告示")
    world.dispatcher.attach_photo(holder, "https://example.invalid/p.jpg")
    await login(client, "sz_chen")
    html = await (await client.get(f"/console/tickets/{receipt.ticket_id}")).text()
    for expected in ("桂花苑3栋楼道有人给电瓶车充电", "关键词：充电", "居民报事", "派单", "签收", "办结",
                     "已劝离，张贴禁充告示", "推送给李明", "https://example.invalid/p.jpg", "王阿姨"):
        assert expected in html, expected


async def test_a_card_update_reads_as_one_and_not_as_a_failed_message(client, world, engine):
    receipt = hazard(world)
    world.dispatcher.act("wg_li", "accept", receipt.ticket_id)
    with session(engine) as db:  # given up: the card was never sent, say
        update = db.exec(select(Outbox).where(Outbox.msg_type == "card_update")).one()
        update.status, update.last_error = "failed", "卡片未送达，无需更新"
        db.add(update)
        db.commit()
    await login(client, "sz_chen")
    html = await (await client.get(f"/console/tickets/{receipt.ticket_id}")).text()
    assert "卡片更新：已接单" in html and "卡片未更新" in html and "发送失败" not in html


async def test_a_supervisor_reassigns_through_dispatch(client, world, engine):
    receipt = hazard(world)
    await login(client, "sz_chen")
    token = await csrf(client, receipt.ticket_id)
    response = await client.post(f"/console/tickets/{receipt.ticket_id}/action",
                                 data={"action": "reassign", "member": "wg_wangfang", "note": "就近", "csrf": token})
    assert response.status == 200 and "已改派给王芳" in await response.text()
    with session(engine) as db:
        active = db.exec(select(Assignment.member_id).where(Assignment.ticket_id == receipt.ticket_id,
                                                            Assignment.active)).all()
        audit = db.exec(select(AuditLog).where(AuditLog.ticket_id == receipt.ticket_id)).all()
        pushed = db.exec(select(Outbox.recipient).where(Outbox.ticket_id == receipt.ticket_id)).all()
    assert active == ["wg_wangfang"]
    assert any(a.actor == "sz_chen" and "改派给王芳" in a.note for a in audit)
    assert "wg_wangfang" in pushed


async def test_actions_need_the_form_token_and_a_reason_to_close(client, world):
    receipt = hazard(world)
    await login(client, "sz_chen")
    url = f"/console/tickets/{receipt.ticket_id}/action"
    assert (await client.post(url, data={"action": "press"}, allow_redirects=False)).status == 403
    token = await csrf(client, receipt.ticket_id)
    refused = await client.post(url, data={"action": "close", "note": " ", "csrf": token})
    assert "关闭工单请写明原因" in await refused.text()
    pressed = await client.post(url, data={"action": "press", "note": "今天务必处理", "csrf": token})
    assert "已督办" in await pressed.text()
    world.expect("wg_li", "今天务必处理")


async def test_an_instructor_cannot_act_outside_their_village(client, world):
    own = hazard(world)
    receipt = hazard(world, who="刘婆婆", text="柳溪村二组垃圾没人清", grid="lx-1", category="sanitation",
                     location="柳溪村二组")
    await login(client, "zd_wu")  # 桂花社区's 指导员
    token = await csrf(client, own.ticket_id)
    response = await client.post(f"/console/tickets/{receipt.ticket_id}/action",
                                 data={"action": "press", "csrf": token}, allow_redirects=False)
    assert response.status == 404
    world.expect("wg_li", "【新工单】")
    assert not any("督办" in t for t in world.inbox_of("wg_tangli"))


async def test_alerts_past_the_top_of_the_ladder_read_as_repeats(client, world):
    receipt = hazard(world)  # normal: accept ladder 30m / 2h / 4h, then 督办 again every 4h
    for _ in range(5):
        world.advance("1h")
    world.advance("4h")
    await login(client, "sz_chen")
    html = await (await client.get(f"/console/tickets/{receipt.ticket_id}")).text()
    for expected in ("签收超时升级（第1级）", "签收超时升级（第3级）", "签收超时再次督办（第1次）"):
        assert expected in html, expected
    assert "第4级" not in html


async def test_a_return_is_ruled_with_a_reason_and_no_worker_chosen_beforehand(client, world, engine):
    receipt = hazard(world)
    world.dispatcher.member_text("wg_li", f"退单 {receipt.ticket_id} 不属本网格")
    await login(client, "sz_chen")
    html = await (await client.get(f"/console/tickets/{receipt.ticket_id}")).text()
    assert '<select name="member" required><option value="" selected disabled>请选择承办人</option>' in html
    assert 'placeholder="裁定理由（必填）" maxlength="500" required' in html
    token = await csrf(client, receipt.ticket_id)
    bare = await client.post(f"/console/tickets/{receipt.ticket_id}/action",
                             data={"action": "arbitrate", "member": "wg_wangfang", "note": "", "csrf": token})
    assert "退单裁定请写明理由" in await bare.text()
    ruled = await client.post(f"/console/tickets/{receipt.ticket_id}/action",
                              data={"action": "arbitrate", "member": "wg_wangfang", "note": "王芳负责该楼栋",
                                    "csrf": token})
    assert "已改派给王芳" in await ruled.text()
    assert "陈所长改派给王芳：王芳负责该楼栋" in world.expect("wg_wangfang", "【新工单】")


async def test_a_console_reassignment_carries_its_note_and_the_timeline_says_who_heard_of_each_rung(client, world):
    receipt = hazard(world)
    world.advance("30m")  # the normal ladder's first rung: 张强 hears of it at once
    await login(client, "sz_chen")
    token = await csrf(client, receipt.ticket_id)
    await client.post(f"/console/tickets/{receipt.ticket_id}/action",
                      data={"action": "reassign", "member": "wg_wangfang", "note": "王芳就在楼下", "csrf": token})
    assert "陈所长改派给王芳：王芳就在楼下" in world.expect("wg_wangfang", "【新工单】")
    assert "现由王芳承办" in world.expect("wg_li", "【工单已移交】")
    assert not world.dispatcher.act("wg_li", "accept", receipt.ticket_id).ok  # 李明's old card
    html = await (await client.get(f"/console/tickets/{receipt.ticket_id}")).text()
    assert "提醒：张强 已推送" in html
