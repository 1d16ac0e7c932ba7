"""WeCom and Official Account HTTP APIs over aiohttp, with errcodes sorted into what to do next."""
import asyncio
from dataclasses import dataclass

import aiohttp

TOKEN_ERRORS = {40001, 40014, 42001}  # invalid or expired access_token: refresh, retry once
TRANSIENT_ERRORS = {-1, 45009, 45033}  # busy or rate-limited: back off and retry
# The resident cannot be written to now: the Official Account's 48-hour window has passed (45015) or its 5
# customer-service messages are used (45047), likewise 微信客服's window (-45015, bot/kf/send.py), or no
# subscription for a subscription notice (43101). Final for the message; nobody to alert, as nothing is
# broken: the ticket page says which notices did not reach the resident and why.
UNREACHABLE_ERRORS = {45015, 45047, -45015, 43101}
TIMEOUT = aiohttp.ClientTimeout(total=10)
NO_ANSWER = -2  # timed out or cut off: WeChat may or may not have taken the message


class ApiError(Exception):
    """A call that failed; `transient` says whether trying again later may work."""

    def __init__(self, errcode: int, errmsg: str, transient: bool):
        super().__init__(f"{errcode} {errmsg}")
        self.errcode, self.errmsg, self.transient = errcode, errmsg, transient


@dataclass
class Endpoint:
    """One API family: where it lives and how to get its token."""

    name: str  # work | mp
    base_url: str
    token_path: str
    token_params: dict


async def call(http: aiohttp.ClientSession, method: str, url: str, timeout: aiohttp.ClientTimeout = TIMEOUT,
               **kwargs) -> dict:
    """One HTTP call; errcode != 0, 5xx, bad JSON and timeouts become ApiError."""
    try:
        async with http.request(method, url, timeout=timeout, **kwargs) as response:
            if response.status >= 500:
                raise ApiError(response.status, "server error", transient=True)
            if response.status >= 400:
                raise ApiError(response.status, await response.text(), transient=False)
            body = await response.json(content_type=None)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
        raise ApiError(NO_ANSWER, f"{exc.__class__.__name__}: {exc}", transient=True) from None
    raise_for_errcode(body)
    return body


def raise_for_errcode(body: dict, errmsg_limit: int | None = None) -> None:
    """An answer with errcode != 0 becomes ApiError (a refused token or a busy WeChat: transient)."""
    errcode = int(body.get("errcode", 0) or 0)
    if errcode:
        raise ApiError(errcode, str(body.get("errmsg", ""))[:errmsg_limit],
                       transient=errcode in TRANSIENT_ERRORS or errcode in TOKEN_ERRORS)


async def fetch_token(http: aiohttp.ClientSession, endpoint: Endpoint,
                      timeout: aiohttp.ClientTimeout = TIMEOUT) -> tuple[str, int]:
    """A new access_token and its lifetime in seconds."""
    body = await call(http, "GET", endpoint.base_url.rstrip("/") + endpoint.token_path, timeout,
                      params=endpoint.token_params)
    return body["access_token"], int(body.get("expires_in", 7200))
