"""The S3 backend: blobs as objects in one bucket of an S3-compatible store (MinIO, SeaweedFS, a cloud's).

For several instances: each writes and reads the same bucket, so a photo kept by one is served by all.
The client is MinIO's (`minio`): small, S3-only, maintained by MinIO (see README's dependency list).
"""
import io
from urllib.parse import urlsplit

import urllib3
from minio import Minio
from minio.error import S3Error

from core.config_media import S3Settings
from media.store import check_key

MISSING = {"NoSuchKey", "NoSuchObject"}


class S3Store:
    """put/get/delete on `bucket`; keys are checked like the folder's (the object name is the key as is)."""

    def __init__(self, settings: S3Settings, timeout_s: float = 30.0):
        parts = urlsplit(settings.endpoint)
        http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=5.0, read=timeout_s), maxsize=8,
                                   retries=urllib3.Retry(total=3, backoff_factor=0.2,
                                                         status_forcelist=[500, 502, 503, 504]))
        self.bucket = settings.bucket
        self.client = Minio(parts.netloc, access_key=settings.access_key, secret_key=settings.secret_key,
                            secure=parts.scheme == "https", region=settings.region or None, http_client=http)

    def ensure_bucket(self) -> None:
        """Create the bucket when it is not there yet (at start: a fresh store needs no manual step)."""
        if not self.client.bucket_exists(self.bucket):
            self.client.make_bucket(self.bucket)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """One PUT: S3 makes the object visible whole or not at all."""
        self.client.put_object(self.bucket, check_key(key), io.BytesIO(data), len(data), content_type=content_type)

    def get(self, key: str) -> tuple[bytes, str] | None:
        """The object's bytes and its Content-Type, or None when there is no such object."""
        try:
            response = self.client.get_object(self.bucket, check_key(key))
        except S3Error as error:
            if error.code in MISSING:
                return None
            raise
        try:
            return response.read(), response.headers.get("Content-Type", "application/octet-stream")
        finally:
            response.close()
            response.release_conn()

    def delete(self, key: str) -> None:
        """Remove the object (S3 answers success for a missing one too)."""
        self.client.remove_object(self.bucket, check_key(key))
