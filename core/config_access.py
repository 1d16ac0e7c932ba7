"""Ways in besides WeChat: the ticket API's tokens and the demo page."""
from core.config import Strict


class Api(Strict):
    tokens: list[str] = []


class Demo(Strict):
    """The /demo simulator, its member picker on /m and its shared password: a local try-out, off unless asked for.

    It has no login, so core/config_demo.py refuses it beside any WeChat credential, and off loopback
    unless `public` says the network may see it.
    """

    enabled: bool = False
    seed_history: bool = True
    public: bool = False  # serve the demo on a non-loopback server.host
