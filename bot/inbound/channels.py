"""Which WeChat callback URLs are on. A channel without its token is off: anyone can compute a signature
over an empty token. Where WeChat always encrypts (WeCom app, 微信客服, robot) the key and the id the
ciphertext is bound to are needed too. An off channel's routes are not added, so its URL answers 404."""
import logging

from core.settings import Settings

log = logging.getLogger(__name__)
PATHS = {"mp": "/wechat/mp", "work": "/wechat/work", "robot": "/wechat/robot", "kf": "/wechat/kf"}


def off_reasons(settings: Settings) -> dict[str, str]:
    """Channel -> why its callback is off, for each channel that is."""
    w = settings.wechat
    reasons = {
        "mp": _missing({"wechat.mp.token": w.mp.token})
        or ("wechat.mp.encoding_aes_key without wechat.mp.app_id" if w.mp.encoding_aes_key and not w.mp.app_id else ""),
        "work": _missing({"wechat.work.token": w.work.token, "wechat.work.encoding_aes_key": w.work.encoding_aes_key,
                          "wechat.work.corp_id": w.work.corp_id}),
        "robot": ("wechat.robot.mode is long_connection" if w.robot.mode == "long_connection"
                  else _missing({"wechat.robot.token": w.robot.token,
                                 "wechat.robot.encoding_aes_key": w.robot.encoding_aes_key})),
        "kf": _missing({"wechat.kf.token": w.kf.token, "wechat.kf.encoding_aes_key": w.kf.encoding_aes_key,
                        "wechat.work.corp_id": w.work.corp_id}),
    }
    return {channel: reason for channel, reason in reasons.items() if reason}


def log_off(settings: Settings) -> None:
    """One line at start naming the callback URLs that answer 404, and why."""
    off = off_reasons(settings)
    if off:
        log.warning("WeChat callbacks off, their URLs answer 404",
                    extra={"off": "; ".join(f"{PATHS[c]}: {reason}" for c, reason in off.items())})


def _missing(keys: dict[str, str]) -> str:
    empty = [name for name, value in keys.items() if not value]
    return "empty " + ", ".join(empty) if empty else ""
