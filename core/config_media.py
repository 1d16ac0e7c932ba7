"""The `media` keys of config.yaml: where photos and voice are kept, how big they may be, and for how long."""
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from core.config import Strict
from core.config_privacy import _beside_config

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "image/heic")
# OA and WeCom voice messages are AMR (OA's high-quality ones Speex); 微信客服 and some clients give SILK v3;
# mp3/wav/ogg come from uploads and other channels.
VOICE_TYPES = ("audio/amr", "audio/speex", "audio/silk", "audio/mpeg", "audio/wav", "audio/ogg")


class S3Settings(Strict):
    """An S3-compatible object store (MinIO, SeaweedFS, a cloud's): for several instances sharing the media.

    The keys may come from GRIDWHISTLE_S3_ACCESS_KEY and GRIDWHISTLE_S3_SECRET_KEY instead of the file.
    """

    endpoint: str = ""  # http(s)://host[:port], no path
    bucket: str = ""
    region: str = "us-east-1"
    access_key: str = ""
    secret_key: str = ""

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, url: str) -> str:
        url = url.strip().rstrip("/")
        if url and (not url.startswith(("https://", "http://")) or "/" in url.split("://", 1)[1]):
            raise ValueError(f"must be http(s)://host[:port] without a path, got {url!r}")
        return url


class MediaSettings(Strict):
    """Photos and voice that arrive (WeChat's media addresses expire after 3 days) are kept here."""

    backend: Literal["folder", "s3"] = "folder"
    folder: Annotated[Path, BeforeValidator(_beside_config)] = Field(Path("data/media"), validate_default=True)
    s3: S3Settings = S3Settings()
    max_photo_bytes: int = Field(10 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    max_voice_bytes: int = Field(2 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)  # WeChat's voice: 60 s, ≤ 2 MB
    photo_types: list[str] = list(PHOTO_TYPES)
    voice_types: list[str] = list(VOICE_TYPES)
    # Days a photo or voice is kept after it arrived; 0 keeps them for ever. Past it the bytes are deleted
    # and the ticket says 照片已过保存期 (the ledger keeps the row: who sent what, when).
    retention_days: int = Field(365, ge=0, le=36500)

    @field_validator("photo_types")
    @classmethod
    def _photo_types(cls, types: list[str]) -> list[str]:
        return _known(types, PHOTO_TYPES)

    @field_validator("voice_types")
    @classmethod
    def _voice_types(cls, types: list[str]) -> list[str]:
        return _known(types, VOICE_TYPES)

    @model_validator(mode="after")
    def _s3_complete(self) -> "MediaSettings":
        missing = [k for k in ("endpoint", "bucket", "access_key", "secret_key") if not getattr(self.s3, k)]
        if self.backend == "s3" and missing:
            raise ValueError(f"backend s3 needs s3.{', s3.'.join(missing)}")
        return self

    def max_bytes(self, kind: str) -> int:
        """The size limit of a photo or a voice message."""
        return self.max_photo_bytes if kind == "photo" else self.max_voice_bytes

    def types(self, kind: str) -> list[str]:
        """The content types kept for a kind."""
        return self.photo_types if kind == "photo" else self.voice_types


def _known(types: list[str], known: tuple[str, ...]) -> list[str]:
    unknown = [t for t in types if t not in known]
    if unknown:
        raise ValueError(f"unknown {unknown}; choose from {', '.join(known)}")
    return types
