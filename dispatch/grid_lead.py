"""What a 网格长 may do beyond a worker: hand a ticket of their own grid to another worker of that grid."""
import logging

from core.vocabulary import OPEN_STATUSES
from dispatch import supervision
from dispatch.api import Outcome
from dispatch.context import Deps
from dispatch.lifecycle import IllegalMove, Refused
from models import Ticket
from models.store import session

log = logging.getLogger(__name__)

def grid_workers(deps: Deps, leader: str) -> dict[str, tuple[str, ...]]:
    """The grids this member leads, each with its workers (micro-grids' workers are the grid's)."""
    return {grid.id: tuple(grid.workers) for _village, grid in deps.settings.grids() if grid.leader == leader}


def reassign_in_grid(deps: Deps, leader: str, ticket_id: int, member: str, note: str = "") -> Outcome:
    """改派 by the grid leader: only a non-police ticket of their grid, only to a worker of that grid."""
    now = deps.clock.now()
    with session(deps.engine) as db:
        ticket = db.get(Ticket, ticket_id, with_for_update=True)
        if ticket is None:
            return Outcome(False, f"没有编号为 {ticket_id} 的工单。")
        area = deps.directory.area(ticket.grid_id)
        workers = grid_workers(deps, leader).get(area.grid_id if area else "", ())
        refusal = _refusal(ticket, workers, member)
        if refusal:
            log.warning("reassign refused", extra={"member": leader, "ticket_id": ticket_id, "reason": refusal})
            return Outcome(False, refusal, ticket_id)
        try:
            message = supervision.ACTIONS["reassign"](deps, db, ticket, leader, member, note or "网格长改派", now)
        except IllegalMove:
            return Outcome(False, f"{ticket.number} 当前状态不能改派。", ticket_id)
        except Refused as refused:
            return Outcome(False, str(refused), ticket_id)
        db.commit()
    return Outcome(True, message, ticket_id)


def _refusal(ticket: Ticket, workers: tuple[str, ...], member: str) -> str | None:
    if not workers:
        return f"{ticket.number} 不在您负责的网格，不能改派。"
    if ticket.kind == "police":
        return f"{ticket.number} 是警务类工单，由民警处理，网格长不能改派。"
    if ticket.status not in OPEN_STATUSES:
        return f"{ticket.number} 已办结或关闭，不能改派。"
    if member not in workers:
        return "只能改派给本网格的网格员。"
    return None
