"""An inbound message in channel-neutral form, from any WeChat product or the demo."""
import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Incoming:
    """What arrived: who, where, what kind, and the text to read."""

    channel: str  # mp | work | robot | kf (微信客服) | web (随手拍 page) | demo
    sender: str  # OpenID, WeCom userid, or demo name
    msg_key: str  # channel:sender:MsgId, or channel:sender:CreateTime:event for events
    msg_type: str  # text | voice | image | location | event | ...
    text: str = ""
    chat_id: str | None = None  # the group, when posted in a group
    event: str | None = None
    event_key: str | None = None
    pic_url: str | None = None
    media_id: str | None = None  # an image's or voice's MediaId: downloaded later (bot/media/), kept 3 days by WeChat
    lat: float | None = None
    lng: float | None = None
    response_url: str | None = None  # the WeCom robot's one-time URL for a later answer (1 h)
    stream_id: str | None = None  # the robot callback's stream, which WeCom refreshes until a late answer ends it
    task_id: str | None = None  # a card tap: the tapped card's task_id
    response_code: str | None = None  # a card tap: WeCom's code to update that card once later (72 h)
    raw: dict = field(default_factory=dict)

    @property
    def conversation(self) -> str:
        """Whose messages must be answered in order: one sender's on one channel."""
        return f"{self.channel}:{self.sender}"

    @property
    def in_group(self) -> bool:
        """Posted in a group chat rather than one to one."""
        return self.chat_id is not None

    @property
    def card_tap(self) -> bool:
        """A tap on a card's button: answered by changing that card, not with a text."""
        return self.msg_type == "event" and self.event == "template_card_event"


def from_wechat_xml(channel: str, data: dict) -> Incoming:
    """Build from a parsed WeChat/WeCom message dict (xmltodict's 'xml' element)."""
    msg_type = (data.get("MsgType") or "").lower()
    sender = data.get("FromUserName") or ""
    # The sender is part of the key: a MsgId sent again by someone else is not a retry, and must not get
    # the first sender's stored answer (their ticket number, the worker's phone).
    key = (f"{sender}:{data['MsgId']}" if data.get("MsgId")
           else f"{sender}:{data.get('CreateTime')}:{data.get('Event', '')}:{data.get('EventKey', '')}")
    text = data.get("Content") or ""
    if msg_type == "voice":
        text = data.get("Recognition") or ""  # speech recognition must be switched on in the account
    lat = lng = None
    if msg_type == "location":
        lat, lng = _float(data.get("Location_X")), _float(data.get("Location_Y"))
        text = data.get("Label") or ""
    event = (data.get("Event") or "").lower() or None
    event_key = data.get("EventKey") or None
    task_id = response_code = None
    if event == "template_card_event":
        event_key = data.get("EventKey") or (data.get("TaskId") and f"task:{data.get('TaskId')}")
        task_id, response_code = _string(data.get("TaskId")), _string(data.get("ResponseCode"))
    return Incoming(channel=channel, sender=sender, msg_key=f"{channel}:{key}", msg_type=msg_type, text=text.strip(),
                    chat_id=data.get("ChatId") or None, event=event, event_key=event_key,
                    pic_url=data.get("PicUrl") or None, lat=lat, lng=lng, task_id=task_id,
                    media_id=_string(data.get("MediaId")) if msg_type in ("image", "voice") else None,
                    response_code=response_code, raw=dict(data))


def _string(value) -> str | None:
    return value[:200] if isinstance(value, str) and value else None


def _float(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None  # NaN and inf: no JSON column on PostgreSQL takes them
