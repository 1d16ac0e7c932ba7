"""Media tests: both backends behind one fixture, the real SeaweedFS for S3."""
import pytest

from media.build import build_media
from media.folder import FolderStore
from media.s3 import S3Store
from tests.media.seaweed import start_weed, stop_weed


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory):
    """S3 settings of a SeaweedFS running for the whole session."""
    process, s3 = start_weed(tmp_path_factory.mktemp("seaweed"))
    try:
        yield s3
    finally:
        stop_weed(process)


@pytest.fixture
def s3_store(seaweed):
    store = S3Store(seaweed)
    store.ensure_bucket()
    return store


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path):
    """Each backend in turn: a folder in tmp_path, then the SeaweedFS bucket."""
    if request.param == "folder":
        return FolderStore(tmp_path / "media")
    return request.getfixturevalue("s3_store")


@pytest.fixture
def media(settings, engine, clock, tmp_path):
    """Keeping media on the test database, with a folder in tmp_path."""
    return build_media(settings.media, engine, clock, FolderStore(tmp_path / "media"))
