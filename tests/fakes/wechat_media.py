"""The fake WeChat's media: media/get for the WeCom app, the Official Account and 微信客服 (one path on each
product's own host, one fake here), and the intelligent robot's image files, encrypted with the robot's key.

Every download is recorded, so a test asserts on what was fetched and how often; `expire(media_id)` makes
WeChat forget a file, as it does after 3 days.
"""
import base64
from dataclasses import dataclass, field

from aiohttp import web
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

ROBOT_FILES = "/robot-files/"  # where the fake keeps the robot's encrypted images (COS in WeCom's sample)


@dataclass
class FakeMedia:
    """Files by MediaId and robot files by name; the downloads asked for, in order."""

    media: dict[str, bytes] = field(default_factory=dict)  # MediaId → bytes (served with the type they are)
    robot_files: dict[str, bytes] = field(default_factory=dict)  # name → ciphertext
    downloads: list[str] = field(default_factory=list)  # MediaIds and robot file names, as requested
    media_errors: list[int] = field(default_factory=list)  # errcodes the next media/get calls answer

    def expire(self, media_id: str) -> None:
        """WeChat no longer has the file (its 3 days are over): media/get answers 40007."""
        self.media.pop(media_id, None)

    def robot_image(self, name: str, image: bytes, encoding_aes_key: str) -> str:
        """Keep `image` encrypted as WeCom does for a robot (AES-256-CBC, IV = key[:16], PKCS#7 to 32 bytes);
        its path on the fake, to put in a robot message's image.url."""
        key = base64.b64decode(encoding_aes_key + "=" * (-len(encoding_aes_key) % 4))
        pad = 32 - len(image) % 32
        encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
        self.robot_files[name] = encryptor.update(image + bytes([pad]) * pad) + encryptor.finalize()
        return ROBOT_FILES + name

    def add_media_routes(self, app: web.Application) -> None:
        app.router.add_get("/cgi-bin/media/get", self._media_get)
        app.router.add_get(ROBOT_FILES + "{name}", self._robot_file)

    async def _media_get(self, request: web.Request) -> web.Response:
        media_id = request.query.get("media_id", "")
        self.downloads.append(media_id)
        if request.query.get("access_token") not in self.valid_tokens:  # type: ignore[attr-defined]
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        if self.media_errors:
            return web.json_response({"errcode": self.media_errors.pop(0), "errmsg": "injected"})
        data = self.media.get(media_id)
        if data is None:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        kind = "audio/amr" if data.startswith(b"#!AMR") else "image/jpeg"
        return web.Response(body=data, content_type=kind,
                            headers={"Content-disposition": f'attachment; filename="{media_id}"'})

    async def _robot_file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.downloads.append(name)
        data = self.robot_files.get(name)
        if data is None:  # the signed URL has run out (WeCom's last a few minutes)
            return web.Response(status=403, text="<Error><Code>AccessDenied</Code></Error>")
        return web.Response(body=data, content_type="application/octet-stream")
