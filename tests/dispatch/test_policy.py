"""The policy snapshot: typed, frozen, stored as JSON on the ticket, old snapshots still readable."""
import dataclasses
from datetime import timedelta

import pytest

from dispatch.policy import DEFAULT_MAX_REPEATS, Policy, snapshot
from models import Ticket
from models.store import session
from tests.dispatch.test_scenarios import HAZARD

# A snapshot as the first releases stored it: no max_repeats, no max_escalations.
OLD_SNAPSHOT = {"urgency": "urgent", "accept": [{"after_s": 900, "notify": ["grid_leader"]},
                                                {"after_s": 3600, "notify": ["supervisor"]}],
                "close": [{"after_s": 14400, "notify": ["grid_leader"]}], "repeat_s": 3600,
                "remind_before_close_s": 7200, "silent_window_s": 3600}


def test_it_reads_through_attributes_and_round_trips(settings):
    policy = snapshot(settings, "urgent")
    assert policy.accept.limit == timedelta(minutes=15) and policy.accept.step(0).notify == ("grid_leader",)
    assert policy.accept.step(9) == policy.accept.steps[-1]  # repeats re-use the top step
    assert policy.close.limit == timedelta(hours=4) and policy.repeat == timedelta(hours=1)
    assert (policy.max_repeats, policy.max_escalations) == (3, 12)
    assert policy.last_level("accept") == 2 + 3
    assert Policy.from_json(policy.to_json()) == policy


def test_it_is_frozen(settings):
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot(settings, "normal").max_repeats = 9


def test_a_snapshot_stored_before_the_limits_existed_still_loads():
    policy = Policy.from_json(OLD_SNAPSHOT)
    assert policy.max_repeats == DEFAULT_MAX_REPEATS and policy.accept.top == 1
    assert policy.accept.step(1).after == timedelta(hours=1) and policy.silent_window == timedelta(hours=1)


def test_a_task_gets_its_own_close_limit_and_only_later_steps(settings):
    policy = snapshot(settings, "urgent").with_close_limit(timedelta(hours=10))
    assert [s.after for s in policy.close.steps] == [timedelta(hours=10), timedelta(hours=12)]


def test_the_human_triage_queue_gets_the_desks_deadline(settings):
    policy = snapshot(settings, "normal", triage_queue=True)
    assert policy.accept.steps == (dataclasses.replace(policy.accept.steps[0], after=timedelta(minutes=10)),)
    assert policy.accept.step(0).notify == ("duty_officer", "supervisor")


def test_a_ticket_keeps_its_snapshot_when_the_config_changes(world, settings):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    edited = settings.escalation.model_copy(update={"max_repeats": 0})
    world.dispatcher.deps.settings = settings.model_copy(update={"escalation": edited})
    with session(world.engine) as db:
        stored = Policy.of(db.get(Ticket, receipt.ticket_id))
    assert stored == snapshot(settings, "urgent") and stored.max_repeats == 3


def test_an_old_snapshot_on_a_running_ticket_still_escalates(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    with session(world.engine) as db:
        ticket = db.get(Ticket, receipt.ticket_id)
        ticket.policy = OLD_SNAPSHOT
        db.add(ticket)
        db.commit()
    world.advance("15m")
    world.expect("wz_zhang", "【超时提醒】")
