"""The duty desk's triage page: 疑似报事 filed or dismissed in one click, corrections kept and counted."""
import re

import pytest
from sqlmodel import select

from models import SuspectReport, Ticket, TriageCorrection
from models.store import session
from models.triage_desk import corrections, settle
from tests.web.conftest import csrf, hazard, login
from web.console import triage_desk


@pytest.fixture
def services(services, classifier):
    services.classifier = classifier
    return services


def _suspect(world, engine, text: str) -> int:
    resident = world.resident("王阿姨")
    with session(engine) as db:
        row = SuspectReport(resident_id=resident, channel="demo", text=text, created_at=world.clock.now(),
                            triage={"is_report": False, "suspected": True, "reasons": ["报事概率 0.31（疑似报事）"]})
        db.add(row)
        db.commit()
        return row.id


async def _page_token(client) -> str:
    html = await (await client.get("/console/suspects")).text()
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


async def test_the_desk_files_one_suspect_and_dismisses_another(client, world, engine):
    kept = _suspect(world, engine, "楼下那家又在吵 听着像摔东西")
    dropped = _suspect(world, engine, "今天菜市场的菜好贵")
    await login(client, "sz_chen")
    html = await (await client.get("/console/suspects")).text()
    assert "楼下那家又在吵 听着像摔东西" in html and "今天菜市场的菜好贵" in html and "立案" in html
    token = await _page_token(client)
    filed = await client.post(f"/console/suspects/{kept}", data={"decision": "file", "csrf": token})
    assert "已立案，转值班室分拣" in await filed.text()
    ignored = await client.post(f"/console/suspects/{dropped}", data={"decision": "ignore", "csrf": token})
    text = await ignored.text()
    assert "已忽略" in text and "今天菜市场的菜好贵" not in text.split('id="suspects"')[1]
    with session(engine) as db:
        ticket = db.exec(select(Ticket).where(Ticket.text == "楼下那家又在吵 听着像摔东西")).one()
        states = {s.id: (s.status, s.decided_by, s.ticket_id) for s in db.exec(select(SuspectReport)).all()}
    assert ticket.route == "triage"
    assert states == {kept: ("filed", "sz_chen", ticket.id), dropped: ("ignored", "sz_chen", None)}
    assert [(r["text"], r["is_report"]) for r in corrections(engine)] == [("今天菜市场的菜好贵", False)]
    again = await client.post(f"/console/suspects/{dropped}", data={"decision": "file", "csrf": token})
    assert "该条已由他人处理" in await again.text()


async def test_a_grid_worker_cannot_see_the_suspects(client, world, engine):
    _suspect(world, engine, "楼下那家又在吵")
    await login(client, "wg_li")
    response = await client.get("/console/suspects")
    assert response.status == 403 and "楼下那家又在吵" not in await response.text()


async def test_a_correction_is_stored_as_an_example_and_the_agreement_is_shown(client, world, engine):
    receipt = hazard(world, text="桂花苑3栋楼道有人给电瓶车充电")
    await login(client, "sz_chen")
    token = await csrf(client, receipt.ticket_id)
    response = await client.post(f"/console/tickets/{receipt.ticket_id}/correct",
                                 data={"csrf": token, "category": "safety_hazard", "urgency": "urgent",
                                       "location": "桂花苑3栋楼道"})
    assert "已记录分拣纠正" in await response.text()
    refused = await client.post(f"/console/tickets/{receipt.ticket_id}/correct",
                                data={"csrf": token, "category": "nonsense", "urgency": "urgent"})
    assert refused.status == 400
    [row] = corrections(engine)
    assert row | {"id": None} == {"id": None, "text": "桂花苑3栋楼道有人给电瓶车充电", "is_report": True,
                                  "kind": "non_police", "category": "safety_hazard", "urgency": "urgent",
                                  "location": "桂花苑3栋楼道", "source": "corrections"}
    with session(engine) as db:
        assert db.exec(select(TriageCorrection)).one().machine["category"] == "safety_hazard"
    html = await (await client.get("/console/suspects")).text()
    assert re.search(r"近30天人工纠正 1 条，模型现与其中 <strong>(0|100)\.0%</strong> 一致", html)
    world.clock.advance("31d")
    await login(client, "sz_chen")  # the session has long expired
    assert "近30天人工纠正 0 条" in await (await client.get("/console/suspects")).text()


def test_a_suspect_decided_while_it_is_being_filed_makes_no_ticket(services, world, engine):
    suspect = _suspect(world, engine, "楼下那家又在吵 听着像摔东西")
    real_submit = services.dispatcher.submit

    def someone_else_first(report, also=None):  # the other click lands between the read and the ticket
        with session(engine) as db:
            assert settle(db, suspect, "ignored", "wgzdy_zhao", world.clock.now())
            db.commit()
        return real_submit(report, also)

    services.dispatcher.submit = someone_else_first
    assert triage_desk.decide(services, suspect, "sz_chen", file_it=True) is None
    with session(engine) as db:
        assert db.exec(select(Ticket).where(Ticket.text == "楼下那家又在吵 听着像摔东西")).first() is None
        row = db.get(SuspectReport, suspect)
        assert (row.status, row.decided_by, row.ticket_id) == ("ignored", "wgzdy_zhao", None)
