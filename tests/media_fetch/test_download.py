"""What counts as a downloaded image or voice, and the robot's file decryption, without a network."""
import json

import pytest

from bot.media.download import BAD_CIPHER, MAX_BYTES, NOT_ALLOWED, NOT_MEDIA, checked, decrypt, robot_address
from bot.outbound.wechat_api import ApiError
from core.config_wechat import RobotConfig
from tests.bot import wechat
from tests.bot.published import sample
from tests.fakes.wechat_media import FakeMedia
from tests.media_fetch.conftest import AMR, JPEG


def test_it_decrypts_a_robot_file_as_wecom_encrypts_it():
    fake = FakeMedia()
    fake.robot_image("x", JPEG, wechat.MP_AES)
    assert decrypt(fake.robot_files["x"], wechat.MP_AES) == JPEG


def test_it_refuses_a_robot_file_under_another_key_or_cut_short():
    fake = FakeMedia()
    fake.robot_image("x", JPEG, wechat.MP_AES)
    for data, key in ((fake.robot_files["x"], wechat.WORK_AES), (fake.robot_files["x"][:-5], wechat.MP_AES),
                      (b"", wechat.MP_AES), (fake.robot_files["x"], "")):
        with pytest.raises(ApiError) as refused:
            checked(decrypt(data, key), "image")
        assert refused.value.errcode in (BAD_CIPHER, NOT_MEDIA) and not refused.value.transient


def test_it_takes_only_what_the_kind_says_within_its_limit():
    assert checked(JPEG, "image") == (JPEG, "image/jpeg")
    assert checked(AMR, "voice") == (AMR, "audio/amr")
    assert checked(b"\x02#!SILK_V3" + bytes(20), "voice")[1] == "audio/silk"
    for data, kind in ((AMR, "image"), (JPEG, "voice"), (b"<html>", "image"),
                       (JPEG + bytes(MAX_BYTES["image"]), "image")):
        with pytest.raises(ApiError) as refused:
            checked(data, kind)
        assert refused.value.errcode == NOT_MEDIA and not refused.value.transient


@pytest.mark.parametrize(("errcode", "transient"), [(40007, False), (42001, True), (-1, True), (45009, True)])
def test_wechats_json_answer_is_its_errcode(errcode, transient):
    with pytest.raises(ApiError) as refused:
        checked(json.dumps({"errcode": errcode, "errmsg": "x"}).encode(), "image")
    assert (refused.value.errcode, refused.value.transient) == (errcode, transient)


def test_the_robot_images_of_wecoms_samples_are_on_the_default_hosts():
    hosts = RobotConfig().media_hosts
    image = json.loads(sample("robot_image.jsonc"))["image"]["url"]
    mixed = json.loads(sample("robot_mixed.jsonc"))["mixed"]["msg_item"][1]["image"]["url"]
    for url in (image, mixed, "https://WW-AIBOT-IMG-1258476243.cos.ap-guangzhou.myqcloud.com:443/x"):
        assert robot_address(url, hosts).raw_host == "ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com"


@pytest.mark.parametrize(("url", "errcode"), [
    ("https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com.evil.example/x", NOT_ALLOWED),
    ("https://evil-1258476243.cos.ap-guangzhou.myqcloud.com/x", NOT_ALLOWED),  # another tenant's bucket
    ("https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com:8443/x", NOT_ALLOWED),
    ("http://169.254.169.254/latest/meta-data/", NOT_ALLOWED),
    ("http://127.0.0.1:5432/", NOT_ALLOWED),
    ("https://x@ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/x", NOT_MEDIA),
    ("https://evil.example\\@ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/x", NOT_MEDIA),
    ("file:///etc/passwd", NOT_MEDIA), ("/media/abc", NOT_MEDIA), ("", NOT_MEDIA)])
def test_a_robot_image_elsewhere_is_refused_for_good(url, errcode):
    with pytest.raises(ApiError) as refused:
        robot_address(url, RobotConfig().media_hosts)
    assert refused.value.errcode == errcode and not refused.value.transient
