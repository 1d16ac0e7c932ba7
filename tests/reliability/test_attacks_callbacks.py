"""Attacks on the WeChat callbacks and the HTTP server, against the real `python run.py serve` (issue 12).

One test per attack. Three services, each started once for the module, on SQLite:
- `safe`: the Official Account in safe mode (AES key) and the WeCom app; tight connection bounds and a
  2 s body deadline so the floods are short;
- `plain`: the Official Account in plain mode (token, no AES key), everything else off;
- `bare`: a production-like config before any WeChat credential is set: every callback off.
No WeChat secrets are set, so nothing the service sends leaves the machine (the outbox's page transport).
"""
import asyncio
import hashlib
import json
import os
import re
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
import xmltodict
import yaml
from sqlalchemy import func
from sqlmodel import select

from models import InboxMessage
from models.store import make_engine, session
from tests.bot import wechat
from tests.helpers import free_port, health_status
from tests.reliability.service import Service, write_config

PER_ADDRESS, TOTAL = 40, 150
ATTACKERS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]  # the flood's source addresses; /healthz asks from 127.0.0.1
FLOOD_S = 12.0
PATIENCE_S = 30.0  # generous: the machine is shared


def start(folder: Path, name: str, **wechat_changes) -> Service:
    """A service whose config is write_config's, without secrets, with the given WeChat keys changed."""
    folder = folder / name
    folder.mkdir()
    path = write_config(folder, f"sqlite:///{folder / 'gw.db'}", "http://127.0.0.1:9")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["server"] |= {"max_connections": TOTAL, "max_connections_per_address": PER_ADDRESS,
                         "keepalive_timeout": "3s", "callback_body_timeout": "2s"}
    w = config["wechat"]
    w["mp"]["app_secret"] = w["work"]["secret"] = w["work"]["supervisors_webhook_key"] = ""
    for channel, keys in wechat_changes.items():
        w[channel] |= keys
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    service = Service(path, free_port(), folder / "serve.log")
    service.database_url = f"sqlite:///{folder / 'gw.db'}"
    return service.start()


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    folder = tmp_path_factory.mktemp("attacks")
    started = {}
    try:
        started["safe"] = start(folder, "safe")
        started["plain"] = start(folder, "plain", mp={"encoding_aes_key": ""}, work={"token": ""})
        started["bare"] = start(folder, "bare", mp={"token": "", "encoding_aes_key": ""},
                                work={"token": "", "encoding_aes_key": ""})
        yield started
    finally:
        for service in started.values():
            service.stop()


def now_ts() -> int:
    return int(time.time())


def stored(service: Service) -> int:
    engine = make_engine(service.database_url)
    try:
        with session(engine) as db:
            return db.exec(select(func.count()).select_from(InboxMessage)).one()
    finally:
        engine.dispose()


def request_head(path: str, query: dict, length: int) -> bytes:
    return (f"POST {path}?{urlencode(query)} HTTP/1.1\r\nHost: gw\r\nContent-Type: text/xml\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()


async def post(service: Service, path: str, query: dict, body: str) -> tuple[int, str]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=PATIENCE_S)) as http:
        async with http.post(service.base + path, params=query, data=body.encode()) as response:
            return response.status, await response.text()


def content(reply: str, encrypted: bool) -> str:
    return xmltodict.parse(wechat.decrypt_reply(reply) if encrypted else reply)["xml"]["Content"]


async def test_a_channel_with_an_empty_token_is_off_and_start_up_says_which(services):
    bare = services["bare"]
    ts, nonce = str(now_ts()), "3141"
    empty_token_signature = hashlib.sha1("".join(sorted(["", ts, nonce])).encode()).hexdigest()
    query = {"signature": empty_token_signature, "msg_signature": empty_token_signature, "timestamp": ts,
             "nonce": nonce, "echostr": "pwned"}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=PATIENCE_S)) as http:
        for path in ("/wechat/mp", "/wechat/work", "/wechat/robot", "/wechat/kf"):
            async with http.get(bare.base + path, params=query) as response:
                assert response.status == 404 and "pwned" not in await response.text(), path
            body = wechat.text_xml("oAttacker", "锦绣花园12栋有人打架", 1, int(ts))
            async with http.post(bare.base + path, params=query, data=body.encode()) as response:
                assert response.status == 404, path
    assert stored(bare) == 0
    [line] = [json.loads(line) for line in bare.log.read_text(encoding="utf-8").splitlines()
              if "WeChat callbacks off" in line]
    assert all(path in line["off"] for path in ("/wechat/mp", "/wechat/work", "/wechat/robot", "/wechat/kf"))
    assert "/wechat/mp: empty wechat.mp.token" in line["off"]
    safe_off = [json.loads(line)["off"] for line in services["safe"].log.read_text(encoding="utf-8").splitlines()
                if "WeChat callbacks off" in line]
    assert safe_off == ["/wechat/robot: empty wechat.robot.token, wechat.robot.encoding_aes_key; "
                        "/wechat/kf: empty wechat.kf.token, wechat.kf.encoding_aes_key"]


async def test_a_plain_mode_post_to_a_channel_with_an_aes_key_is_refused(services):
    safe, ts = services["safe"], now_ts()
    before = stored(safe)
    # correctly signed with the real token: only the AES check is skipped, which is what a downgrade is
    status, _ = await post(safe, "/wechat/mp", wechat.plain_query(ts, nonce="4001"),
                           wechat.text_xml("oAttacker", "锦绣花园12栋有人打架", 4001, ts))
    assert status == 403 and stored(safe) == before
    query, body = wechat.mp_safe(wechat.text_xml("oWangAyi", "早上好", 4002, ts), ts)
    assert (await post(safe, "/wechat/mp", query, body))[0] == 200  # the same channel in safe mode


async def answer_to_head_only(service: Service, head: bytes) -> bytes:
    """Send a request's head announcing a body, send no body, and read whatever comes back."""
    reader, writer = await asyncio.open_connection("127.0.0.1", service.port)
    try:
        writer.write(head)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), PATIENCE_S)
    finally:
        writer.close()


async def test_a_bad_query_is_refused_without_waiting_for_the_body(services):
    ts = now_ts()
    bad_signature = {**wechat.plain_query(ts, nonce="5001"), "signature": "f" * 40}
    stale = {**wechat.mp_safe(wechat.text_xml("oX", "hi", 5002, ts), ts)[0], "timestamp": str(ts - 3600)}
    unsigned = {"timestamp": str(ts), "nonce": "5003", "encrypt_type": "aes"}
    cases = [(services["plain"], bad_signature), (services["safe"], stale), (services["safe"], unsigned)]
    for service, query in cases:
        answer = await answer_to_head_only(service, request_head("/wechat/mp", query, 4000))
        # waiting for the body would have ended in 408 at the body deadline; the query alone decided
        assert answer.startswith(b"HTTP/1.1 403"), (query, answer[:80])


async def test_a_trickled_body_gets_408_and_the_connection_is_closed(services):
    safe, ts = services["safe"], now_ts()
    query, body = wechat.mp_safe(wechat.text_xml("oSlow", "锦绣花园12栋路灯坏了", 6001, ts), ts)
    reader, writer = await asyncio.open_connection("127.0.0.1", safe.port)
    answer, deadline = b"", time.monotonic() + PATIENCE_S
    try:
        writer.write(request_head("/wechat/mp", query, len(body.encode())))
        for byte in body.encode()[:-1]:  # one byte at a time, never the last
            writer.write(bytes([byte]))
            try:
                answer += await asyncio.wait_for(reader.read(1024), 0.5)
            except asyncio.TimeoutError:
                continue
            if answer or time.monotonic() > deadline:
                break
        answer += await asyncio.wait_for(reader.read(), PATIENCE_S)  # then the server closes: EOF
    finally:
        writer.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert stored_key(safe, "mp:oSlow:6001") is False


def stored_key(service: Service, key: str) -> bool:
    engine = make_engine(service.database_url)
    try:
        with session(engine) as db:
            return db.exec(select(InboxMessage).where(InboxMessage.msg_key == key)).first() is not None
    finally:
        engine.dispose()


class Flood:
    """Slow-loris from several addresses: each connection trickles its headers or its body a byte a second
    and is opened again as soon as the server drops it."""

    def __init__(self, service: Service, per_address: int):
        self.service, self.per_address = service, per_address
        self.refused = self.dropped = 0
        self.stop = asyncio.Event()

    async def run(self) -> None:
        await asyncio.gather(*(self._one(address, n) for address in ATTACKERS for n in range(self.per_address)))

    async def _one(self, address: str, n: int) -> None:
        ts = now_ts()
        query, body = wechat.mp_safe(wechat.text_xml(f"oLoris{n}", "楼道有人", 10**6 + n, ts), ts)
        head = request_head("/wechat/mp", query, len(body.encode()))
        data = head[:40] if n % 2 else head + body.encode()[:10]  # slow headers, or a slow body
        while not self.stop.is_set():
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.service.port,
                                                               local_addr=(address, 0))
            except OSError:
                await asyncio.sleep(0.2)
                continue
            try:
                writer.write(data[:20])
                for byte in data[20:] + b"x" * 1000:
                    answer = await _read_for(reader, 1.0)
                    if answer is not None:  # the server answered or closed
                        self.refused += answer.startswith(b"HTTP/1.1 503")
                        self.dropped += not answer.startswith(b"HTTP/1.1 503")
                        await asyncio.sleep(0.5)  # then again (a pause, so the test does not hog the machine)
                        break
                    if self.stop.is_set():
                        break
                    writer.write(bytes([byte]))
            except OSError:
                self.dropped += 1
            finally:
                writer.close()


async def _read_for(reader: asyncio.StreamReader, seconds: float) -> bytes | None:
    """What the server sent within `seconds` (b"" when it closed), or None when it stayed silent."""
    try:
        return await asyncio.wait_for(reader.read(1024), seconds)
    except asyncio.TimeoutError:
        return None


def open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def gauge(service: Service, name: str) -> float:
    with urllib.request.urlopen(service.base + "/metrics", timeout=PATIENCE_S) as response:
        [value] = re.findall(rf"^{name} (\S+)$", response.read().decode(), re.M)
    return float(value)


async def test_many_trickling_connections_are_bounded_while_healthz_keeps_answering(services):
    safe = services["safe"]
    pid, log_before = safe.process.pid, safe.log.stat().st_size
    files_before = open_files(pid)
    flood = Flood(safe, per_address=100)  # 300 connections, 100 from each address: 60 over each address's bound
    attack = asyncio.create_task(flood.run())
    health, held, most_files, end = [], [], files_before, time.monotonic() + FLOOD_S
    while time.monotonic() < end:
        health.append(await asyncio.to_thread(health_status, safe.base, 10))
        held.append(await asyncio.to_thread(gauge, safe, "gw_connections_open"))
        most_files = max(most_files, open_files(pid))
        await asyncio.sleep(0.5)
    flood.stop.set()
    await asyncio.wait_for(attack, PATIENCE_S)
    assert health and set(health) == {200}, health
    assert flood.refused > 0 and flood.dropped > 0  # over the bound: 503 at once; within it: cut off in time
    # the flood held connections, but never more than 40 from each address (+1: the /metrics request itself)
    assert PER_ADDRESS <= max(held) <= len(ATTACKERS) * PER_ADDRESS + 1, held
    # descriptors: the admitted connections and, for a moment, a batch of refused ones (accepted, then closed)
    assert most_files - files_before < TOTAL + 128, (files_before, most_files)
    log_growth = safe.log.stat().st_size - log_before
    assert log_growth < 64 * 1024, log_growth  # thousands of refusals: a line a minute for each kind
    assert safe.healthy()


async def test_a_replayed_query_with_another_body_is_refused_and_with_the_same_body_gets_the_same_reply(services):
    plain, ts = services["plain"], now_ts()
    query = wechat.plain_query(ts, nonce="7001")  # plain mode: the signature covers the query, not the body
    report = wechat.text_xml("oZhao", "锦绣花园12栋楼道里有人给电瓶车充电 线拉得到处都是", 7001, ts)
    first = await post(plain, "/wechat/mp", query, report)
    again = await post(plain, "/wechat/mp", query, report)  # WeChat retrying
    assert first[0] == again[0] == 200 and content(first[1], False).startswith("已受理，编号")
    assert content(again[1], False) == content(first[1], False)
    forged = wechat.text_xml("oAttacker", "锦绣花园12栋有人持刀打架 快来人", 7002, ts)
    assert (await post(plain, "/wechat/mp", query, forged))[0] == 403
    assert not stored_key(plain, "mp:oAttacker:7002")


async def test_the_same_msgid_from_another_openid_gets_its_own_answer(services):
    safe, ts = services["safe"], now_ts()

    async def say(sender: str, text: str) -> str:
        query, body = wechat.mp_safe(wechat.text_xml(sender, text, 8001, ts), ts)
        status, reply = await post(safe, "/wechat/mp", query, body)
        assert status == 200
        return content(reply, True)
    first = await say("oQian", "桂花苑3栋的路灯坏了好几天了")
    other = await say("oSpy", "翠湖苑5栋楼下垃圾好几天没人收了")  # the same MsgId from another openid
    retry = await say("oQian", "桂花苑3栋的路灯坏了好几天了")  # WeChat retrying the first: deduplicated
    [number] = re.findall(r"GW-\d{8}-\d{4}", first)
    assert retry == first
    assert number not in other and "已受理" in other
