"""The composition root's one call for media: the configured backend, wrapped with what keeping needs."""
from typing import Any

from core.clock import Clock
from core.config_media import MediaSettings
from media.folder import FolderStore
from media.keep import Media
from media.s3 import S3Store
from media.store import MediaStore


def build_store(settings: MediaSettings) -> MediaStore:
    """A FolderStore on `media.folder`, or an S3Store on `media.s3` (its bucket is created when missing)."""
    if settings.backend == "s3":
        store = S3Store(settings.s3)
        store.ensure_bucket()
        return store
    return FolderStore(settings.folder)


def build_media(settings: MediaSettings, engine: Any, clock: Clock, store: MediaStore | None = None) -> Media:
    """Everything `keep_media` and the media route need."""
    return Media(engine=engine, store=store or build_store(settings), settings=settings, clock=clock)
