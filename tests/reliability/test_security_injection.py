"""SQL, HTML and template injection typed by residents into signed callbacks: stored as written, shown as text.

Checked where the text comes out again: the console's ticket page and board, the ledger (CSV and
.xlsx, where cells must not become formulas), the ticket API's JSON, and the demo's feed.
"""
import csv
import io
import json
from pathlib import Path

from markupsafe import escape
from openpyxl import load_workbook
from sqlmodel import select

from bot.conversation.texts import ASK_PLACE
from models import InboxMessage, Ticket
from models.store import session
from tests.bot.conftest import bot_ctx, wechat_settings  # noqa: F401 - fixtures
from tests.bot.test_robot import robot_callback
from tests.reliability.whole_app import API_TOKEN, say_mp, site  # noqa: F401 - fixture
from tests.web.conftest import login, world  # noqa: F401 - fixture
from web.console.ledger_rows import HEADERS

PAYLOADS = {"oWangAyi": "锦绣花园12栋楼道有人打架 '); DROP TABLE ticket;--",
            "oZhangDaye": "桂花苑3栋路灯坏了 <script>alert(1)</script>",
            "oLiuPopo": "翠湖苑2栋楼道有人充电 <img src=x onerror=alert(1)>",
            "oLiDama": "柳溪村二组垃圾没人清 {{7*7}}",
            "oZhaoShu": "-2+3 建设路路灯坏了"}
PLACES = {"oSunAyi": "<img src=x onerror=alert(1)>", "oQianShu": '=HYPERLINK("http://x","点我")'}  # "where?" answers
LIVE = ["<script>", "<img src=x"]


async def report_everything(site, clock) -> None:
    for n, (sender, text) in enumerate(PAYLOADS.items()):
        assert "已受理，编号" in await say_mp(site, clock, sender, text, 9100 + n)  # a fight may be called an emergency
    for n, (sender, place) in enumerate(PLACES.items()):
        assert await say_mp(site, clock, sender, "路灯坏了好几天了", 9200 + n) == ASK_PLACE
        assert (await say_mp(site, clock, sender, place, 9300 + n)).startswith("已受理")
    query, body = robot_callback(clock, "CAIQ9400", "@网格哨 路灯坏了好几天了")
    assert (await site.post("/wechat/robot", params=query, data=body)).status == 200
    query, body = robot_callback(clock, "CAIQ9401", "\x01=1+1")  # the robot's JSON can carry control characters
    assert (await site.post("/wechat/robot", params=query, data=body)).status == 200


async def test_it_stores_what_residents_typed_and_shows_it_as_text(site, clock, engine):
    await report_everything(site, clock)
    with session(engine) as db:
        contents = set(db.exec(select(InboxMessage.content)).all())
        tickets = db.exec(select(Ticket)).all()
    assert set(PAYLOADS.values()) | set(PLACES.values()) <= contents  # verbatim, and the ticket table is still there
    assert all(any(text in t.text for t in tickets) for text in PAYLOADS.values())
    assert set(PLACES.values()) | {"\x01=1+1"} <= {t.place for t in tickets}
    await login(site, "sz_chen")
    pages = [await (await site.get(f"/console/tickets/{t.id}")).text() for t in tickets]
    pages += [await (await site.get(path)).text() for path in ("/console/board", "/console/board/live")]
    assert not [tag for page in pages for tag in LIVE if tag in page]
    shown = "".join(pages)
    assert all(str(escape(text)) in shown for text in [*PAYLOADS.values(), *PLACES.values()])
    reflected = await (await site.get(f"/console/tickets/{tickets[0].id}", params={"msg": "<script>x</script>"})).text()
    assert "script&gt;x" not in reflected and "<script>x" not in reflected  # banners come from codes, not the link
    bearer = {"Authorization": f"Bearer {API_TOKEN}"}
    api = await site.get("/api/tickets?limit=500", headers=bearer)
    assert api.content_type == "application/json"
    assert set(PLACES.values()) <= {t["place"] for t in (await api.json())["tickets"]}
    one = await (await site.get(f"/api/tickets/{tickets[1].id}", headers=bearer)).json()
    assert one["text"] == tickets[1].text


async def test_it_keeps_ledger_cells_from_becoming_formulas(site, clock):
    await report_everything(site, clock)
    await login(site, "sz_chen")
    body = await (await site.get("/console/ledger.csv?status=all")).read()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]
    xlsx = await site.get("/console/ledger.xlsx?status=all")
    assert xlsx.status == 200
    book = load_workbook(io.BytesIO(await xlsx.read()))
    sheet = [list(r)[1:] for r in book.active.iter_rows(min_row=4, values_only=True)]  # under the title; 序号 first
    place, text = HEADERS.index("地点"), HEADERS.index("报事内容")
    for cells in (rows, sheet):
        assert not [c for row in cells for c in row if isinstance(c, str) and c[:1] in ("=", "+", "-", "@")]
        assert "'-2+3 建设路路灯坏了" in [row[text] for row in cells]
        assert {"'" + PLACES["oQianShu"], PLACES["oSunAyi"]} <= {row[place] for row in cells}
    assert "\x01=1+1" in [row[place] for row in rows] and "'=1+1" in [row[place] for row in sheet]


async def test_it_shows_demo_chat_as_text(site):
    for text in PAYLOADS.values():
        said = await site.post("/demo/api/say", json={"resident": "王阿姨<b>", "text": text, "group": False})
        assert said.status == 200
    feed = await (await site.get("/demo/api/feed")).json()
    assert [c["text"] for c in feed["chat"]] == list(PAYLOADS.values())
    assert {c["from"] for c in feed["chat"]} == {"王阿姨<b>"}
    page = (Path(__file__).parents[2] / "demo" / "page.html").read_text(encoding="utf-8")
    assert "textContent" in page and not [s for s in ("innerHTML", "outerHTML", "insertAdjacentHTML",
                                                      "document.write") if s in page]
    garbled = await site.post("/demo/api/say", data=json.dumps({"resident": "王阿姨\u0000", "text": "有人打架\ud800"}),
                              headers={"Content-Type": "application/json"})
    assert garbled.status == 200  # NUL and a lone surrogate are dropped, not a 500
