"""Hand a callback to the app's own route handler without a socket: the same wrapper, guard, crypto and parser.

Only aiohttp's HTTP parser and its stream reader are left out: the body is served from memory, in the
8 KB chunks `bot.inbound.guard.read_body` asks for.
"""
from urllib.parse import urlencode

from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from tests.reliability.bodies import Case


class _Body:
    """The request body, swapped before each call (requests are handled one at a time)."""

    data = b""

    async def iter_chunked(self, size: int):
        for start in range(0, len(self.data), size):
            yield self.data[start:start + size]


class _Peer:
    """The connection, as far as a request looks at it. Not a Mock: a Mock keeps a record of every call,
    and a million requests' worth of records makes each garbage collection slower than the last."""

    ssl_context = transport = writer = None
    peername, sockname = ("127.0.0.1", 40000), ("127.0.0.1", 8080)


class Driver:
    """Requests to `app` cloned from one mocked request (building a mocked request is the costly part)."""

    def __init__(self, app: web.Application):
        self.app, self.body = app, _Body()
        self.base = make_mocked_request("POST", "/", app=app, payload=self.body, protocol=_Peer(), transport=None)

    async def call(self, case: Case) -> web.Response:
        """What the handler routed for `case.path` answers."""
        self.body.data = case.body
        request = self.base.clone(rel_url=f"{case.path}?{urlencode(case.query)}",
                                  headers={"Content-Length": str(len(case.body))})
        match = await self.app.router.resolve(request)
        return await match.handler(request)
