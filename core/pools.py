"""A few threads for one kind of heavy work, with a cap on how much may wait for them.

Password hashing (argon2) is slow on purpose: left on the event loop's default threads, a login
flood would queue every page's and the health check's database reads behind it. The composition
root (run.py) owns one of these for it and shuts it down; past the cap a caller hears at once
that the pool is busy instead of waiting without end.
"""
import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class PoolBusy(RuntimeError):
    """Every thread is working and the waiting line is full."""


class BoundedPool:
    """`threads` threads; at most `threads + waiting` jobs admitted at once (counted on the event loop)."""

    def __init__(self, name: str, threads: int, waiting: int):
        self.limit = threads + waiting
        self.admitted = 0
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)

    async def run(self, work: Callable[..., T], *args: object) -> T:
        """Run `work(*args)` on the pool's threads; PoolBusy when too many are already admitted."""
        if self.admitted >= self.limit:
            raise PoolBusy(f"{self.admitted} jobs admitted")
        self.admitted += 1
        try:
            return await in_thread(self._executor, work, *args)
        finally:
            self.admitted -= 1

    def shutdown(self) -> None:
        """Finish what runs, take nothing more."""
        self._executor.shutdown(wait=True, cancel_futures=True)


def in_thread(executor: Executor | None, work: Callable[..., T], *args: object) -> "asyncio.Future[T]":
    """`work(*args)` on these threads (None: the event loop's default ones), awaited by the caller."""
    return asyncio.get_running_loop().run_in_executor(executor, functools.partial(work, *args))
