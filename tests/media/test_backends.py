"""Each backend keeps the MediaStore contract: bytes and type back as put, replace whole, delete, refuse odd keys."""
import os

import pytest

from media.folder import FolderStore
from media.store import BadKey, new_key

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40


def test_it_gives_back_what_was_put_and_nothing_for_an_unknown_key(store):
    key = new_key()
    assert store.get(key) is None
    store.put(key, JPEG, "image/jpeg")
    assert store.get(key) == (JPEG, "image/jpeg")
    store.put(key, b"#!AMR\n" + b"\x00" * 10, "audio/amr")  # a second put replaces the first, type and all
    assert store.get(key) == (b"#!AMR\n" + b"\x00" * 10, "audio/amr")


def test_it_deletes_and_a_second_delete_is_no_error(store):
    key = new_key()
    store.put(key, JPEG, "image/jpeg")
    store.delete(key)
    store.delete(key)
    assert store.get(key) is None


def test_it_keeps_empty_and_binary_bodies_exactly(store):
    key = new_key()
    store.put(key, b"\n\x00\r\n", "audio/wav")  # newlines in the body do not confuse the folder's type line
    assert store.get(key) == (b"\n\x00\r\n", "audio/wav")


@pytest.mark.parametrize("key", ["../../etc/passwd", "a/b" * 8, "/etc/passwd", "..", "", "x" * 65, "short",
                                 "abcdefghijklmnop\x00", "abcdefghijklmnop.jpg", "%2e%2e%2fabcdefghijkl",
                                 "abcdefghijklmnop\\x"])
def test_it_refuses_keys_that_are_not_ours_before_touching_anything(store, key):
    for call in (lambda: store.get(key), lambda: store.delete(key), lambda: store.put(key, JPEG, "image/jpeg")):
        with pytest.raises(BadKey):
            call()


def test_the_folder_writes_through_a_temporary_file_and_leaves_none_behind(tmp_path):
    store, key = FolderStore(tmp_path), new_key()
    store.put(key, JPEG, "image/jpeg")
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert [p.name for p in files] == [key] and files[0].parent.parent == tmp_path  # root/<2 chars>/<key>


def test_a_failed_folder_write_keeps_the_old_blob_whole(tmp_path, monkeypatch):
    store, key = FolderStore(tmp_path), new_key()
    store.put(key, JPEG, "image/jpeg")

    def disk_full(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        store.put(key, b"\x89PNG\r\n\x1a\n", "image/png")
    assert store.get(key) == (JPEG, "image/jpeg")
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [key]  # the temporary file is gone too


def test_the_folder_refuses_a_content_type_that_would_break_its_type_line(tmp_path):
    with pytest.raises(ValueError):
        FolderStore(tmp_path).put(new_key(), JPEG, "image/jpeg\nX")


def test_s3_refuses_wrong_credentials(seaweed, s3_store):
    from minio.error import S3Error

    from media.s3 import S3Store
    key = new_key()
    s3_store.put(key, JPEG, "image/jpeg")
    forged = S3Store(seaweed.model_copy(update={"secret_key": "not-the-secret"}))
    with pytest.raises(S3Error) as refused:
        forged.get(key)
    assert refused.value.code in ("SignatureDoesNotMatch", "AccessDenied", "InvalidAccessKeyId")
    assert s3_store.get(key) == (JPEG, "image/jpeg")


def test_s3_makes_its_bucket_once(seaweed):
    from media.s3 import S3Store
    store = S3Store(seaweed.model_copy(update={"bucket": "gw-fresh"}))
    store.ensure_bucket()
    store.ensure_bucket()  # already there: nothing to do
    key = new_key()
    store.put(key, JPEG, "image/jpeg")
    assert store.get(key) == (JPEG, "image/jpeg")
