"""Issue 14's "Done when", on the demo's seeded month: alerts people will not mute."""
from bench.alert_volume import measure
from bench.bench_alerts import DAYS
from demo.seed import seed_demo_history
from dispatch.service import Dispatcher
from tests.helpers import make_services


def test_the_seeded_month_stays_within_the_alert_budget(settings, engine, clock):
    services = make_services(settings, engine, clock)
    services.dispatcher = Dispatcher(settings, engine, clock, services.calendar, services.metrics)
    seed_demo_history(services, days=DAYS)
    volume = measure(engine, settings.timezone, clock.now(), DAYS)
    assert len(volume.escalations) > 50  # the month does escalate: the limits below are not met by silence
    for supervisor in settings.station.supervisors:
        assert volume.median_day(supervisor) <= 10 and volume.worst_day(supervisor) <= 30, supervisor
    assert max(volume.escalations.values()) <= 12
    assert [row.payload["text"][:40] for row in volume.night_escalation_pushes] == []
    assert volume.close_never_accepted == 0
