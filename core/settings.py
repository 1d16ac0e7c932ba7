"""The whole config.yaml, with the checks that span several keys."""
from collections import Counter
from collections.abc import Mapping

from pydantic import Field, model_validator

from core.config import (
    Database,
    Escalation,
    Grid,
    Intake,
    Logging,
    Member,
    Server,
    Station,
    Strict,
    Ticker,
    Village,
    WorkingHours,
    processing_problem,
)
from core.config_access import Api, Demo, Login
from core.config_demo import exposure_problems
from core.config_duties import Duty, Reports, SchoolBreak, Watch
from core.config_geo import Geo
from core.config_media import MediaSettings
from core.config_privacy import PrivacySettings
from core.config_report import ReportPage
from core.config_wechat import WechatConfig


class Settings(Strict):
    timezone: str = "Asia/Shanghai"
    server: Server = Server()
    database: Database = Database()
    logging: Logging = Logging()
    ticker: Ticker = Ticker()
    station: Station
    working_hours: WorkingHours
    members: list[Member]
    villages: list[Village]
    escalation: Escalation
    intake: Intake
    wechat: WechatConfig = WechatConfig()
    api: Api = Api()
    login: Login = Login()
    demo: Demo = Demo()
    watch: Watch = Watch()
    duties: list[Duty] = []
    school_breaks: list[SchoolBreak] = []
    reports: Reports = Reports()
    geo: Geo = Geo()
    report_page: ReportPage = ReportPage()
    # validated from {} so that the default key file, too, is found beside the config file
    privacy: PrivacySettings = Field(default_factory=dict, validate_default=True)
    media: MediaSettings = Field(default_factory=dict, validate_default=True)  # (the folder too is beside the config)

    @model_validator(mode="after")
    def _references_hold(self) -> "Settings":
        problems = _reference_problems(self) + exposure_problems(self)
        if problem := processing_problem(self.server, self.database):
            problems.append(problem)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def member(self, member_id: str) -> Member:
        """The member with this id."""
        return next(m for m in self.members if m.id == member_id)

    def grids(self) -> list[tuple[Village, Grid]]:
        """Every top-level grid with its village."""
        return [(v, g) for v in self.villages for g in v.grids]


def _reference_problems(s: Settings) -> list[str]:
    problems: list[str] = []
    ids = Counter(m.id for m in s.members)
    problems += [f"members: id {i!r} is used {n} times" for i, n in ids.items() if n > 1]
    roles = {m.id: set(m.roles) for m in s.members}

    def need(path: str, member_id: str, role: str) -> None:
        if member_id not in roles:
            problems.append(f"{path}: unknown member {member_id!r}")
        elif role not in roles[member_id]:
            problems.append(f"{path}: member {member_id!r} lacks role {role!r}")

    for i, mid in enumerate(s.station.duty_desk):
        if mid not in roles:
            problems.append(f"station.duty_desk.{i}: unknown member {mid!r}")
    for i, mid in enumerate(s.station.duty_officers):
        need(f"station.duty_officers.{i}", mid, "duty_officer")
    for i, mid in enumerate(s.station.supervisors):
        need(f"station.supervisors.{i}", mid, "supervisor")
    for i, mid in enumerate(s.escalation.reach_by_group):
        if mid not in s.station.supervisors:  # the group robot posts into the supervisors' group
            problems.append(f"escalation.reach_by_group.{i}: {mid!r} is not one of station.supervisors")

    grid_of_worker: dict[str, str] = {}
    area_ids: Counter[str] = Counter()
    for vi, village in enumerate(s.villages):
        area_ids[village.id] += 1
        need(f"villages.{vi}.officer", village.officer, "officer")
        need(f"villages.{vi}.instructor", village.instructor, "instructor")
        for gi, grid in enumerate(village.grids):
            path = f"villages.{vi}.grids.{gi}"
            area_ids[grid.id] += 1
            need(f"{path}.leader", grid.leader, "grid_leader")
            for wi, worker in enumerate(grid.workers):
                need(f"{path}.workers.{wi}", worker, "grid_worker")
                if worker in grid_of_worker:
                    problems.append(f"{path}.workers.{wi}: member {worker!r} is already a worker "
                                    f"of grid {grid_of_worker[worker]!r}; a worker belongs to one grid")
                grid_of_worker[worker] = grid.id
            for micro in grid.micro_grids:
                area_ids[micro.id] += 1
    problems += [f"villages: id {i!r} is used {n} times" for i, n in area_ids.items() if n > 1]
    problems += _duty_problems(s, roles, area_ids)
    problems += [f"geo.boundaries_file: an outline names grid {a!r}, which no village has"
                 for a in s.geo.area_ids() if a not in area_ids]
    return problems


def _duty_problems(s: "Settings", roles: Mapping[str, object], area_ids: Counter[str]) -> list[str]:
    problems = []
    for i, person in enumerate(s.watch.people):
        if person.grid not in area_ids:
            problems.append(f"watch.people.{i}.grid: unknown grid {person.grid!r}")
        if person.worker not in roles:
            problems.append(f"watch.people.{i}.worker: unknown member {person.worker!r}")
    for i, duty in enumerate(s.duties):
        if duty.grid not in area_ids:
            problems.append(f"duties.{i}.grid: unknown grid {duty.grid!r}")
        if duty.assignee not in roles:
            problems.append(f"duties.{i}.assignee: unknown member {duty.assignee!r}")
    return problems
