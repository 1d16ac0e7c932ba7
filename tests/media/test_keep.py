"""keep_media: what may be kept (kind, type by the bytes, size), the row beside the blob, and nothing kept on refusal."""
import pytest
from sqlmodel import select

from media.keep import MediaRefused, forget_media, keep_media
from models import MediaFile, Ticket
from models.media import link_ticket
from models.store import session

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
AMR = b"#!AMR\n" + b"\x3c" * 100
SILK = b"\x02#!SILK_V3" + b"\x00" * 100
SPEEX = b"OggS" + b"\x00" * 24 + b"Speex   1.2" + b"\x00" * 60


def rows(engine):
    with session(engine) as db:
        return db.exec(select(MediaFile)).all()


def blobs(media):
    return [p for p in media.store.root.rglob("*") if p.is_file()]


def test_it_keeps_a_photo_with_its_row_and_gives_its_address(media, engine, clock):
    url = keep_media(media, PNG, "application/octet-stream", "photo", "wg_li", source="work")
    [row] = rows(engine)
    assert url == f"/media/{row.key}" and row.url == url and len(row.key) == 32
    assert (row.kind, row.content_type, row.size, row.sender, row.source) == ("photo", "image/png", len(PNG),
                                                                               "wg_li", "work")
    assert row.created_at is not None and row.expired_at is None
    assert media.store.get(row.key) == (PNG, "image/png")  # the type read from the bytes, not the sender's word


@pytest.mark.parametrize("data, kept_as", [(AMR, "audio/amr"), (SILK, "audio/silk"), (SPEEX, "audio/speex"),
                                           (b"ID3\x04" + b"\x00" * 50, "audio/mpeg"),
                                           (b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\x00" * 20, "audio/wav")])
def test_it_keeps_the_voice_formats_wechat_sends(media, engine, data, kept_as):
    url = keep_media(media, data, "audio/amr", "voice", "resident:7", ticket_id=None, source="oa")
    assert media.store.get(url.removeprefix("/media/")) == (data, kept_as)


@pytest.mark.parametrize("data, kind, says", [
    (b"<svg onload=alert(1)>", "photo", "这不是能保存的照片"),
    (AMR, "photo", "这不是能保存的照片"),  # a voice message is not a photo
    (JPEG, "voice", "这不是能保存的语音"),
    (b"", "photo", "照片是空的"),
    (JPEG, "video", "不支持的文件种类"),
])
def test_it_refuses_what_it_does_not_keep_and_keeps_nothing(media, engine, data, kind, says):
    with pytest.raises(MediaRefused, match=says):
        keep_media(media, data, "image/jpeg", kind, "wg_li")
    assert rows(engine) == [] and blobs(media) == []


def test_it_refuses_past_the_size_limit_of_the_kind(media, engine):
    limits = media.settings.model_copy(update={"max_photo_bytes": 1024, "max_voice_bytes": 2048})
    small = type(media)(media.engine, media.store, limits, media.clock)
    with pytest.raises(MediaRefused, match=r"照片太大.*最大 0 MB|照片太大"):
        keep_media(small, JPEG + b"\x00" * 1024, "image/jpeg", "photo", "wg_li")
    assert keep_media(small, AMR + b"\x00" * 1500, "audio/amr", "voice", "wg_li").startswith("/media/")
    assert [r.kind for r in rows(engine)] == ["voice"] and len(blobs(media)) == 1


def test_a_type_the_config_leaves_out_is_refused(media, engine):
    only_jpeg = type(media)(media.engine, media.store, media.settings.model_copy(update={"photo_types": ["image/jpeg"]}),
                            media.clock)
    with pytest.raises(MediaRefused, match="支持 jpeg"):
        keep_media(only_jpeg, PNG, "image/png", "photo", "wg_li")
    assert rows(engine) == []


def test_a_failed_row_takes_its_blob_back(media, engine, monkeypatch):
    from media import keep
    monkeypatch.setattr(keep, "MediaFile", None)  # the row cannot even be built: the database step fails
    with pytest.raises(TypeError):
        keep_media(media, JPEG, "image/jpeg", "photo", "wg_li")
    assert blobs(media) == []


def test_forgetting_removes_row_and_blob_and_ignores_other_addresses(media, engine):
    url = keep_media(media, JPEG, "image/jpeg", "photo", "wg_li")
    forget_media(media, [url, "https://mmbiz.qpic.cn/x", "/m/photos/" + "a" * 32])
    assert rows(engine) == [] and blobs(media) == []


def test_attaching_notes_the_ticket_once(media, engine, clock):
    url = keep_media(media, JPEG, "image/jpeg", "photo", "wg_li")
    with session(engine) as db:
        ticket = Ticket(number="GW-20261124-0001", status="dispatched", text="x", triage={}, policy={},
                        photos=[{"url": url}], created_at=clock.now())
        db.add(ticket)
        db.flush()
        link_ticket(db, url, ticket.id)
        link_ticket(db, url, ticket.id + 1)  # a later ticket (a merge) does not take it over
        link_ticket(db, "https://mmbiz.qpic.cn/x", ticket.id)
        db.commit()
    [row] = rows(engine)
    assert row.ticket_id == ticket.id


def test_the_s3_store_keeps_and_expires_the_same_way(settings, engine, clock, s3_store):
    from datetime import timedelta

    from media.build import build_media
    from media.retention import Retention
    media = build_media(settings.media, engine, clock, s3_store)
    key = keep_media(media, AMR, "audio/amr", "voice", "resident:3", source="oa").removeprefix("/media/")
    assert s3_store.get(key) == (AMR, "audio/amr")
    clock.advance(timedelta(days=settings.media.retention_days + 1))
    assert Retention(media).step(clock.now()) == 1
    assert s3_store.get(key) is None and rows(engine)[0].expired_at is not None
