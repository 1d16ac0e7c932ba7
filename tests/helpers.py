"""Small builders shared by tests (and the benchmarks, which drive the same service)."""
import os
import socket
import tempfile
import urllib.error
import urllib.request

from core.metrics import Metrics
from core.pools import BoundedPool
from core.privacy import Privacy
from core.services import Services
from core.ticker import Ticker
from core.workcal import WorkCalendar
from media.build import build_media
from media.folder import FolderStore
from models.store import make_reader

# One throwaway key for the whole test run: services, bot contexts and pages built apart open each other's seals.
TEST_PRIVACY = Privacy.ephemeral()
# One media folder for the run, removed at exit: services and bot contexts built apart serve each other's photos.
TEST_MEDIA = tempfile.TemporaryDirectory(prefix="gw-media-")


def media_for(settings, engine, clock):
    """A media store in the run's temporary folder (keys are random: tests never meet each other's files)."""
    return build_media(settings.media, engine, clock, FolderStore(TEST_MEDIA.name))


def make_services(settings, engine, clock, classifier=None) -> Services:
    """Services wired like run.py does, around a test engine and a fake clock."""
    metrics = Metrics()
    return Services(settings=settings, engine=engine, reader=make_reader(engine), clock=clock,
                    calendar=WorkCalendar(settings.working_hours.periods, settings.working_hours.calendar,
                                          settings.timezone),
                    metrics=metrics, ticker=Ticker(clock, settings.ticker.interval, metrics),
                    hashing=BoundedPool("argon2", settings.login.hash_threads, settings.login.hash_waiting),
                    classifier=classifier, privacy=TEST_PRIVACY, media=media_for(settings, engine, clock))


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listens(pid: int, port: int) -> bool:
    """True when process `pid` has a socket listening on this TCP port (each of `serve --workers N`'s processes
    opens its own: /healthz alone cannot tell whether all of them are serving yet)."""
    inodes = set()
    with open("/proc/net/tcp", encoding="ascii") as table:
        for line in list(table)[1:]:
            fields = line.split()
            if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":  # local address, state LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") in inodes for fd in os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, PermissionError):
        return False


def health_status(base: str, timeout: float = 2) -> int | None:
    """The HTTP status of base/healthz, or None when nothing answers."""
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def with_demo(settings, enabled: bool = True, **demo):
    """The settings with demo mode asked for (or refused) explicitly: nothing relies on config.yaml's demo block."""
    return settings.model_copy(update={"demo": settings.demo.model_copy(update={"enabled": enabled, **demo})})
