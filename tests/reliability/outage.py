"""A TCP proxy in front of PostgreSQL that the test can switch off: the database "stops" for the service.

Switched off, it drops every open connection and refuses new ones, which is what a stopped
server looks like to a client. The real PostgreSQL keeps running for every other test.
"""
import asyncio


class Outage:
    """Forward 127.0.0.1:<port> to the database; `down()` and `up()` stop and start it for clients."""

    def __init__(self, target_port: int = 5432, host: str = "127.0.0.1"):
        self.host, self.target_port = host, target_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.StreamWriter] = set()

    async def up(self) -> None:
        """Listen (again, on the same port) and forward."""
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def down(self) -> None:
        """Refuse new connections and cut the open ones."""
        self._server.close()
        for writer in list(self._pipes):
            writer.transport.abort()
        self._pipes.clear()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(self.host, self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._pipes |= {writer, up_writer}
        await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer), return_exceptions=True)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._pipes.discard(writer)
            writer.transport.abort()
