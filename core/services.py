"""The running service's parts, built once by run.py (the composition root) and handed to whoever needs them."""
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from core.clock import Clock
from core.metrics import Metrics
from core.pools import BoundedPool
from core.privacy import Privacy
from core.settings import Settings
from core.ticker import Ticker
from core.workcal import WorkCalendar

if TYPE_CHECKING:  # the kernel names the parts' types; it does not import the packages that build on it
    from bot.context import BotContext
    from dispatch.api import DispatchPort
    from media.keep import Media


@dataclass
class Services:
    """Configuration, store, clock, calendar, metrics, ticker, the hashing pool, the triage classifier, and once wired,
    dispatch and bot."""

    settings: Settings
    engine: Engine  # writes, and reads that decide a write
    reader: Engine  # pages, the API and /healthz: reads that must not queue behind writes (models.store.make_reader)
    clock: Clock
    calendar: WorkCalendar
    metrics: Metrics
    ticker: Ticker
    hashing: BoundedPool  # password hashing's own threads (argon2 must not starve the pages or the ticker)
    classifier: Any = None  # nlp.Classifier once warmed up
    dispatcher: "DispatchPort | None" = None  # dispatch's one door (dispatch/api.py)
    bot: "BotContext | None" = None  # what the WeChat channels and the demo page share
    media: "Media | None" = None  # the media store and its limits (media/); run.py builds it
    # seals and unseals full numbers; run.py's serve() gives it the store's key (a throwaway one elsewhere)
    privacy: Privacy = field(default_factory=Privacy.ephemeral)
