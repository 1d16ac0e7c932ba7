"""Personal data at rest, against the real `python run.py serve`: after residents leave phone and ID numbers every
way they type them (the Official Account, the 随手拍 page, the answer to "where?", a 回访 complaint), a worker
closes a ticket with one in the note and someone tries a phone number as a console login until it is locked, a
copy of the store holds no full number in any column of any table.
"""
import asyncio
import re
import stat
import subprocess
import sys
import time

import aiohttp
import xmltodict
import yaml
from cryptography.fernet import Fernet
from sqlmodel import select

from models import Assignment, Feedback, Ticket, WebReport
from models.store import make_engine, session
from tests.bot import wechat
from tests.helpers import free_port
from tests.privacy_scan import numbers_at_rest
from tests.reliability.crash_run import wait_settled
from tests.reliability.service import ROOT, Service, fake, write_config  # noqa: F401 - fixture

SAID = [  # (resident, words): spaced, dashed, full-width and dictated digits, an ID with its X, a landline
    ("oWangAyi", "桂花苑3栋楼道有人给电瓶车充电 线拉得到处都是 我电话138 1234 5678"),
    ("oZhouShu", "锦绣花园5栋门口的路灯坏了 有事打１３９８７６５４３２１"),
    ("oLiuPo", "我身份证11010519491231002X丢了 住柳溪村二组 怎么补办 电话150-0000-1111"),
    ("oChenGe", "大家好 我的电话换成幺三六零零零零二二二二了 有事找我"),
    ("oMaShi", "建设路的井盖翻过来了 骑车的容易摔 座机0571-88123456"),
    ("oDog", "有条大狗天天追着小孩咬 太吓人了 我电话13700001111"),  # no place: the bot asks where
]
NUMBERS = ["13812345678", "13987654321", "11010519491231002X", "15000001111", "13600002222", "057188123456",
           "13700001111", "13511112222", "44052418800101001", "13912345678"]


async def say_mp(http, base: str, sender: str, text: str, msg_id: int) -> str:
    """A resident's message over the Official Account in safe mode; the passive reply's text."""
    now = int(time.time())
    query, body = wechat.mp_safe(wechat.text_xml(sender, text, msg_id, now), now)
    async with http.post(base + "/wechat/mp", params=query, data=body.encode()) as response:
        assert response.status == 200
        answer = await response.text()
    return "" if answer == "success" else xmltodict.parse(wechat.decrypt_reply(answer))["xml"]["Content"]


async def say_work(http, base: str, wechat_id: str, text: str, msg_id: int) -> None:
    now = int(time.time())
    query, body = wechat.work_encrypted(wechat.text_xml(wechat_id, text, msg_id, now, to=wechat.CORP_ID), now)
    async with http.post(base + "/wechat/work", params=query, data=body.encode()) as response:
        assert response.status == 200


async def report_on_the_page(http, base: str) -> None:
    """随手拍: an ID number in the words and a phone for the call back."""
    html = await (await http.get(base + "/r")).text()
    form = aiohttp.FormData()
    for name, value in (("csrf", re.search(r'name="csrf" value="([^"]+)"', html).group(1)),
                        ("text", "翠湖苑2栋有人在楼道里烧东西 烟很大 我是业主 身份证440524 18800101 0014"),
                        ("village", "guihua"), ("place", "翠湖苑"), ("building", "2"), ("phone", "13511112222")):
        form.add_field(name, value)
    async with http.post(base + "/r", data=form) as response:
        assert response.status == 200, await response.text()


async def log_in_with_a_phone_number(http, base: str, times: int) -> list[int]:
    """Someone tries their phone number as the console account, until the account is locked."""
    statuses = []
    for _ in range(times):
        html = await (await http.get(base + "/console/login")).text()
        token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
        async with http.post(base + "/console/login", data={"member": "13812345678", "password": "wrong-one",
                                                            "csrf": token}, allow_redirects=False) as response:
            statuses.append(response.status)
    return statuses


def holder_of(url: str, words: str) -> tuple[int, str]:
    """The ticket whose text starts with `words`, and its holder's WeCom userid."""
    engine = make_engine(url)
    with session(engine) as db:
        ticket = next(t for t in db.exec(select(Ticket)).all() if t.text.startswith(words))
        member = db.exec(select(Assignment.member_id).where(Assignment.ticket_id == ticket.id, Assignment.active,
                                                            Assignment.role == "primary")).one()
    engine.dispose()
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    return ticket.id, next(m["wechat_id"] for m in config["members"] if m["id"] == member)


async def test_a_copy_of_the_store_holds_no_full_phone_or_id_number(tmp_path, fake):
    url = f"sqlite:///{tmp_path / 'gw.db'}"
    config = write_config(tmp_path, url, str(fake.server.make_url("/")))
    service = Service(config, free_port(), tmp_path / "service.log")
    await asyncio.to_thread(service.start)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            replies = [await say_mp(http, service.base, who, words, 9100 + i) for i, (who, words) in enumerate(SAID)]
            assert "请问具体在哪" in replies[-1]
            assert "已受理" in await say_mp(http, service.base, "oDog", "翠湖苑2栋楼下", 9110)
            await report_on_the_page(http, service.base)
            ticket_id, worker = holder_of(url, "桂花苑3栋楼道")
            await say_work(http, service.base, worker, f"接单 {ticket_id}", 9119)
            await say_work(http, service.base, worker, f"办结 {ticket_id} 已联系车主13912345678 电瓶车已移走", 9120)
            await say_mp(http, service.base, "oWangAyi", "不满意 车又推回楼道了 打我电话138 1234 5678", 9121)
            assert (await log_in_with_a_phone_number(http, service.base, 6))[-1] == 429  # failures, then the lock
            assert await wait_settled(url)
        assert await asyncio.to_thread(service.stop) == 0
    finally:
        service.kill()

    members = [m["phone"] for m in yaml.safe_load(config.read_text(encoding="utf-8"))["members"]]
    engine = make_engine(url)
    assert numbers_at_rest(engine, sent=NUMBERS + members) == []
    with session(engine) as db:  # every path above was taken, and kept its numbers masked
        closed = db.get(Ticket, ticket_id)
        [complaint] = db.exec(select(Feedback)).all()
        [page] = db.exec(select(WebReport)).all()
        assert len(db.exec(select(Ticket)).all()) >= 5 and db.exec(select(Ticket).where(Ticket.text_sealed.is_not(None))).all()
    engine.dispose()
    assert "139****5678" in closed.resolution and complaint.satisfied is False and "138****5678" in complaint.reason
    assert page.phone == "135****2222" and page.phone_sealed and page.ticket_id
    key = tmp_path / "data" / "privacy.key"  # made at the first start, beside the config, owner-only
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    # Pushes to workers carry the resident's words masked; the resident's own receipt names the worker's phone.
    to_workers = [s.text for s in fake.sent if "touser" in s.body]
    assert to_workers and not [t for t in to_workers if any(n in t for n in NUMBERS)]
    assert re.search(r"1390000\d{4}", replies[0])

    refused = subprocess.run([sys.executable, "run.py", "seal", "--config", str(config)], cwd=ROOT, timeout=120,
                             env={"PATH": "/usr/bin:/bin", "GRIDWHISTLE_PRIVACY_KEY": Fernet.generate_key().decode()},
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "GRIDWHISTLE_PRIVACY_KEY: not the key this store" in refused.stderr
