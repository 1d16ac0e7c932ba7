"""The 随手拍 page: a resident reports with photos and a picked place; bad input is answered, floods are refused."""
import io
import re

from aiohttp import FormData
from sqlmodel import select

from models import InboxMessage, MediaFile, WebReport
from models.store import session
from tests.channels.conftest import JPEG, PNG, form_token, pushed_to, tickets
from tests.helpers import TEST_PRIVACY


def form(token: str, text: str = "锦绣花园12栋楼道里有人给电瓶车充电，线拉得到处都是", photos=(), **fields) -> FormData:
    data = FormData()
    data.add_field("csrf", token)
    data.add_field("text", text)
    for name, value in fields.items():
        data.add_field(name, value)
    for filename, content, kind in photos:
        data.add_field("photos", io.BytesIO(content), filename=filename, content_type=kind)
    return data


async def test_the_form_preselects_the_grid_of_the_poster_it_was_opened_from(page):
    response = await page.get("/r?g=gh-2")
    html = await response.text()
    assert response.status == 200 and "来自「桂花社区第二网格」的二维码" in html
    assert '<option value="guihua" selected>桂花社区</option>' in html
    assert 'name="grid" value="gh-2"' in html
    assert "gw_device" in response.cookies and response.cookies["gw_device"]["httponly"]


async def test_a_report_with_photos_and_a_picked_building_becomes_a_ticket_in_the_right_micro_grid(page, engine):
    token = await form_token(page, "/r?g=gh-2")
    response = await page.post("/r", data=form(
        token, village="guihua", place="锦绣花园", building="12", phone="13812345678", grid="gh-2",
        photos=[("a.jpg", JPEG, "image/jpeg"), ("b.png", PNG, "image/png")]))
    html = await response.text()
    [ticket] = tickets(engine)
    assert response.status == 200 and f"编号 <strong>{ticket.number}</strong>" in html
    assert "已受理" in html and f"/r/t/{ticket.number}?k=" in html
    assert (ticket.grid_id, ticket.place, ticket.category) == ("gh-2-b", "锦绣花园12栋", "safety_hazard")
    assert [p["url"].split("/")[2] for p in ticket.photos] == ["photo", "photo"]
    with session(engine) as db:
        [row] = db.exec(select(InboxMessage)).all()
        [stored] = db.exec(select(WebReport)).all()
        photos = [db.get(MediaFile, key) for key in stored.photos]
    assert (row.channel, row.msg_type, row.status, row.ticket_id) == ("web", "form", "done", ticket.id)
    # the call-back number is kept sealed and shown masked
    assert stored.phone == "138****5678" and stored.ticket_id == ticket.id
    assert TEST_PRIVACY.unseal(stored.phone_sealed) == "13812345678"
    assert [(p.content_type, p.size, p.source, p.ticket_id) for p in photos] == [
        ("image/jpeg", len(JPEG), "web", ticket.id), ("image/png", len(PNG), "web", ticket.id)]
    assert any(ticket.number in text for text in pushed_to(engine, "wg_huangwei"))  # 微网格二's worker
    first = await page.get(ticket.photos[0]["url"])
    assert first.status == 200 and await first.read() == JPEG and first.content_type == "image/jpeg"
    assert (await page.get("/r/photo/not-a-key")).status == 404


async def test_the_phones_location_finds_the_grid_when_no_place_is_picked(page, engine):
    token = await form_token(page)
    response = await page.post("/r", data=form(token, "这里的路灯坏了好几天了，晚上一片漆黑", lat="30.8460", lng="104.1870"))
    assert response.status == 200
    [ticket] = tickets(engine)
    assert ticket.grid_id == "lx-2" and ticket.place == "手机定位 30.84600,104.18700"


async def test_text_the_model_does_not_take_for_a_report_goes_to_the_duty_desk(page, engine):
    token = await form_token(page, "/r?g=gh-1")
    assert (await page.post("/r", data=form(token, "你们好，想问问这个怎么弄", grid="gh-1"))).status == 200
    [ticket] = tickets(engine)
    assert ticket.route == "triage" and ticket.grid_id == "gh-1"
    assert any(ticket.number in text for text in pushed_to(engine, "zb_sun"))


async def test_bad_input_is_answered_on_the_form_and_nothing_is_stored(page, engine):
    token = await form_token(page)
    response = await page.post("/r", data=form(token, "啊", phone="12345", place="不存在的小区", building="十二",
                                               photos=[("x.txt", b"hello world", "image/jpeg")]))
    html = await response.text()
    assert response.status == 400
    for problem in ("请写清楚发生了什么", "电话号码格式不对", "请从列表里选择地点", "栋号请填数字", "“x.txt”不是照片"):
        assert problem in html
    assert 'value="12345"' in html  # what was typed is kept
    assert tickets(engine) == []
    with session(engine) as db:
        assert db.exec(select(WebReport)).all() == []


async def test_more_than_six_photos_are_refused(page, engine):
    token = await form_token(page)
    response = await page.post("/r", data=form(token, photos=[(f"{i}.jpg", JPEG, "image/jpeg") for i in range(7)]))
    assert response.status == 400 and "最多上传6张照片" in await response.text()
    assert tickets(engine) == []


async def test_a_body_larger_than_any_report_is_refused_early(page):
    token = await form_token(page)
    big = b"\xff\xd8\xff" + bytes(9 * 1024 * 1024)
    response = await page.post("/r", data=form(token, photos=[(f"{i}.jpg", big, "image/jpeg") for i in range(6)]))
    assert response.status == 413 and "照片太大了" in await response.text()


async def test_a_form_from_elsewhere_or_without_the_device_cookie_is_refused(page, aiohttp_client, engine):
    response = await page.post("/r", data=form("1700000000.forged"))
    assert response.status == 400 and "页面已过期" in await response.text()
    token = await form_token(page)
    page.session.cookie_jar.clear()  # another browser replaying this one's token
    assert (await page.post("/r", data=form(token))).status == 400
    assert tickets(engine) == []


async def test_one_phone_may_send_five_reports_an_hour(page, engine, clock):
    token = await form_token(page)
    for n in range(5):
        text = f"桂花苑{n + 1}栋门口的垃圾桶满了没人清理，味道很大"
        assert (await page.post("/r", data=form(token, text))).status == 200
    refused = await page.post("/r", data=form(token, "翠湖苑3栋门口井盖没了，很危险"))
    assert refused.status == 429 and "这部手机提交得太频繁了" in await refused.text()
    clock.advance("61m")
    token = await form_token(page)
    assert (await page.post("/r", data=form(token, "翠湖苑3栋门口井盖没了，很危险"))).status == 200


async def test_the_form_lists_this_phones_reports_with_their_links(page, engine):
    token = await form_token(page)
    await page.post("/r", data=form(token))
    [ticket] = tickets(engine)
    html = await (await page.get("/r")).text()
    link = re.search(r'href="(/r/t/[^"]+)"', html).group(1)
    assert link.startswith(f"/r/t/{ticket.number}?k=")
    assert (await page.get(link)).status == 200
