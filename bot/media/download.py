"""Download what a resident or worker sent: media/get (WeCom app, Official Account, 微信客服) and the
intelligent robot's encrypted image; each checked to be the image or voice it should be, within size limits.

WeChat keeps media for 3 days (a robot's image URL for minutes): what is not fetched soon is gone.
"""
import asyncio
import base64
import binascii
import json

import aiohttp
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from yarl import URL

from bot.outbound.wechat_api import NO_ANSWER, ApiError, Endpoint, raise_for_errcode
from media.types import kind_of, sniff

# WeCom's upload limits (image 10 MB, voice 2 MB AMR); the Official Account's are lower. Anything larger is
# not what WeChat would deliver: refused unread beyond the limit.
MAX_BYTES = {"image": 10 * 1024 * 1024, "voice": 2 * 1024 * 1024}
NOT_MEDIA = -3  # the bytes are not the image or voice they should be (or too large): permanent
BAD_CIPHER = -4  # the robot's file does not decrypt with the callback key: permanent
NOT_CONFIGURED = -5  # no secret for the product's access_token: nothing to download with
NOT_ALLOWED = -6  # a robot image URL on a host not in wechat.robot.media_hosts: not fetched
MEDIA_PATH = "/cgi-bin/media/get"  # the same path on qyapi (WeCom) and api.weixin (Official Account)


async def media_get(transports, endpoint: Endpoint, media_id: str, kind: str) -> tuple[bytes, str]:
    """The bytes behind a MediaId and their real type, with the endpoint's shared token (refreshed once
    if WeChat refuses it); ApiError with WeChat's errcode otherwise (40007: no such media, or expired)."""
    url = endpoint.base_url.rstrip("/") + MEDIA_PATH

    async def attempt(token: str) -> tuple[bytes, str]:
        params = {"access_token": token, "media_id": media_id}
        return checked(await _download(transports.http, url, kind, transports.timeout, params=params), kind)
    return await transports.token_retry(endpoint, attempt)


async def robot_image(http: aiohttp.ClientSession, url: str, encoding_aes_key: str, timeout: aiohttp.ClientTimeout,
                      hosts: list[str]) -> tuple[bytes, str]:
    """The image behind a robot message's URL, decrypted with the robot callback's EncodingAESKey; fetched
    only from `hosts` (wechat.robot.media_hosts): the URL comes in a message, and a signed message is not
    proof that its URL points at WeCom's file store rather than at something only this server can reach."""
    address = robot_address(url, hosts)
    return checked(decrypt(await _download(http, address, "image", timeout, slack=32), encoding_aes_key), "image")


def robot_address(url: str, hosts: list[str]) -> URL:
    """The URL, parsed as aiohttp will fetch it, if it is http(s) on one of `hosts` (host, or host:port for a
    port other than the scheme's) without a user part; ApiError (permanent) otherwise."""
    try:
        address = URL(url)
    except ValueError:
        address = URL()
    if address.scheme not in ("https", "http") or not address.raw_host or address.raw_user is not None:
        raise ApiError(NOT_MEDIA, "not a web address", transient=False)
    where = address.raw_host if address.is_default_port() else f"{address.raw_host}:{address.port}"
    if where not in hosts:
        raise ApiError(NOT_ALLOWED, f"地址的主机 {where[:80]} 不在 wechat.robot.media_hosts 中，未下载",
                       transient=False)
    return address


def decrypt(data: bytes, encoding_aes_key: str) -> bytes:
    """AES-256-CBC with the callback's key, IV its first 16 bytes, PKCS#7 padding to a multiple of 32 bytes.

    As WeCom's intelligent-robot documents say (接收消息, 图片: "url 已加密, 加密方式参考回调和回复的加解密
    方案", developer.work.weixin.qq.com/document/path/100719 and /101033, and WeCom's Python demo for robots
    at /101039): the key of the callback messages, AESKey = Base64_Decode(EncodingAESKey + "="), CBC mode,
    IV = AESKey[:16], PKCS#7 to 32 bytes; unlike a message the file has no random prefix nor length field.
    Open-source robot adapters decrypt the same way (e.g. the OpenClaw WeCom plugins' decryptWecomMedia). In
    long-connection mode each image brings its own `aeskey` (document 101463, 多媒体资源解密; WeCom's
    aibot SDKs decrypt it the same way), used instead of the callback's.
    """
    try:
        key = base64.b64decode(encoding_aes_key + "=" * (-len(encoding_aes_key) % 4))  # 43 characters, or padded
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32 or not data or len(data) % 16:
        raise ApiError(BAD_CIPHER, "robot image: no key or not AES blocks", transient=False)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= 32 or plain[-pad:] != bytes([pad]) * pad:
        raise ApiError(BAD_CIPHER, "robot image: bad padding (another key?)", transient=False)
    return plain[:-pad]


def checked(data: bytes, kind: str) -> tuple[bytes, str]:
    """(data, its MIME type) if it is an image (kind "image", as WeChat names it) or a voice recording ("voice")
    within the limit, by its first bytes (the media store's `sniff`); WeChat's JSON error answer becomes
    ApiError with its errcode."""
    if data[:1] == b"{":
        try:
            raise_for_errcode(json.loads(data), errmsg_limit=200)
        except (ValueError, TypeError, AttributeError):
            pass  # not WeChat's JSON answer: judged by its bytes below
    found = sniff(data) if len(data) <= MAX_BYTES[kind] else None
    if found is None or kind_of(found) != ("photo" if kind == "image" else "voice"):
        raise ApiError(NOT_MEDIA, f"not an {kind} we keep ({len(data)} bytes)", transient=False)
    return data, found


async def _download(http: aiohttp.ClientSession, url: str | URL, kind: str, timeout: aiohttp.ClientTimeout,
                    params: dict | None = None, slack: int = 0) -> bytes:
    """The body, read no further than the limit (one byte more tells it was over)."""
    try:
        async with http.get(url, params=params, timeout=timeout, allow_redirects=False) as response:
            if response.status >= 400:
                raise ApiError(response.status, "media download refused", transient=response.status >= 500)
            data = bytearray()
            async for chunk in response.content.iter_chunked(64 * 1024):  # read(n) may stop at one chunk
                data += chunk
                if len(data) > MAX_BYTES[kind] + slack:
                    break
            return bytes(data)
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        raise ApiError(NO_ANSWER, f"{exc.__class__.__name__}: {exc}", transient=True) from None
