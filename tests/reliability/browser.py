"""A browser from an address of its own on loopback (127.0.0.N), talking to a real service process.

Each one keeps its cookies as a browser does (cookies from an IP host included), so a test can log
in, save a cookie, log out, and try the saved cookie again; its address is what the login limits
count, unless it is a trusted proxy sending X-Forwarded-For.
"""
import re

import aiohttp

TOKEN = re.compile(r'name="csrf" value="([0-9a-f]+)"')


class Browser:
    """An aiohttp session from `address` to the service at `base`."""

    def __init__(self, base: str, address: str = "127.0.0.1", **headers: str):
        self.base, self.headers = base, headers
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0)),
                                          cookie_jar=aiohttp.CookieJar(unsafe=True),
                                          timeout=aiohttp.ClientTimeout(total=60))

    async def __aenter__(self) -> "Browser":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.http.close()

    async def get(self, path: str, **kwargs) -> tuple[int, str, aiohttp.ClientResponse]:
        async with self.http.get(self.base + path, allow_redirects=False, headers=self.headers | kwargs.pop("headers", {}),
                                 **kwargs) as response:
            return response.status, await response.text(), response

    async def post(self, path: str, data: dict, **headers: str) -> tuple[int, str, aiohttp.ClientResponse]:
        async with self.http.post(self.base + path, data=data, allow_redirects=False,
                                  headers=self.headers | headers) as response:
            return response.status, await response.text(), response

    async def token(self, path: str = "/console/login") -> str:
        """The form token on a page."""
        _, html, _ = await self.get(path)
        return TOKEN.search(html).group(1)

    async def login(self, member: str, password: str, **headers: str) -> tuple[int, str, aiohttp.ClientResponse]:
        """Fill in the login form as a person would (its token included)."""
        return await self.post("/console/login", {"member": member, "password": password, "next": "/console/board",
                                                  "csrf": await self.token()}, **headers)

    def cookie(self, name: str) -> str | None:
        """A cookie the browser holds now."""
        found = [c.value for c in self.http.cookie_jar if c.key == name]
        return found[0] if found else None
