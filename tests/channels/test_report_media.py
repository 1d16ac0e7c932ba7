"""随手拍 photos in the media store: still at /r/photo/{key} for the reporter, nothing else there, and expiry said."""
from datetime import timedelta

from sqlmodel import select

from media.keep import keep_media
from media.retention import Retention
from models import Ticket, WebReport
from models.store import session
from tests.channels.conftest import JPEG, tickets
from tests.channels.test_report_status import reported


async def test_the_reporters_photo_is_served_without_login_but_no_other_media_is(page, page_services, engine):
    link = await reported(page, photos=[("a.jpg", JPEG, "image/jpeg")])
    with session(engine) as db:
        [report] = db.exec(select(WebReport)).all()
    [key] = report.photos
    assert page_services.media.store.get(key) == (JPEG, "image/jpeg")  # in the media store, not the table
    mine = await page.get(f"/r/photo/{key}")
    assert mine.status == 200 and await mine.read() == JPEG and mine.headers["X-Content-Type-Options"] == "nosniff"
    worker = keep_media(page_services.media, JPEG, "image/jpeg", "photo", "wg_li", source="m")
    assert (await page.get("/r/photo/" + worker.removeprefix("/media/"))).status == 404  # /m's stay behind login
    assert (await page.get("/r/photo/..%2F..%2Fetc%2Fpasswd")).status == 404
    assert "/r/photo/" in await (await page.get(link)).text()


async def test_an_expired_photo_is_counted_on_the_status_page_not_shown_broken(page, page_services, engine, clock):
    link = await reported(page, photos=[("a.jpg", JPEG, "image/jpeg")])
    [ticket] = tickets(engine)
    clock.advance(timedelta(days=page_services.media.settings.retention_days + 1))
    assert Retention(page_services.media).step(clock.now()) == 1
    html = await (await page.get(link)).text()
    assert "1 张照片已过保存期" in html and "/r/photo/" not in html
    with session(engine) as db:
        assert db.get(Ticket, ticket.id).photos[0]["expired"]
