"""Small builders shared by tests."""
from core.metrics import Metrics
from core.services import Services
from core.ticker import Ticker
from core.workcal import WorkCalendar


def make_services(settings, engine, clock, classifier=None) -> Services:
    """Services wired like run.py does, around a test engine and a fake clock."""
    metrics = Metrics()
    return Services(settings=settings, engine=engine, clock=clock,
                    calendar=WorkCalendar(settings.working_hours.periods, settings.working_hours.calendar,
                                          settings.timezone),
                    metrics=metrics, ticker=Ticker(clock, settings.ticker.interval, metrics),
                    classifier=classifier)
