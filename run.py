"""GridWhistle's one composition root: `python run.py [serve|migrate|seal|check-config|train|eval|classify]`."""
import argparse
import logging
import sys
from datetime import timedelta
from pathlib import Path

from core.config_load import ConfigError, load_settings

log = logging.getLogger("gridwhistle")
ROOT = Path(__file__).resolve().parent
# server.processing: separate's processing process: how soon it claims a new message, and how far behind the
# serving processes it stands for the CPU
INBOX_WAKE = timedelta(milliseconds=30)
PROCESSING_NICENESS = 10


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, load the config once, run the command; return the exit code."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    if args.workers is not None:  # the command line says what server.workers would
        settings = settings.model_copy(update={"server": settings.server.model_copy(update={"workers": args.workers})})
    from core.logs import setup_logging
    setup_logging(settings.logging.level, settings.logging.format)
    command = args.command or "serve"
    if command == "check-config":
        print(f"config ok: {len(settings.villages)} villages, {len(settings.grids())} grids, "
              f"{len(settings.members)} members")
        return 0
    if command == "migrate":
        from models.store import make_engine, migrate
        migrate(make_engine(settings.database.url))
        return 0
    if command == "seal":
        return seal(settings)
    if command == "train":
        from nlp.cli import run_train
        return run_train(args.data or ROOT / "nlp" / "data", args.model, corrections=stored_corrections(settings))
    if command in ("eval", "classify"):
        classifier = build_classifier(settings, args.model)
        if command == "eval":
            from core.clock import SystemClock
            from models.triage_desk import last_30_days
            from nlp.cli import run_eval
            recent = stored_corrections(settings, since=last_30_days(SystemClock().now()))
            return run_eval(classifier, args.data or ROOT / "nlp" / "data", corrections=recent)
        from nlp.cli import run_classify
        return run_classify(classifier, sys.stdin.buffer, sys.stdout)
    return serve(settings)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run.py", description="网格哨 GridWhistle")
    parser.add_argument("command", nargs="?", choices=["serve", "migrate", "seal", "check-config", "train", "eval", "classify"])
    parser.add_argument("--config", help="config file (default: $GRIDWHISTLE_CONFIG or ./config.yaml)")
    parser.add_argument("--data", type=Path, help="training data folder (train/eval)")
    parser.add_argument("--model", type=Path, help="model file (train/eval/classify)")
    parser.add_argument("--workers", type=_process_count, metavar="N",
                        help="serving processes on this host, PostgreSQL only (default: server.workers, 1)")
    return parser


def _process_count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"--workers: a number of processes from 1 to 64, got {text!r}")
    return int(text)


def stored_corrections(settings, since=None) -> list[dict]:
    """The console's triage corrections as labelled rows (none if the store is not there yet)."""
    from sqlalchemy.exc import SQLAlchemyError

    from models.store import make_engine
    from models.triage_desk import corrections
    try:
        return corrections(make_engine(settings.database.url), since)
    except SQLAlchemyError as exc:  # no database or not migrated: train on the files alone, and say so
        print(f"corrections not read ({type(exc).__name__}); going on with the files only", file=sys.stderr)
        return []


def build_classifier(settings, model_path=None):
    """Load and warm up the triage classifier with the configured places."""
    from core.gazetteer import gazetteer_entries
    from nlp.classifier import Classifier
    from nlp.gazetteer import Gazetteer

    classifier = Classifier.load(model_path, Gazetteer.from_entries(gazetteer_entries(settings)))
    classifier.warm_up()
    return classifier


def build_services(settings, clock=None, engine=None, privacy=None, classifier=None, role=None):
    """Every part of the running service, wired once; serve() gives `privacy` its key before anything is stored.

    `role` (server.processing: separate): SERVING stores and acknowledges only, no background steps;
    PROCESSING runs every step, the inbox's picking up new rows within INBOX_WAKE."""
    from core.clock import SystemClock
    from core.metrics import INLINE, Metrics
    from core.offset_clock import OffsetClock
    from core.pools import BoundedPool
    from core.privacy import Privacy
    from core.services import Services
    from core.ticker import Ticker
    from core.workcal import WorkCalendar
    from media.build import build_media
    from models.store import make_engine, make_reader

    # Only the demo's clock can be fast-forwarded (its 快进 buttons); a deployment keeps the wall clock.
    clock = clock or (OffsetClock(SystemClock()) if settings.demo.enabled else SystemClock())
    metrics = Metrics(role=role or INLINE)  # gw_process says which kind of process counted
    # a serving process beside a processing one: on SQLite its inserts take the write lock as soon as it is free
    engine = engine or make_engine(settings.database.url, prompt=role == SERVING)
    services = Services(
        settings=settings,
        engine=engine,
        reader=make_reader(engine),
        clock=clock,
        calendar=WorkCalendar(settings.working_hours.periods, settings.working_hours.calendar, settings.timezone),
        metrics=metrics,
        ticker=Ticker(clock, settings.ticker.interval, metrics),
        hashing=BoundedPool("argon2", settings.login.hash_threads, settings.login.hash_waiting),
        privacy=privacy or Privacy(),  # no key until serve() opens the store's: sealing before that fails loudly
    )
    services.media = build_media(settings.media, engine, clock)
    services.classifier = classifier or build_classifier(settings)
    wire_parts(services, role)
    return services


SERVING, PROCESSING = "serving", "processing"  # the two kinds of process of server.processing: separate


def wire_parts(services, role=None):
    """Dispatch, the bot and their ticker steps, on top of the core services."""
    import os
    import socket

    from bot.context import BotContext, Workers
    from bot.conversation.residents import give_up_on_place
    from bot.inbound.handle import sweep
    from bot.inbound.nonces import Forgetting
    from dispatch.service import Dispatcher
    from duties.linking import register_link
    from duties.runner import Duties
    from duties.visits import visit_command
    from media.retention import Retention

    s = services
    instance = f"{socket.gethostname()}:{os.getpid()}"  # who holds a claim, in the rows and the logs
    dispatcher = Dispatcher(s.settings, s.engine, s.clock, s.calendar, s.metrics, instance)
    bot = BotContext(s.settings, s.engine, s.clock, s.classifier, dispatcher, s.metrics, instance, privacy=s.privacy,
                     workers=Workers(s.settings.ticker.inbox_threads), media=s.media)
    dispatcher.on_deadline("ask_place", lambda deadline, now: give_up_on_place(bot, deadline, now))
    s.dispatcher, s.bot = dispatcher, bot
    dispatcher.on_member_text(visit_command(dispatcher, s.engine, s.clock))
    dispatcher.on_submitted(register_link(dispatcher, s.engine, s.clock))
    if role == SERVING:  # the processing process does all of it; the main lane stays, empty, for /healthz
        bot.processed_elsewhere = True
        return
    s.ticker.add_step("deadlines", dispatcher.tick)
    if role == PROCESSING:  # every message comes through the store: wake for it within tens of milliseconds
        s.ticker.add_lane("inbox", wake=INBOX_WAKE)
    s.ticker.add_step("inbox", lambda now: sweep(bot, now), lane="inbox" if role == PROCESSING else "main")
    s.ticker.add_step("callback_nonces", Forgetting(s.engine).step)  # replay guard's rows, once their window closed
    s.ticker.add_step("duties", Duties(dispatcher, s.settings, s.engine, s.calendar, instance).step)
    # photos and voice past media.retention_days: bytes deleted, tickets marked
    s.ticker.add_step("media_retention", Retention(s.media).step, lane="retention")


def route_setups(services):
    """Each package's routes, in the order they are added."""
    from bot.inbound import robot, routes
    from bot.kf import routes as kf_routes
    from demo import channel as demo
    from demo import page_api as demo_page
    from web import api, console, mobile, report

    setups = [lambda app, s: routes.setup(app, s.bot), lambda app, s: robot.setup(app, s.bot),
              lambda app, s: kf_routes.setup(app, s.bot), api.setup, console.setup, report.setup, mobile.setup]
    if services.settings.demo.enabled:
        from bot.kf import demo as kf_demo
        setups += [lambda app, s: demo.setup(app, s.bot), lambda app, s: kf_demo.setup(app, s.bot),
                   demo_page.setup]  # the demo page's clock, photos and updates
    return setups


async def start_sender(services):
    """The outbox sender needs an HTTP client session, which lives on the running loop; returns the session
    and the robot's long connection (None unless configured)."""
    import aiohttp

    from bot.outbound.sender import Sender
    from bot.outbound.tokens import TokenCache
    from bot.outbound.transports import Transports

    http = aiohttp.ClientSession()
    ticker = services.ticker
    ticker.add_lane("outbox", threads=4)  # its own threads for the sends' database work (core/ticker.py)
    transports = Transports(services.settings, http, TokenCache(services.engine, services.clock, ticker.executor("outbox")))
    sender = Sender(services.bot, transports, executor=ticker.executor("outbox"))
    ticker.add_step("outbox", sender.step, lane="outbox")  # WeChat's pace must not hold up deadlines
    return http, start_channels(services, transports)


def start_channels(services, transports):
    """Resident channels that deliver their own way (the 随手拍 page shows its notices itself; 微信客服
    sends through kf/send_msg) and their background steps, each in a lane of its own (they wait on
    WeCom); returns the robot's long connection when the config asks for one, for the caller to stop."""
    from bot.kf.api import KfApi
    from bot.kf.pull import KfPuller
    from bot.kf.send import KfChannel
    from bot.media.fetch import MediaFetcher
    from bot.outbound.page import ShownOnPage

    bot, kf = services.bot, KfApi(transports)
    transports.channels.update(web=ShownOnPage(), kf=KfChannel(kf, services.engine, services.clock))
    if kf.ready:
        services.ticker.add_step("kf", KfPuller(bot, kf).step, lane="kf")
    robot = services.settings.wechat.robot
    if transports.work_ready or transports.mp_ready or robot.encoding_aes_key or robot.mode == "long_connection":
        # photos and voice can arrive through WeChat: download them in a lane of their own (WeChat's pace)
        services.ticker.add_step("media", MediaFetcher(bot, transports).step, lane="media")
    if robot.mode != "long_connection":
        return None
    from bot.robotws.inbound import frame_handler
    from bot.robotws.link import RobotLink
    from bot.robotws.push import LinkKeeper, RobotPush

    link = RobotLink(transports.http, robot.ws_url, robot.bot_id, robot.secret, frame_handler(bot),
                     heartbeat_s=robot.heartbeat.total_seconds())
    transports.channels["robot"] = RobotPush(link)
    services.ticker.add_step("robot_link", LinkKeeper(link, services.engine, bot.instance).step, lane="robot")
    return link


def open_privacy(engine, privacy, settings, seal_legacy: bool = True) -> bool:
    """Give `privacy` the store's key (made at first start) and seal rows from before 0007_privacy; False if refused.

    `seal_legacy` False: the key only (`run.py seal` makes its own pass and counts it).
    """
    import os

    from core.privacy_key import KeyProblem
    from models.sealing import legacy_rows_waiting, open_store_key, seal_clear_rows
    try:
        open_store_key(engine, privacy, settings.privacy.key_file, os.environ)
    except KeyProblem as exc:
        print(f"无法启动 / cannot start: {exc}", file=sys.stderr)
        return False
    if seal_legacy and legacy_rows_waiting(engine):
        seal_clear_rows(engine, privacy)
    return True


def seal(settings) -> int:
    """`python run.py seal`: migrate, open the key and mask and seal every row still holding a full number."""
    from core.privacy import Privacy
    from models.sealing import seal_clear_rows
    from models.store import make_engine, migrate, startup_lock

    engine, privacy = make_engine(settings.database.url), Privacy()
    lock, code = locked_store(engine, "无法封存 / cannot seal")  # the running service, if any, seals at its own start
    if code:
        return code
    with startup_lock(engine):
        migrate(engine)
        if not open_privacy(engine, privacy, settings, seal_legacy=False):
            return 2
        print(f"sealed: {seal_clear_rows(engine, privacy)} rows changed")
    if lock:
        lock.close()
    return 0


def serve(settings) -> int:
    """Serve until SIGTERM/SIGINT: in this process, or in `server.workers` processes forked from it (and, with
    server.processing: separate, one more that does the processing)."""
    import os

    from web.shared_metrics import VARIABLE, MetricsFolder, share_metrics
    count, separate = settings.server.workers, settings.server.processing == "separate"
    if count == 1 and not separate:
        if os.environ.get(VARIABLE):  # multiprocess mode asked for one process: not an earlier run's figures
            MetricsFolder.opened(os.environ)
        return serve_one(settings)
    from web.forking import Supervisor, before_fork, one_writer_problem
    problem = one_writer_problem(settings.database.url, count)
    if problem:
        print(f"无法启动 / cannot start: {problem}", file=sys.stderr)
        return 2
    metrics_folder = share_metrics()  # before prometheus_client is imported: every process's figures on /metrics
    lock, code = lock_for_children(settings)
    if code:
        metrics_folder.close()
        return code
    classifier = build_classifier(settings)  # read only from here on: every child shares these pages
    preload(settings)
    before_fork()
    log.info("forking serving processes", extra={"workers": count, "port": settings.server.port,
                                                 "processing": settings.server.processing})
    children = [lambda: serve_one(settings, classifier, SERVING if separate else None, forked=True)] * count
    if separate:
        children.append(lambda: process_only(settings, classifier))
    try:
        return Supervisor(children, ended=metrics_folder.process_ended).run()
    finally:
        metrics_folder.close()
        if lock:
            lock.close()


def lock_for_children(settings):
    """On a SQLite file (server.processing: separate), the parent holds the file's lock for the two processes
    it forks, restarted or not, and another instance is refused: (the lock or None, exit code)."""
    from models.store import make_engine

    engine = make_engine(settings.database.url)
    try:
        return locked_store(engine)
    finally:
        engine.dispose()


def locked_store(engine, refused: str = "无法启动 / cannot start"):
    """The SQLite file's single-instance lock (None on PostgreSQL) and 0, or None and exit code 3, having said
    who holds it."""
    from models.store import StoreLocked, lock_single_instance

    try:
        return lock_single_instance(engine), 0
    except StoreLocked as exc:
        print(f"{refused}: {exc}", file=sys.stderr)
        return None, 3


def preload(settings) -> None:
    """Import in the parent what each serving process imports, so the children share it copy-on-write."""
    import importlib
    from types import SimpleNamespace

    for name in ("web.app", "web.serving", "models.recovery", "models.sync", "models.sealing", "demo.seed",
                 "duties.register", "web.console.passwords", "bot.outbound.sender", "bot.outbound.transports",
                 "bot.outbound.tokens", "bot.kf.pull", "bot.kf.send", "bot.outbound.page", "dispatch.service",
                 "duties.runner", "duties.linking", "duties.visits", "bot.inbound.handle", "bot.inbound.nonces",
                 "bot.conversation.residents", "core.ticker", "apscheduler.schedulers.asyncio",
                 "openpyxl", "alembic.command"):  # the console's downloads, the migration at each start
        importlib.import_module(name)
    route_setups(SimpleNamespace(settings=settings))  # imports every package's routes


def open_store(services, settings, role=None, forked=False):
    """Lock (SQLite), migrate, open the key and sync the config into the store: (the lock or None, exit code).

    A `forked` process's parent holds the SQLite file's lock (lock_for_children). Claims left in a SQLite
    file are taken back by the process that claims (models/recovery.py): not by a SERVING one, which claims
    nothing and may be restarted while the processing process holds live claims.
    """
    from demo.seed import prepare_demo
    from duties.register import sync_register
    from models.recovery import release_orphaned_claims
    from models.store import migrate, startup_lock
    from models.sync import sync_directory
    from web.console.passwords import check_stored

    lock, code = (None, 0) if forked else locked_store(services.engine)
    if code:
        return None, code
    with startup_lock(services.engine):  # several processes or instances may start at once
        migrate(services.engine)
        if not open_privacy(services.engine, services.privacy, settings):
            return lock, 2
        if role != SERVING:
            release_orphaned_claims(services.engine, services.clock.now())
        sync_directory(services.engine, settings)
        check_stored(services.engine, settings)  # no demo password outside the demo; who cannot log in
        sync_register(services.engine, settings, services.clock.now())
        prepare_demo(services)  # demo mode only: a month of history once
    return lock, 0


class Background:
    """The ticker, the outbox sender and the channels' connections of one process: started and stopped."""

    def __init__(self, services, sender: bool = True):
        self.services, self.sender = services, sender
        self.http = self.robot_link = None

    async def start(self, _app=None):
        if self.sender:
            self.http, self.robot_link = await start_sender(self.services)
        self.services.ticker.start()

    async def stop(self, _app=None):
        import asyncio

        services = self.services
        services.ticker.stop()
        if self.robot_link is not None:
            await self.robot_link.stop()
        if self.http is not None:
            await self.http.close()
        await asyncio.to_thread(services.bot.workers.shutdown)  # messages being processed finish first
        if services.bot.answers is not None:  # server.processing: separate's poller thread
            services.bot.answers.close()
        await asyncio.to_thread(services.ticker.close)
        await asyncio.to_thread(services.hashing.shutdown)


def process_only(settings, classifier=None) -> int:
    """server.processing: separate: triage, dispatch and send every stored message, tick every lane; no HTTP."""
    import asyncio
    import os
    import signal

    # the kernel gives the serving processes the CPU first: an acknowledgement waits for nothing here, the
    # answers only go out later when both are short of it
    os.nice(PROCESSING_NICENESS)
    services = build_services(settings, classifier=classifier, role=PROCESSING)
    _, code = open_store(services, settings, PROCESSING, forked=True)
    if code:
        return code
    background = Background(services)

    async def until_stopped():
        stop = asyncio.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(signum, stop.set)
        await background.start()
        try:
            await stop.wait()
        finally:
            await background.stop()

    log.info("processing", extra={"database": services.engine.url.render_as_string(hide_password=True)})
    asyncio.run(until_stopped())
    return 0


def serve_one(settings, classifier=None, role=None, forked=False) -> int:
    """Serve HTTP and tick until SIGTERM/SIGINT (`role` SERVING: store and acknowledge only)."""
    from web.app import build_app
    from web.serving import serve_app

    services = build_services(settings, classifier=classifier, role=role)
    lock, code = open_store(services, settings, role, forked)
    if code:
        return code
    app = build_app(services, route_setups(services))
    background = Background(services, sender=role != SERVING)
    app.on_startup.append(background.start)
    app.on_cleanup.append(background.stop)
    log.info("serving", extra={"host": settings.server.host, "port": settings.server.port,
                               "database": services.engine.url.render_as_string(hide_password=True)})
    # SIGTERM/SIGINT: stop accepting, finish requests, cleanup; connections bounded (server.max_connections...)
    serve_app(app, settings.server, services.metrics, shutdown_timeout=10)
    if lock:
        lock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
