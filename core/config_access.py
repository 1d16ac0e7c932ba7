"""Ways in besides WeChat: the ticket API's tokens and the demo page."""
from core.config import Strict


class Api(Strict):
    tokens: list[str] = []


class Demo(Strict):
    enabled: bool = True
    seed_history: bool = True
