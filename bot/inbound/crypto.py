"""Signatures and AES for each WeChat product, through wechatpy's implementation."""
from dataclasses import dataclass
from functools import cached_property

from wechatpy.crypto import WeChatCrypto as MpCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WorkCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature

from bot.inbound.guard import Rejected, SignedQuery


@dataclass
class ChannelKeys:
    """A callback's token, optional AES key and the id the ciphertext is bound to."""

    token: str
    aes_key: str
    receive_id: str  # AppID (OA) or CorpID (WeCom)
    work: bool

    @cached_property
    def crypto(self):
        """wechatpy's crypto for this channel, or None in plain mode (made once: each callback uses it twice)."""
        if not self.aes_key:
            return None
        return (WorkCrypto if self.work else MpCrypto)(self.token, self.aes_key, self.receive_id)

    def verify_plain(self, q: SignedQuery) -> None:
        """sha1 of sorted (token, timestamp, nonce) must equal the query's signature (403)."""
        try:
            check_signature(self.token, q.signature, q.timestamp, q.nonce)
        except InvalidSignatureException:
            raise Rejected(403, "bad signature") from None

    def decrypt(self, body: dict, q: SignedQuery) -> str:
        """The plaintext XML of an encrypted body (403 on a bad signature, 400 on bad ciphertext)."""
        crypto = self.crypto
        if crypto is None or "Encrypt" not in body:
            raise Rejected(400, "encrypted message without a key or an Encrypt field")
        try:
            return crypto.decrypt_message(body, q.signature, q.timestamp, q.nonce)
        except InvalidSignatureException:
            raise Rejected(403, "bad msg_signature") from None
        except Exception as exc:  # padding, base64, wrong receive id
            raise Rejected(400, f"cannot decrypt: {exc.__class__.__name__}") from None

    def echo(self, q: SignedQuery, echostr: str) -> str:
        """WeCom URL verification: check and decrypt the echo string."""
        try:
            return self.crypto.check_signature(q.signature, q.timestamp, q.nonce, echostr or "")
        except InvalidSignatureException:
            raise Rejected(403, "bad msg_signature") from None
        except Exception as exc:
            raise Rejected(400, f"cannot decrypt echostr: {exc.__class__.__name__}") from None

    def encrypt(self, reply_xml: str, nonce: str, timestamp: str) -> str:
        """Wrap a passive reply for safe mode."""
        return self.crypto.encrypt_message(reply_xml, nonce, timestamp)
