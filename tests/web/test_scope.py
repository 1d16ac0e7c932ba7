"""Who sees what: a 网格员 only their own tasks, a 网格长 their grid, a 指导员 their village, 所领导 all."""
from tests.web.conftest import hazard, login


async def test_a_grid_worker_cannot_read_another_grids_ticket(client, world):
    mine = hazard(world)  # gh-1 → 李明 (wg_li) is the least-loaded worker there
    theirs = hazard(world, who="张大爷", text="锦绣花园12栋路灯坏了", grid="gh-2-b", category="facility_repair",
                    location="锦绣花园12栋")
    await login(client, mine_worker := _primary(world, mine.ticket_id))
    assert (await client.get(f"/console/tickets/{mine.ticket_id}")).status == 200
    other = await client.get(f"/console/tickets/{theirs.ticket_id}")
    assert other.status == 404 and theirs.number not in await other.text()
    board = await (await client.get("/console/board")).text()
    assert mine.number in board and theirs.number not in board
    ledger = await (await client.get("/console/ledger.csv?status=all")).text()
    assert mine.number in ledger and theirs.number not in ledger
    assert mine_worker.startswith("wg_")


async def test_a_grid_worker_cannot_act_even_on_their_own_ticket(client, world):
    receipt = hazard(world)
    await login(client, _primary(world, receipt.ticket_id))
    page = await (await client.get(f"/console/tickets/{receipt.ticket_id}")).text()
    assert "/action" not in page and "/correct" not in page  # no action forms for a 网格员
    response = await client.post(f"/console/tickets/{receipt.ticket_id}/action",
                                 data={"action": "press"}, allow_redirects=False)
    assert response.status == 403 and "只有所领导" in await response.text()


async def test_leaders_see_their_grid_and_instructors_their_village(client, world):
    gh1 = hazard(world)
    gh2 = hazard(world, who="张大爷", text="锦绣花园12栋路灯坏了", grid="gh-2-b", category="facility_repair",
                 location="锦绣花园12栋")
    lx1 = hazard(world, who="刘婆婆", text="柳溪村二组垃圾没人清", grid="lx-1", category="sanitation",
                 location="柳溪村二组")
    await login(client, "wz_zhou")  # 网格长 of gh-2 (with its micro-grids)
    board = await (await client.get("/console/board")).text()
    assert gh2.number in board and gh1.number not in board and lx1.number not in board
    await login(client, "zd_wu")  # 网格指导员 of 桂花社区
    board = await (await client.get("/console/board")).text()
    assert gh1.number in board and gh2.number in board and lx1.number not in board
    assert (await client.get(f"/console/tickets/{lx1.ticket_id}")).status == 404
    await login(client, "sz_chen")
    board = await (await client.get("/console/board")).text()
    assert all(r.number in board for r in (gh1, gh2, lx1))


def _primary(world, ticket_id: int) -> str:
    from sqlmodel import select

    from models import Assignment
    from models.store import session
    with session(world.engine) as db:
        return db.exec(select(Assignment.member_id).where(Assignment.ticket_id == ticket_id,
                                                          Assignment.role == "primary")).first()
