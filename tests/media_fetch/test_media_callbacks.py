"""Photos and voice from signed callbacks: answered at once, downloaded later from the fake WeChat, kept in our
store, served behind sign-in, on SQLite and PostgreSQL."""
import base64
import json

import xmltodict
from sqlmodel import select

from models import Ticket
from models.store import session
from tests.bot import wechat
from tests.bot.published import sample, with_values
from tests.bot.test_conversation import say
from tests.bot.test_robot import robot_callback
from tests.media_fetch.conftest import AMR, JPEG

REPORT = "桂花苑3栋楼道里有人给电瓶车充电 线拉得到处都是 电线都发烫了 今天必须处理"
PIC_URL = "https://mmbiz.qpic.cn/mmbiz_jpg/abc123/0"


def ours(url: str) -> bool:
    """An address on this site that serves a kept file (the photo table's, or the media store's)."""
    return url.startswith(("/m/photos/", "/media/"))


async def reported(media, sender: str = "oWangAyi", msg_id: int = 9001) -> int:
    """王阿姨 reports through the Official Account; the ticket's id (it goes to 网格员 李明)."""
    await say(media.client, media.ctx.clock, sender, REPORT, msg_id)
    with session(media.ctx.engine) as db:
        return db.exec(select(Ticket.id).order_by(Ticket.id.desc())).first()


async def oa(media, name: str, **values) -> str:
    """A published Official Account sample with our values, in safe mode; the text answered."""
    ts = int(media.ctx.clock.now().timestamp())
    query, body = wechat.mp_safe(with_values(sample(name), CreateTime=str(ts), **values), ts)
    text = await (await media.client.post("/wechat/mp", params=query, data=body)).text()
    return "" if text == "success" else xmltodict.parse(wechat.decrypt_reply(text))["xml"]["Content"]


async def work(media, name: str, **values) -> str:
    """A published WeCom app sample from 李明, encrypted; the text answered."""
    ts = int(media.ctx.clock.now().timestamp())
    xml = with_values(sample(name), CreateTime=str(ts), ToUserName=wechat.CORP_ID, FromUserName="LiMing", **values)
    query, body = wechat.work_encrypted(xml, ts)
    text = await (await media.client.post("/wechat/work", params=query, data=body)).text()
    return "" if text == "success" else xmltodict.parse(wechat.decrypt_reply(text, work=True))["xml"]["Content"]


async def test_it_keeps_a_residents_photo_and_serves_it_only_behind_sign_in(media):
    ticket_id = await reported(media)
    media.fake.media["IMG1"] = JPEG
    answer = await oa(media, "oa_image.xml", FromUserName="oWangAyi", MsgId="9002", MediaId="IMG1", PicUrl=PIC_URL)
    assert answer.startswith("照片已收到")
    assert media.fake.downloads == []  # answered without waiting for WeChat's file
    assert await media.fetch() == 1
    assert media.fake.downloads == ["IMG1"]
    [photo] = media.ticket(ticket_id).photos
    assert ours(photo["url"]) and photo["source"] == PIC_URL
    assert (await media.client.get(photo["url"])).status == 401
    await media.sign_in()
    served = await media.client.get(photo["url"])
    assert served.status == 200 and served.content_type == "image/jpeg" and await served.read() == JPEG
    assert any(a.action == "media_kept" for a in media.timeline(ticket_id))


async def test_a_photo_wechat_delivers_again_is_downloaded_once(media):
    ticket_id = await reported(media)
    media.fake.media["IMG1"] = JPEG
    for _ in range(3):  # WeChat retries when it thinks it got no answer
        await oa(media, "oa_image.xml", FromUserName="oWangAyi", MsgId="9002", MediaId="IMG1", PicUrl=PIC_URL)
        await media.fetch()
    media.ctx.clock.advance("10m")
    await media.fetch()
    assert media.fake.downloads == ["IMG1"]
    assert len(media.ticket(ticket_id).photos) == 1


async def test_a_workers_photo_stays_on_the_ticket_page_after_wechat_forgot_it(media):
    ticket_id = await reported(media)
    media.fake.media["WORK1"] = JPEG
    assert (await work(media, "wecom_image.xml", MsgId="7001", MediaId="WORK1", PicUrl=PIC_URL)).startswith("照片已附到")
    assert await media.fetch() == 1
    media.fake.expire("WORK1")  # three days later WeChat has forgotten it
    await media.sign_in()
    page = await (await media.client.get(f"/console/tickets/{ticket_id}")).text()
    [photo] = media.ticket(ticket_id).photos
    assert f'<img src="{photo["url"]}"' in page and PIC_URL not in page
    assert await (await media.client.get(photo["url"])).read() == JPEG


async def test_a_voice_report_keeps_its_recognised_text_and_its_audio(media):
    media.fake.media["VOICE1"] = AMR
    answer = await oa(media, "oa_voice_recognition.xml", FromUserName="oWangAyi", MsgId="9101", MediaId="VOICE1",
                      Recognition=REPORT)
    assert answer.startswith("已受理")
    with session(media.ctx.engine) as db:
        ticket = db.exec(select(Ticket)).one()
    assert "电瓶车" in ticket.text
    assert await media.fetch() == 1
    [voice] = media.ticket(ticket.id).photos
    assert voice["kind"] == "voice" and voice["by"].startswith("resident:")
    await media.sign_in()
    page = await (await media.client.get(f"/console/tickets/{ticket.id}")).text()
    assert f'<audio controls preload="none" src="{voice["url"]}"' in page and f'href="{voice["url"]}" download' in page
    served = await media.client.get(voice["url"])
    assert served.content_type == "audio/amr" and await served.read() == AMR


async def test_a_workers_voice_is_kept_as_audio_on_the_ticket_they_hold(media):
    ticket_id = await reported(media)
    media.fake.media["WV1"] = AMR
    assert await work(media, "wecom_voice.xml", MsgId="7002", MediaId="WV1") == f"语音已附到 {media.ticket(ticket_id).number}。"
    assert media.ticket(ticket_id).photos[0]["url"] == ""  # listed, not yet downloaded
    assert await media.fetch() == 1
    [voice] = media.ticket(ticket_id).photos
    assert voice["kind"] == "voice" and voice["by"] == "wg_li" and ours(voice["url"])


async def test_an_unknown_media_id_leaves_wechats_address_and_says_so_in_the_timeline(media):
    ticket_id = await reported(media)
    assert (await oa(media, "oa_image.xml", FromUserName="oWangAyi", MsgId="9002", MediaId="GONE",
                     PicUrl=PIC_URL)).startswith("照片已收到")  # answered as ever
    assert await media.fetch() == 0
    [photo] = media.ticket(ticket_id).photos
    assert photo["url"] == PIC_URL
    [note] = [a for a in media.timeline(ticket_id) if a.action == "media_failed"]
    assert "40007" in note.note and "微信原地址" in note.note
    media.ctx.clock.advance("1h")
    await media.fetch()
    assert media.fake.downloads == ["GONE"]  # permanent: not asked again


async def test_busy_wechat_is_asked_again_later_and_a_refused_token_is_renewed(media):
    ticket_id = await reported(media)
    media.fake.media["IMG1"] = JPEG
    media.fake.media_errors.append(-1)  # system busy
    await oa(media, "oa_image.xml", FromUserName="oWangAyi", MsgId="9002", MediaId="IMG1", PicUrl=PIC_URL)
    assert await media.fetch() == 0
    assert await media.fetch() == 0  # not due yet
    media.fake.expire_tokens()  # and meanwhile the token ran out: 42001, renewed once
    media.ctx.clock.advance("1m")
    assert await media.fetch() == 1
    assert media.fake.downloads == ["IMG1", "IMG1", "IMG1"]
    assert ours(media.ticket(ticket_id).photos[0]["url"])


async def test_it_gives_up_after_a_few_tries_and_keeps_the_address(media):
    ticket_id = await reported(media)
    media.fake.media_errors.extend([45009] * 10)
    await oa(media, "oa_image.xml", FromUserName="oWangAyi", MsgId="9002", MediaId="IMG1", PicUrl=PIC_URL)
    for _ in range(8):
        await media.fetch()
        media.ctx.clock.advance("10m")
    assert len(media.fake.downloads) == 5
    assert media.ticket(ticket_id).photos[0]["url"] == PIC_URL
    assert any(a.action == "media_failed" and "45009" in a.note for a in media.timeline(ticket_id))


async def robot_report(media) -> int:
    """A report to the robot in a 1:1 chat; its ticket's id (the photo that follows joins it)."""
    query, body = robot_callback(media.ctx.clock, "CAIQrobot1", REPORT, chattype="single")
    await media.client.post("/wechat/robot", params=query, data=body)
    with session(media.ctx.engine) as db:
        return db.exec(select(Ticket.id)).one()


async def robot_photo(media, image: dict) -> None:
    """The robot's image message with `image` (its url, and aeskey in long-connection mode)."""
    query, body = robot_callback(media.ctx.clock, "CAIQrobot2", "", chattype="single",
                                 message={"msgtype": "image", "image": image})
    await media.client.post("/wechat/robot", params=query, data=body)


async def test_the_robots_encrypted_image_is_decrypted_with_the_callback_key(media):
    ticket_id = await robot_report(media)
    path = media.fake.robot_image("BHoPdA3", JPEG, wechat.MP_AES)  # the robot's key in these tests
    await robot_photo(media, json.loads(sample("robot_image.jsonc"))["image"] | {"url": str(media.fake.server.make_url(path))})
    assert await media.fetch() == 1
    [photo] = media.ticket(ticket_id).photos
    assert ours(photo["url"]) and media.fake.downloads == ["BHoPdA3"]
    await media.sign_in()
    assert await (await media.client.get(photo["url"])).read() == JPEG


async def test_a_robot_image_on_a_host_not_listed_is_not_fetched_and_the_ticket_says_so(media):
    """A signed callback's URL names the host the service fetches from: only wechat.robot.media_hosts are."""
    ticket_id = await robot_report(media)
    path = media.fake.robot_image("inside", JPEG, wechat.MP_AES)
    elsewhere = str(media.fake.server.make_url(path)).replace("127.0.0.1", "localhost")  # the same server, unlisted
    await robot_photo(media, {"url": elsewhere})
    assert await media.fetch() == 0
    assert media.fake.downloads == []
    assert media.ticket(ticket_id).photos[0]["url"] == elsewhere  # listed as text on the page, never loaded
    [note] = [a.note for a in media.timeline(ticket_id) if a.action == "media_failed"]
    assert f"localhost:{media.fake.server.port}" in note and "wechat.robot.media_hosts" in note
    assert await media.fetch() == 0 and media.fake.downloads == []  # given up, not retried


class Blobs:
    """The media store's port (media/store.py) in memory: the test needs the bytes, not a folder."""

    def __init__(self):
        self.blobs: dict[str, tuple[bytes, str]] = {}

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.blobs[key] = (data, content_type)

    def get(self, key: str) -> tuple[bytes, str] | None:
        return self.blobs.get(key)

    def delete(self, key: str) -> None:
        self.blobs.pop(key, None)


async def test_the_media_stores_one_door_keeps_what_was_downloaded(media):
    from dataclasses import replace

    from media.keep import Media
    from models.media import MediaFile

    ctx, blobs = media.ctx, Blobs()
    media.fetcher.ctx = replace(ctx, media=Media(ctx.engine, blobs, ctx.settings.media, ctx.clock))
    ticket_id = await reported(media)
    media.fake.media.update(IMG1=JPEG, WV1=AMR)
    await oa(media, "oa_image.xml", FromUserName="oWangAyi", MsgId="9002", MediaId="IMG1", PicUrl=PIC_URL)
    await work(media, "wecom_voice.xml", MsgId="7002", MediaId="WV1")
    assert await media.fetch() == 2
    photo, voice = media.ticket(ticket_id).photos
    with session(ctx.engine) as db:
        rows = {r.url: r for r in db.exec(select(MediaFile)).all()}
    assert rows[photo["url"]].kind == "photo" and rows[photo["url"]].source == "mp"
    assert rows[voice["url"]].kind == "voice" and rows[voice["url"]].sender == "wg_li"
    assert {rows[u].ticket_id for u in (photo["url"], voice["url"])} == {ticket_id}
    assert sorted(blobs.blobs.values()) == sorted([(JPEG, "image/jpeg"), (AMR, "audio/amr")])


async def test_a_robot_image_with_its_own_key_is_decrypted_with_that_key(media):
    """The long connection's frames carry `image.aeskey` (base64 of 32 bytes); the same parser reads them."""
    own_key = base64.b64encode(bytes(range(32))).decode()
    ticket_id = await robot_report(media)
    path = media.fake.robot_image("own", JPEG, own_key)
    await robot_photo(media, {"url": str(media.fake.server.make_url(path)), "aeskey": own_key})
    assert await media.fetch() == 1
    [photo] = media.ticket(ticket_id).photos
    await media.sign_in()
    assert await (await media.client.get(photo["url"])).read() == JPEG


async def test_without_the_accounts_secret_it_says_which_key_is_missing(media):
    ticket_id = await reported(media)
    media.fetcher.transports.mp_ready = False  # wechat.mp.app_secret left empty
    await oa(media, "oa_image.xml", FromUserName="oWangAyi", MsgId="9002", MediaId="IMG1", PicUrl=PIC_URL)
    await media.fetch()
    assert media.fake.downloads == [] and media.ticket(ticket_id).photos[0]["url"] == PIC_URL
    assert any("wechat.mp.app_secret" in a.note for a in media.timeline(ticket_id) if a.action == "media_failed")
