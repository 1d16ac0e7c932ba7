"""The schema of config.yaml: every key, its type and the checks across keys."""
from datetime import timedelta
from ipaddress import ip_network
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from core.durations import parse_duration


def _time_of_day(value: str) -> str:
    hh, _, mm = value.partition(":")
    if not (hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60 and len(mm) == 2):
        raise ValueError(f"bad time of day {value!r}: write it like 08:30")
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
TimeOfDay = Annotated[str, AfterValidator(_time_of_day)]  # "HH:MM", local time
Role = Literal["supervisor", "duty_officer", "officer", "instructor", "grid_leader", "grid_worker"]
NotifyRole = Literal["grid_leader", "officer", "instructor", "duty_officer", "supervisor"]
Urgency = Literal["emergency", "urgent", "normal"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Server(Strict):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    # Where phones reach us (cards' 详情 links, WeCom sign-in, the 随手拍 posters); "" = unknown.
    public_url: str = ""
    # Bounds that keep the service answering under a flood of slow or idle connections.
    max_connections: int = Field(1024, ge=8, le=65536)  # open at once; above it a new one gets 503
    max_connections_per_address: int = Field(256, ge=1, le=65536)  # from one client address
    keepalive_timeout: Duration = Field(timedelta(seconds=15), ge=timedelta(seconds=1), le=timedelta(minutes=5))
    callback_body_timeout: Duration = Field(timedelta(seconds=5), ge=timedelta(seconds=1), le=timedelta(seconds=60))
    # Serving processes on this host, sharing the port (SO_REUSEPORT) and the store: PostgreSQL only.
    workers: int = Field(1, ge=1, le=64)
    # "separate": the serving processes only verify, store and acknowledge; one more process forked beside
    # them triages, dispatches and sends (a SQLite file or PostgreSQL: see processing_problem).
    processing: Literal["inline", "separate"] = "inline"

    @model_validator(mode="after")
    def _per_address_within_total(self) -> "Server":
        if self.max_connections_per_address > self.max_connections:
            raise ValueError(f"max_connections_per_address ({self.max_connections_per_address}) is more than "
                             f"max_connections ({self.max_connections})")
        return self
    # Reverse proxies (IPs or CIDRs) whose X-Forwarded-Proto / X-Forwarded-For are believed; empty: none.
    trusted_proxies: list[str] = []

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            try:
                ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"not an IP address or CIDR: {entry!r}") from None
        return [entry.strip() for entry in entries]

    @field_validator("public_url")
    @classmethod
    def _absolute(cls, url: str) -> str:
        url = url.strip().rstrip("/")
        if url and (not url.startswith(("https://", "http://")) or any(c.isspace() for c in url)):
            raise ValueError(f"must start with https:// (or http://), got {url!r}")
        return url


class Database(Strict):
    url: str = "sqlite:///data/gridwhistle.db"


def processing_problem(server: Server, database: Database) -> str | None:
    """Why server.processing cannot be "separate" on this store, or None."""
    in_memory = database.url.startswith("sqlite") and database.url.rstrip("/").endswith((":memory:", "sqlite:"))
    if server.processing == "separate" and in_memory:
        return ('server.processing: separate needs a store two processes open (database.url): a SQLite file or '
                'PostgreSQL, not an in-memory SQLite database.')
    # On a SQLite file the two processes' write transactions (BEGIN IMMEDIATE) take the file's one write lock
    # in turn, which orders their claims, answers and the awaited flag's release as PostgreSQL's row locks do;
    # more than one serving process stays refused (web/forking.py: one_writer_problem).
    return None


class Logging(Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["json", "text"] = "json"


class Ticker(Strict):
    interval: Duration = timedelta(seconds=1)
    batch: int = Field(200, ge=1, le=10000)
    inbox_threads: int = Field(2, ge=1, le=32)  # threads draining the messages left to the inbox worker


class Station(Strict):
    name: str
    duty_desk: list[str] = Field(min_length=1)
    duty_officers: list[str] = Field(min_length=1)
    supervisors: list[str] = Field(min_length=1)


class WorkingHours(Strict):
    periods: list[tuple[TimeOfDay, TimeOfDay]] = Field(min_length=1)
    calendar: Literal["chinese", "weekdays"] = "chinese"

    @field_validator("periods")
    @classmethod
    def _ordered_times(cls, periods: list[tuple[str, str]]) -> list[tuple[str, str]]:
        for start, end in periods:
            if start >= end:
                raise ValueError(f"period {start}-{end} ends before it starts")
        return periods


class Member(Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    roles: list[Role] = Field(min_length=1)
    wechat_id: str
    phone: str = ""
    password_hash: str = ""


class Place(Strict):
    name: str
    kind: Literal["estate", "road", "village_group", "landmark"]
    buildings: str | None = Field(None, pattern=r"^\d+-\d+$")
    aliases: list[str] = []


class MicroGrid(Strict):
    id: str
    name: str
    workers: list[str] = Field(min_length=1)
    places: list[Place] = Field(min_length=1)


class Grid(Strict):
    id: str
    name: str
    leader: str
    workers: list[str] = Field(min_length=1)
    places: list[Place] = Field(min_length=1)
    micro_grids: list[MicroGrid] = []
    center: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _micro_workers_belong_here(self) -> "Grid":
        for micro in self.micro_grids:
            strangers = set(micro.workers) - set(self.workers)
            if strangers:
                raise ValueError(f"micro-grid {micro.id} has workers not in grid {self.id}: {sorted(strangers)}")
        return self


class Village(Strict):
    id: str
    name: str
    aliases: list[str] = []
    officer: str
    instructor: str
    grids: list[Grid] = Field(min_length=1)


class Step(Strict):
    after: Duration
    notify: list[NotifyRole] = Field(min_length=1)


class Ladder(Strict):
    accept: list[Step] = Field(min_length=1)
    close: list[Step] = Field(min_length=1)
    repeat: Duration

    @field_validator("accept", "close")
    @classmethod
    def _increasing(cls, steps: list["Step"]) -> list["Step"]:
        afters = [s.after for s in steps]
        if afters != sorted(afters) or len(set(afters)) != len(afters):
            raise ValueError("steps must have strictly increasing `after`")
        return steps


class QuietHours(Strict):
    """Hours in which non-emergency escalations are held and summed up at the end (local time)."""

    start: TimeOfDay = "22:00"
    end: TimeOfDay = "07:00"

    @model_validator(mode="after")
    def _not_empty(self) -> "QuietHours":
        if self.start == self.end:
            raise ValueError("quiet hours start and end at the same time; write null to have none")
        return self


class Escalation(Strict):
    emergency: Ladder
    urgent: Ladder
    normal: Ladder
    remind_before_close: Duration
    silent_window: Duration
    triage_accept: Duration
    # Past the top step, the 督办 is repeated this often at most (PagerDuty allows 0-9 loops);
    # then the ticket is carried by the daily 督办 list instead of pushes.
    max_repeats: int = Field(3, ge=0, le=9)
    max_per_ticket: int = Field(12, ge=1, le=100)  # escalations over a ticket's whole life
    quiet_hours: QuietHours | None = QuietHours()  # null: escalations go out at any hour
    batch_window: Duration = Field(timedelta(minutes=10), ge=timedelta(0), le=timedelta(hours=6))
    reach_by_group: list[str] = []  # supervisors alerted through the group robot instead of personally
    transfer_confirm: Duration = timedelta(minutes=30)  # the receiving leader's time to confirm a 转派

    def ladder(self, urgency: Urgency) -> Ladder:
        """The ladder for an urgency."""
        ladder: Ladder = getattr(self, urgency)
        return ladder


class Intake(Strict):
    ask_place_timeout: Duration
    help_cooldown: Duration
    duplicate_window: Duration
    followup_after: Duration
    followup_timeout: Duration
    triage_min_confidence: float = Field(0.55, ge=0, le=1)
