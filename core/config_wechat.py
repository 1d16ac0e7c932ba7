"""WeChat keys of config.yaml (credentials may come from the environment)."""
import string
from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator, model_validator

from core.config import Duration, Strict

NOTICE_FIELDS = ("number", "status", "text", "time")  # what a template field may be filled with


class NoticeTemplate(Strict):
    """A 模板消息 (`template`, message/template/send) or 订阅通知 (`subscribe`, message/subscribe/bizsend) chosen
    in the Official Account's back office, for a notice its customer-service window can no longer carry.

    `data` fills each of the template's fields with some of {number} (the ticket's), {status} (已签收, 已办结,
    待评价), {text} (the notice as written) and {time}; a value longer than its field allows (thing 20,
    character_string 32, phrase 5...) is cut.
    """

    id: str = Field(min_length=1)
    kind: Literal["template", "subscribe"] = "template"
    data: dict[str, str] = Field(min_length=1)

    @field_validator("data")
    @classmethod
    def _known_fields(cls, data: dict[str, str]) -> dict[str, str]:
        for key, value in data.items():
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
            except ValueError as exc:
                raise ValueError(f"{key}: {exc}") from None
            unknown = names - set(NOTICE_FIELDS)
            if unknown:
                raise ValueError(f"{key}: unknown {sorted(unknown)}; use {{number}}, {{status}}, {{text}} or {{time}}")
        return data


class MpConfig(Strict):
    app_id: str = ""
    app_secret: str = ""
    token: str = ""
    encoding_aes_key: str = ""
    api_base_url: str = "https://api.weixin.qq.com"
    # 签收, 办结 (and 关闭) and 回访 notices that cannot go as customer-service messages (48 h / 5 messages)
    templates: dict[Literal["accepted", "closed", "followup"], NoticeTemplate] = {}


class WorkConfig(Strict):
    corp_id: str = ""
    agent_id: int = 0
    secret: str = ""
    token: str = ""
    encoding_aes_key: str = ""
    api_base_url: str = "https://qyapi.weixin.qq.com"
    supervisors_webhook_key: str = ""


# Where WeCom keeps the files its intelligent robot receives (a Tencent COS bucket): the only host in the
# image URLs of WeCom's published samples (document 100719, 接收消息: 图片, 图文混排, 文件), and the one
# robot adapters built on real callbacks accept.
ROBOT_MEDIA_HOSTS = ["ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com"]


def bare_hosts(hosts: list[str], *, ports: bool = False) -> list[str]:
    """Host names (with `ports`, host:port too), lower-cased; a URL, a path, a user or a blank is refused."""
    for host in hosts:
        name, colon, port = host.partition(":")
        ok = bool(name) and not any(c in host for c in "/@\\") and not any(c.isspace() for c in host)
        if colon:
            ok = ok and ports and port.isdigit() and 0 < int(port) < 65536
        if not ok:
            like = "host or host:port like " + ROBOT_MEDIA_HOSTS[0] if ports else "host name like mmbiz.qpic.cn"
            raise ValueError(f"a {like}, got {host!r}")
    return [host.lower() for host in hosts]


class RobotConfig(Strict):
    """WeCom intelligent robot (智能机器人) in API mode: receives @-mentions in groups.

    `callback` mode: WeCom posts each message to /wechat/robot (token, encoding_aes_key). In
    `long_connection` mode the service holds a WebSocket to WeCom (bot_id, secret) and can also push
    into a chat the robot is in: 签收/办结 notices go back to the group the report came from.

    `media_hosts`: the hosts an image URL in a robot message may name for the service to download it
    (host, or host:port for a port other than the scheme's); any other address is not fetched.
    """

    mode: Literal["callback", "long_connection"] = "callback"
    token: str = ""
    encoding_aes_key: str = ""
    bot_id: str = ""
    secret: str = ""
    ws_url: str = "wss://openws.work.weixin.qq.com"
    heartbeat: Duration = timedelta(seconds=30)
    media_hosts: list[str] = ROBOT_MEDIA_HOSTS

    @field_validator("media_hosts")
    @classmethod
    def _media_hosts(cls, hosts: list[str]) -> list[str]:
        return bare_hosts(hosts, ports=True)

    @model_validator(mode="after")
    def _long_connection_has_credentials(self) -> "RobotConfig":
        if self.mode == "long_connection" and not (self.bot_id and self.secret):
            raise ValueError("mode long_connection needs bot_id and secret")
        return self


class KfConfig(Strict):
    """微信客服 (WeCom customer service): residents chat 1:1 from ordinary WeChat, through a link or QR code.

    Its events (kf_msg_or_event) reach /wechat/work when the self-built app manages the accounts, or
    /wechat/kf with their own token and key when the callback is set in 微信客服's own settings.
    """

    enabled: bool = False
    secret: str = ""  # 微信客服's own Secret; empty: the self-built app's token (wechat.work.secret) is used
    token: str = ""  # only for /wechat/kf
    encoding_aes_key: str = ""
    open_kfids: list[str] = []  # accounts to serve; empty: every account whose event arrives
    safety_pull: Duration = timedelta(minutes=10)  # pull without an event this often, in case one was lost


class WechatConfig(Strict):
    mp: MpConfig = MpConfig()
    work: WorkConfig = WorkConfig()
    robot: RobotConfig = RobotConfig()
    kf: KfConfig = KfConfig()
    # WeCom drops app messages to one member past 30 a minute and past 1,000 an hour, without an error
    send_rate_per_minute: int = Field(25, ge=1, le=30)
    send_rate_per_hour: int = Field(1000, ge=1, le=1000)
    # Hosts whose picture addresses (a resident's PicUrl) the console and /m show as images; others as text.
    media_hosts: list[str] = ["mmbiz.qpic.cn", "mmbiz.qlogo.cn", "wx.qlogo.cn", "wework.qpic.cn", "p.qpic.cn",
                              "qyapi.weixin.qq.com", "api.weixin.qq.com"]

    @field_validator("media_hosts")
    @classmethod
    def _bare_hosts(cls, hosts: list[str]) -> list[str]:
        return bare_hosts(hosts)
