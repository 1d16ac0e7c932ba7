"""Serve the application until SIGTERM/SIGINT: aiohttp's runner behind the connection gate (web/gate.py).

As aiohttp's run_app does, apart from the listening socket, whose connections pass the gate first. The
keep-alive timeout also bounds how long a client may take to send a request's headers (aiohttp closes a
connection still waiting for a whole request when it runs out).
"""
import asyncio
import logging
import resource
import sys
from contextlib import suppress

from aiohttp import web

from core.config import Server
from core.metrics import Metrics
from web.gate import ConnectionGate, GatedProtocol

log = logging.getLogger(__name__)
RESERVED_FILES = 256  # database connections, SQLite's files, the log, outbound HTTP: not for clients
MIN_CONNECTIONS = 8
# The event loop shares the GIL with the threads that store, triage and dispatch. A thread that wants the
# GIL waits up to the switch interval (5 ms by default) for the one holding it, and the loop asks for it
# again after every select, read and write: behind busy threads a callback's many small steps each paid
# that wait. At 0.5 ms an acknowledgement waits a tenth as long; the busy threads switch more often.
SWITCH_INTERVAL_S = 0.0005


def raise_open_files_limit() -> int:
    """Raise the soft limit on open files to the hard one (many systems start at 1024); the limit in effect."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError) as exc:
            log.warning("open-file limit not raised", extra={"soft": soft, "hard": hard, "error": str(exc)})
    return soft


def gate_for(server: Server, open_files: int, metrics: Metrics | None = None) -> ConnectionGate:
    """The configured bounds, lowered (and said so) when the open-file limit leaves less room."""
    total = server.max_connections
    room = total if open_files == resource.RLIM_INFINITY else max(MIN_CONNECTIONS, open_files - RESERVED_FILES)
    if total > room:
        log.warning("server.max_connections lowered to fit the open-file limit",
                    extra={"configured": total, "open_files": open_files, "now": room})
        total = room
    return ConnectionGate(total, min(server.max_connections_per_address, total), metrics)


def serve_app(app: web.Application, server: Server, metrics: Metrics | None = None,
              shutdown_timeout: float = 10.0) -> None:
    """Serve until a signal: then stop accepting, finish requests (up to shutdown_timeout) and clean up."""
    gate = gate_for(server, raise_open_files_limit(), metrics)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    main = loop.create_task(_serve(app, server, gate, shutdown_timeout))
    try:
        loop.run_until_complete(main)
    except (web.GracefulExit, KeyboardInterrupt):
        pass
    finally:
        if not main.done():
            main.cancel()
            with suppress(asyncio.CancelledError):
                loop.run_until_complete(main)
        left = asyncio.all_tasks(loop)
        for task in left:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


async def _serve(app: web.Application, server: Server, gate: ConnectionGate, shutdown_timeout: float) -> None:
    runner, listener = await open_gated(app, server, gate, shutdown_timeout)
    try:
        await asyncio.Future()  # until SIGTERM/SIGINT (GracefulExit) cancels this task
    finally:
        listener.close()
        await runner.cleanup()


async def open_gated(app: web.Application, server: Server, gate: ConnectionGate,
                     shutdown_timeout: float = 10.0) -> tuple[web.AppRunner, asyncio.Server]:
    """Start the app's runner and listen on server.host:port through the gate; the caller closes both."""
    runner = web.AppRunner(app, handle_signals=True, access_log=None, shutdown_timeout=shutdown_timeout,
                           keepalive_timeout=server.keepalive_timeout.total_seconds())
    await runner.setup()
    http = runner.server
    assert http is not None
    try:
        # several processes forked by web/forking.py listen on one port, the kernel spreading connections
        listener = await asyncio.get_running_loop().create_server(lambda: GatedProtocol(gate, http),
                                                                  server.host, server.port,
                                                                  reuse_port=server.workers > 1 or None)
    except BaseException:
        await runner.cleanup()
        raise
    return runner, listener
