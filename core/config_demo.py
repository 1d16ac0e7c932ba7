"""The demo or a deployment, never a mix: the checks across demo, wechat and server.

The demo has no login (anyone at /demo acts as any member), so it runs only without WeChat
credentials and, unless `demo.public` says otherwise, only on loopback. Without the demo the
service is a deployment, and a deployment must reach its staff through the WeCom app.
"""
import ipaddress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.config_wechat import WechatConfig
    from core.settings import Settings

# The secrets that let the service act as a real account (GRIDWHISTLE_* variables land on these keys too).
CREDENTIALS = {
    "mp": ("app_secret", "token", "encoding_aes_key"),
    "work": ("secret", "token", "encoding_aes_key", "supervisors_webhook_key"),
    "robot": ("token", "encoding_aes_key", "secret"),
    "kf": ("secret", "token", "encoding_aes_key"),
}


def credentials_set(wechat: "WechatConfig") -> list[str]:
    """The key paths of every WeChat credential that is set."""
    return [f"wechat.{part}.{key}" for part, keys in CREDENTIALS.items() for key in keys
            if getattr(getattr(wechat, part), key)]


def is_loopback(host: str) -> bool:
    """Only this machine can reach the address ("" and 0.0.0.0 are every interface)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_problems(s: "Settings") -> list[str]:
    """What makes this config unsafe to serve: the demo beside credentials or on the network, or staff unreachable."""
    if not s.demo.enabled:
        work = s.wechat.work
        if work.corp_id and work.secret and work.agent_id:
            return []
        return ["wechat.work: with the demo off the service is a deployment, and nobody on staff can be reached "
                "without the WeCom app: set corp_id, agent_id and secret (or GRIDWHISTLE_WORK_SECRET); "
                "for a local try-out set demo.enabled: true instead"]
    problems = []
    found = credentials_set(s.wechat)
    if found:
        problems.append(f"demo.enabled: the demo has no login and must not run with WeChat credentials "
                        f"({', '.join(found)} set here or by GRIDWHISTLE_* variables); "
                        "a deployment removes the demo block")
    if not is_loopback(s.server.host) and not s.demo.public:
        problems.append(f"demo.enabled: the demo has no login and listens on loopback only, but server.host is "
                        f"{s.server.host!r}: use 127.0.0.1, or set demo.public: true to show it on the network")
    return problems
