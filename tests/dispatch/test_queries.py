"""What the hot paths cost in statements: a resident's 查询 and the sender's rate-limit count."""
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, text

from bot.outbound.limits import RECENT_SENDS
from models.store import session


@contextmanager
def counting(engine):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_residents_open_tickets_take_the_same_statements_however_many_there_are(world, engine):
    places = ["桂花苑1栋", "桂花苑2栋楼下", "桂花路口", "桂花幼儿园门口", "锦绣花园3栋", "翠湖苑2栋"]
    grids = ["gh-1", "gh-1", "gh-1", "gh-1", "gh-2-a", "gh-3"]
    categories = ["safety_hazard", "sanitation", "facility_repair", "stray_animal", "property_management",
                  "neighbor_dispute"]
    world.report("王阿姨", "桂花苑1栋楼道堆满杂物", category=categories[0], kind="non_police", location=places[0],
                 grid_id=grids[0])
    with counting(engine) as one:
        assert len(world.dispatcher.open_tickets(world.resident("王阿姨"))) == 1
    for i in range(1, 6):
        world.report("王阿姨", f"{places[i]}有情况{i}", category=categories[i], kind="non_police", location=places[i],
                     grid_id=grids[i])
    with counting(engine) as six:
        views = world.dispatcher.open_tickets(world.resident("王阿姨"))
    assert len(views) == 6 and all(v.assignee_names for v in views)
    assert len(six) == len(one) <= 4


def test_the_senders_rate_limit_count_reads_the_recipients_recent_sends_by_index(engine, clock):
    if engine.dialect.name != "sqlite":
        return  # the plan is read on SQLite; PostgreSQL has the same index from the same migration
    with session(engine) as db:
        statement = RECENT_SENDS.params(recipient="wg_li", channel="member", since=clock.now() - timedelta(hours=1),
                                        short_since=clock.now() - timedelta(minutes=1))
        compiled = statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row[-1]) for row in db.connection().execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_outbox_recipient_sent" in plan, plan
