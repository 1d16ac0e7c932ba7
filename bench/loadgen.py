"""The load generator, run in a process of its own: signed, encrypted OA messages at a steady rate.

Open loop: message i is due at start + i/rate whatever happened to earlier ones, and its
latency counts from that due time, so a server that falls behind is not excused by the
generator waiting for it. Bodies are encrypted before the clock starts, so the generator's
own crypto does not compete with the server for the two cores during the run.
"""
import asyncio
import multiprocessing
import time

import aiohttp

from tests.bot import wechat

MESSAGES = ["桂花苑{n}栋路灯坏了", "大家早上好", "锦绣花园{n}栋楼道有人给电瓶车充电", "谢谢网格员", "翠湖苑{n}栋楼下垃圾没人收"]
PATIENCE_S = 5.0  # WeChat stops waiting after 5 s and retries
TIMEOUT_S = 30.0


def bodies(count: int, first_id: int) -> list[tuple[dict, str]]:
    """`count` callbacks from 300 residents, reports and chit-chat mixed, MsgIds from first_id."""
    ts = int(time.time())
    return [wechat.mp_safe(wechat.text_xml(f"o{i % 300}", MESSAGES[i % 5].format(n=i % 12 + 1), first_id + i, ts),
                           ts, nonce=str(first_id + i)) for i in range(count)]


async def _post_all(url: str, rate: int, requests: list[tuple[dict, str]]) -> dict:
    latencies, statuses, replied = [], {}, 0
    # as many connections as requests in flight: WeChat's servers open them freely
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)) as http:
        async def one(due: float, query: dict, body: str) -> None:
            nonlocal replied
            try:
                async with http.post(url, params=query, data=body) as response:
                    text = await response.text()
                    status = response.status
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                text, status = "", exc.__class__.__name__
            latencies.append(time.perf_counter() - due)
            statuses[status] = statuses.get(status, 0) + 1
            replied += status == 200 and text != "success"
        start, tasks, cpu = time.perf_counter() + 0.05, [], time.process_time()
        for i, (query, body) in enumerate(requests):
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(due, query, body)))
        await asyncio.gather(*tasks)
    # wall-clock end, so the parent process can time what the server does after the last answer
    return {"latencies": latencies, "statuses": statuses, "replied": replied,
            "elapsed": time.perf_counter() - start, "ended_at": time.time(), "cpu_s": time.process_time() - cpu}


def generate(url: str, rate: int, seconds: float, first_id: int) -> dict:
    """Post rate*seconds messages to url: latencies (s), counts by status, passive replies, elapsed s."""
    return asyncio.run(_post_all(url, rate, bodies(int(rate * seconds), first_id)))


def in_own_process(url: str, rate: int, seconds: float, first_id: int) -> dict:
    """`generate` in a freshly spawned process, so it shares no interpreter or GIL with anything else."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(generate, (url, rate, seconds, first_id))
