"""Which photo addresses a page may show as pictures: our own media routes, or the configured WeChat media hosts.

A photo's address comes from outside (a resident's PicUrl); shown as <img> from anywhere it would
let the sender see who opened the ticket, and when. Anything else is listed as text, never loaded.
"""
import re
from urllib.parse import urlsplit

from core.settings import Settings

OWN = re.compile(r"/(media|m/photos|r/photo)/[A-Za-z0-9_-]{1,64}")


def shown_as_picture(url: str, settings: Settings) -> bool:
    """True for /media/…, /m/photos/…, /r/photo/…, and http(s) addresses on `wechat.media_hosts`."""
    if OWN.fullmatch(url):
        return True
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return (parts.scheme in ("https", "http") and parts.username is None and port is None and "\\" not in url
            and (parts.hostname or "").lower() in settings.wechat.media_hosts)


def split_photos(photos: list[dict], settings: Settings) -> tuple[list[dict], list[str]]:
    """(the photos to show as pictures, the other addresses as text); voice recordings are not photos.

    A photo past `media.retention_days` stays in the first list with `expired` set: the page says
    照片已过保存期 in its place and loads nothing.
    """
    shown, withheld = [], []
    for photo in photos:
        url = str(photo.get("url", ""))
        if photo.get("kind") == "voice":
            continue
        if photo.get("expired") or shown_as_picture(url, settings):
            shown.append(photo)
        elif url:
            withheld.append(url[:300])
    return shown, withheld


def voices(photos: list[dict]) -> list[dict]:
    """The voice recordings kept in our store (one not downloaded yet has no address and is not listed).

    One past `media.retention_days` is listed with `expired` set: the page says 语音已过保存期 and links nothing.
    """
    return [p for p in photos if p.get("kind") == "voice" and OWN.fullmatch(str(p.get("url", "")))]
