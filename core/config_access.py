"""Ways in besides WeChat: the ticket API's tokens, the console's login, and the demo page."""
from datetime import timedelta

from pydantic import Field

from core.config import Duration, Strict


class Api(Strict):
    tokens: list[str] = []


class Login(Strict):
    """Password logins to the console: how many failures lock an account or an address, and the hashing pool."""

    max_failures: int = Field(5, ge=1, le=100)  # per account within `window`; then the account is locked
    window: Duration = timedelta(minutes=15)
    lockout: Duration = timedelta(minutes=15)
    per_address: int = Field(30, ge=1, le=100000)  # failures from one address within `window`; then it is locked
    hash_threads: int = Field(2, ge=1, le=16)  # argon2 runs on these threads only
    hash_waiting: int = Field(16, ge=0, le=1000)  # logins queued for a thread; more are told to retry


class Demo(Strict):
    enabled: bool = True
    seed_history: bool = True
