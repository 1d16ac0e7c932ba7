"""Messages to Official Account residents: customer-service messages while WeChat allows them, and the
important notices (签收, 办结, 回访) as a template message or subscription notice when it no longer does.

A customer-service message goes only inside the resident's window (bot/outbound/oa_quota.py). Refused by
our count or by WeChat (45015 window passed, 45047 quota used), an important notice goes through the
template configured for it (wechat.mp.templates); anything else, or a notice without a template, fails
for good with the reason, which the ticket page shows. Nobody is alerted: the resident simply has not
written lately.
"""
import asyncio
import hashlib
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.outbound import oa_quota
from bot.outbound.wechat_api import ApiError
from core.config_wechat import NoticeTemplate

# Which template carries which notice (the event names of dispatch/reporters.py), and its {status}.
NOTICES = {"accepted": ("accepted", "已签收"), "resolved": ("closed", "已办结"), "closed": ("closed", "已关闭"),
           "followup": ("followup", "待评价")}
NOTICE_WORDS = {"accepted": "签收", "closed": "办结", "followup": "回访"}
# What WeChat takes in a field of each type (订阅通知 and 类目模板消息 alike); other fields are not cut.
FIELD_LIMITS = {"thing": 20, "character_string": 32, "number": 32, "letter": 32, "symbol": 5, "phrase": 5,
                "name": 10, "car_number": 8, "phone_number": 17}
SENT_AS = {"template": "/cgi-bin/message/template/send", "subscribe": "/cgi-bin/message/subscribe/bizsend"}


class OaChannel:
    """The transport of residents whose channel is "mp" (the address is the resident's id)."""

    def __init__(self, transports, engine, clock):
        self.transports, self.engine, self.clock = transports, engine, clock

    async def send(self, resident_id: int, payload: dict, idem_key: str) -> str:
        """Deliver; how it went ("custom", "template" or "subscribe"), or ApiError."""
        now = self.clock.now()
        slot = await asyncio.to_thread(oa_quota.reserve, self.engine, resident_id, now)
        refused = slot.refused
        if not refused:
            try:
                await self._post("/cgi-bin/message/custom/send", {
                    "touser": slot.openid, "msgtype": "text", "text": {"content": payload.get("text", "")}})
                return "custom"
            except ApiError as error:
                if error.errcode not in oa_quota.REASONS:
                    await asyncio.to_thread(oa_quota.give_back, self.engine, resident_id, slot)
                    raise
                await asyncio.to_thread(oa_quota.used_up, self.engine, resident_id, slot)
                refused = error.errcode
        template, why = self._template_for(payload.get("notice"), oa_quota.REASONS[refused])
        if template is None:
            raise ApiError(refused, why, transient=False)
        await self._post(SENT_AS[template.kind], {
            "touser": slot.openid, "template_id": template.id, "data": fill(template, payload, now, self._tz)}
            | ({"client_msg_id": _client_msg_id(idem_key)} if template.kind == "template" else {}))
        return template.kind

    def _template_for(self, notice: str | None, reason: str) -> tuple[NoticeTemplate | None, str]:
        kind = NOTICES.get(notice or "", (None, ""))[0]
        if kind is None:
            return None, reason
        template = self.transports.settings.wechat.mp.templates.get(kind)
        return template, reason if template else f"{reason}，且未配置「{NOTICE_WORDS[kind]}」模板消息"

    @property
    def _tz(self) -> ZoneInfo:
        return ZoneInfo(self.transports.settings.timezone)

    async def _post(self, path: str, body: dict) -> dict:
        return await self.transports.with_token(self.transports.mp, path, body)


def fill(template: NoticeTemplate, payload: dict, now: datetime, tz: ZoneInfo) -> dict:
    """The template's data: each field's value from the notice, cut to what the field's type allows."""
    values = {"number": payload.get("number", ""), "status": NOTICES.get(payload.get("notice", ""), ("", ""))[1],
              "text": payload.get("text", ""), "time": f"{now.astimezone(tz):%Y年%m月%d日 %H:%M}"}
    return {key: {"value": _fit(key, spec.format_map(values))} for key, spec in template.data.items()}


def _fit(key: str, value: str) -> str:
    limit = FIELD_LIMITS.get(re.sub(r"\d+$", "", key))
    value = " ".join(value.split())  # one line: the fields take no line breaks
    if limit is None or len(value) <= limit:
        return value
    return value[:limit - 1] + "…" if limit > 5 else value[:limit]


def _client_msg_id(idem_key: str) -> str:
    """The template API's 防重入 id: a resend of the same outbox row is not shown twice."""
    return hashlib.sha1(idem_key.encode()).hexdigest()[:32]
