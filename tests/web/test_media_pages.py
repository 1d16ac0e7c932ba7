"""Kept media on the pages: /media/{key} behind a login, and photos past their retention said to be so."""
from datetime import timedelta

import pytest
from sqlmodel import select

from media.keep import keep_media
from media.retention import Retention
from models import MediaFile, Photo, Ticket
from models.store import session
from tests.helpers import make_services, with_demo
from tests.web.conftest import hazard, login
from web import console, mobile
from web.app import build_app

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
AMR = b"#!AMR\n" + bytes(range(32)) * 20


@pytest.fixture
def live(settings, engine, clock, world):
    """The console and /m outside demo mode: nobody sees a photo without logging in."""
    services = make_services(with_demo(settings, enabled=False), engine, clock)
    services.dispatcher = world.dispatcher
    return services


@pytest.fixture
async def live_client(aiohttp_client, live):
    return await aiohttp_client(build_app(live, [console.setup, mobile.setup]))


def worker_photo(live, world, data=PNG) -> tuple[int, str]:
    """王阿姨's report, and a photo 李明 took on the spot attached to it."""
    receipt = hazard(world)
    world.dispatcher.act("wg_li", "accept", receipt.ticket_id)
    url = keep_media(live.media, data, "image/png", "photo", "wg_li", source="work")
    assert world.dispatcher.attach_photo("wg_li", url, receipt.ticket_id).ok
    return receipt.ticket_id, url


async def test_a_photo_is_served_only_after_login_with_its_own_type(live_client, live, world):
    ticket_id, url = worker_photo(live, world)
    assert (await live_client.get(url, allow_redirects=False)).status == 401
    await login(live_client, "sz_chen")
    served = await live_client.get(url)
    assert served.status == 200 and await served.read() == PNG and served.content_type == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Cache-Control"].startswith("private")
    page = await (await live_client.get(f"/console/tickets/{ticket_id}")).text()
    assert f'<img src="{url}"' in page  # web/media.py takes /media/ as our own address


@pytest.mark.parametrize("path", ["/media/" + "A" * 32, "/media/..%2F..%2Fetc%2Fpasswd", "/media/short",
                                  "/media/" + "a" * 30 + ".png", "/media/%00" + "a" * 20])
async def test_unknown_and_crafted_keys_are_not_found(live_client, path):
    await login(live_client, "sz_chen")
    assert (await live_client.get(path)).status == 404


async def test_a_photo_past_retention_loses_its_bytes_and_the_ticket_says_so(live_client, live, world, engine, clock):
    ticket_id, url = worker_photo(live, world)
    sweep = Retention(live.media)
    clock.advance(timedelta(days=364))
    assert sweep.step(clock.now()) == 0  # within the year: kept
    clock.advance(timedelta(days=2))
    assert sweep.step(clock.now()) == 1
    assert sweep.step(clock.now()) == 0  # done once
    key = url.removeprefix("/media/")
    assert live.media.store.get(key) is None
    with session(engine) as db:
        row, ticket = db.get(MediaFile, key), db.get(Ticket, ticket_id)
    assert row.expired_at is not None and row.size == len(PNG)  # the record stays: who sent what, when
    assert ticket.photos[0]["url"] == url and ticket.photos[0]["expired"] == clock.now().isoformat()
    await login(live_client, "sz_chen")
    page = await (await live_client.get(f"/console/tickets/{ticket_id}")).text()
    assert "照片已过保存期" in page and f'src="{url}"' not in page
    assert (await live_client.get(url)).status == 404


async def test_retention_zero_keeps_everything(live, world, clock):
    _, url = worker_photo(live, world)
    forever = type(live.media)(live.media.engine, live.media.store,
                               live.media.settings.model_copy(update={"retention_days": 0}), clock)
    clock.advance(timedelta(days=3650))
    assert Retention(forever).step(clock.now()) == 0
    assert live.media.store.get(url.removeprefix("/media/")) == (PNG, "image/png")


def test_a_photo_kept_before_the_media_store_expires_from_its_old_table(live, world, engine, clock):
    receipt = hazard(world)
    photo_id = "ab" * 16
    with session(engine) as db:  # as /m kept it before, and as 0008_media described it
        db.add(Photo(id=photo_id, content_type="image/png", size=len(PNG), data=PNG, uploaded_by="wg_li",
                     ticket_id=receipt.ticket_id, created_at=clock.now()))
        db.add(MediaFile(key=photo_id, url=f"/m/photos/{photo_id}", kind="photo", content_type="image/png",
                         size=len(PNG), source="legacy_m", sender="wg_li", ticket_id=receipt.ticket_id,
                         created_at=clock.now()))
        ticket = db.get(Ticket, receipt.ticket_id)
        ticket.photos = [{"url": f"/m/photos/{photo_id}", "by": "wg_li", "at": clock.now().isoformat()}]
        db.add(ticket)
        db.commit()
    clock.advance(timedelta(days=366))
    assert Retention(live.media).step(clock.now()) == 1
    with session(engine) as db:
        assert db.exec(select(Photo)).all() == []
        assert db.get(Ticket, receipt.ticket_id).photos[0]["expired"]



async def test_a_voice_kept_after_download_expires_and_the_ticket_says_so(live_client, live, world, engine, clock):
    # the media step's path: the voice joins the ticket only when our copy is kept (dispatch/photos.keep)
    receipt = hazard(world)
    world.dispatcher.act("wg_li", "accept", receipt.ticket_id)
    url = keep_media(live.media, AMR, "audio/amr", "voice", "wg_li", receipt.ticket_id, source="work")
    world.dispatcher.keep_media(receipt.ticket_id, "ref-1", url, "wg_li", True)
    await login(live_client, "sz_chen")
    page = await (await live_client.get(f"/console/tickets/{receipt.ticket_id}")).text()
    assert f'<audio controls preload="none" src="{url}">' in page and "语音已过保存期" not in page
    clock.advance(timedelta(days=366))
    assert Retention(live.media).step(clock.now()) == 1
    with session(engine) as db:
        entry = db.get(Ticket, receipt.ticket_id).photos[0]
    assert entry["kind"] == "voice" and entry["expired"] == clock.now().isoformat()
    await login(live_client, "sz_chen")  # a year on: a new session
    page = await (await live_client.get(f"/console/tickets/{receipt.ticket_id}")).text()
    assert "语音已过保存期" in page and f'src="{url}"' not in page and f'href="{url}"' not in page


def test_a_voice_kept_later_is_linked_to_its_ticket_for_the_retention_sweep(live, world, engine):
    receipt = hazard(world)
    url = keep_media(live.media, AMR, "audio/amr", "voice", "resident:1", source="oa")  # no ticket known yet
    world.dispatcher.keep_media(receipt.ticket_id, "ref-2", url, "resident:1", True)
    with session(engine) as db:
        assert db.get(MediaFile, url.removeprefix("/media/")).ticket_id == receipt.ticket_id
