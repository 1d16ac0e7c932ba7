"""The `media` keys: defaults, and every bad value named by its key path."""
from pathlib import Path

import pytest
import yaml

from core.config_load import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent.parent


def load_with(tmp_path, media: dict, env=None):
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["media"] = media
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    (tmp_path / "grids.geojson").write_bytes((ROOT / "grids.geojson").read_bytes())  # read beside the config
    return load_settings(path, env=env or {})


def test_the_defaults_keep_a_year_in_a_folder_beside_the_config(tmp_path):
    media = load_with(tmp_path, {}).media
    assert (media.backend, media.folder, media.retention_days) == ("folder", tmp_path / "data" / "media", 365)
    assert media.max_photo_bytes == 10 * 1024 * 1024 and "audio/amr" in media.voice_types


@pytest.mark.parametrize("media, says", [
    ({"backend": "s3", "s3": {"endpoint": "https://s3.example.com"}}, "backend s3 needs s3.bucket, s3.access_key"),
    ({"s3": {"endpoint": "s3.example.com"}}, "media.s3.endpoint: must be http(s)://host[:port]"),
    ({"retention_days": -1}, "media.retention_days"),
    ({"max_photo_bytes": 10}, "media.max_photo_bytes"),
    ({"photo_types": ["image/svg+xml"]}, "media.photo_types: unknown ['image/svg+xml']"),
    ({"backend": "ftp"}, "media.backend"),
    ({"folder": ""}, "media.folder"),
    ({"bucket": "x"}, "media.bucket: unknown key"),
])
def test_bad_values_are_named_by_their_key(tmp_path, media, says):
    with pytest.raises(ConfigError) as error:
        load_with(tmp_path, media)
    assert any(says in problem for problem in error.value.problems), error.value.problems


def test_the_s3_keys_may_come_from_the_environment(tmp_path):
    s3 = {"endpoint": "http://127.0.0.1:8333", "bucket": "gw"}
    env = {"GRIDWHISTLE_S3_ACCESS_KEY": "ak", "GRIDWHISTLE_S3_SECRET_KEY": "sk"}
    media = load_with(tmp_path, {"backend": "s3", "s3": s3}, env).media
    assert (media.s3.access_key, media.s3.secret_key) == ("ak", "sk")
