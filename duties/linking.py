"""A resident's report about an elderly person links to the watch register (两天必见面)."""
import logging

from sqlalchemy.engine import Engine
from sqlmodel import select

from core.clock import Clock
from dispatch.api import DispatchPort, Receipt, Report
from models import WatchedPerson, outbox
from models.store import session

log = logging.getLogger(__name__)


def register_link(dispatcher: DispatchPort, engine: Engine, clock: Clock):
    """A listener for dispatcher.on_submitted."""

    def link(report: Report, receipt: Receipt) -> None:
        if getattr(report.triage, "category", None) != "elderly_care" or receipt.merged:
            return
        with session(engine) as db:
            person = _match(db.exec(select(WatchedPerson).where(WatchedPerson.active)).all(), report)
        if person is None:
            return
        text = (f"【两天必见面】居民反映与{person.name}（{person.address}）有关的情况，"
                f"工单 {receipt.number}，请尽快上门。")
        dispatcher.annotate(receipt.ticket_id, "linked_register", f"名单人员：{person.name}", person_id=person.id,
                            also=lambda db: outbox.to_members(db, [person.worker_id],
                                                              key=f"t{receipt.ticket_id}:watch:{person.id}", text=text,
                                                              now=clock.now(), ticket_id=receipt.ticket_id))
    return link


def _match(people: list[WatchedPerson], report: Report) -> WatchedPerson | None:
    """By name or alias in the text, else by the place being part of the person's address."""
    text = report.text
    place = report.place or getattr(report.triage, "location", None) or ""
    for person in people:
        if person.name in text or any(a and a in text for a in person.aliases.split(",")):
            return person
    near = [p for p in people if len(place) >= 4 and (place in p.address or p.address.startswith(place))]
    return near[0] if len(near) == 1 else None
