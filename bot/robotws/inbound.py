"""Messages and events pushed over the long connection: into the inbox, answered under the same req_id."""
import json
import logging
import uuid

from sqlalchemy.exc import SQLAlchemyError

from bot.context import BotContext
from bot.conversation import texts
from bot.inbound.guard import Rejected
from bot.inbound.receive import receive
from bot.inbound.robot import parse_message
from bot.outbound.wechat_api import ApiError
from bot.robotws.link import RESPOND, WELCOME, RobotLink

log = logging.getLogger(__name__)


def frame_handler(ctx: BotContext):
    """`on_frame(link, frame)` for RobotLink."""
    async def on_frame(link: RobotLink, frame: dict) -> None:
        body, req_id = frame.get("body"), frame["headers"]["req_id"]
        try:
            if frame.get("cmd") == "aibot_event_callback":
                await _event(link, body, req_id)
            else:
                await _message(ctx, link, body, req_id)
        except ApiError as error:  # the answer could not go out over the connection
            log.warning("robot answer not sent", extra={"error": str(error)})
    return on_frame


async def _message(ctx: BotContext, link: RobotLink, body, req_id: str) -> None:
    try:
        incoming = parse_message(json.dumps(body, ensure_ascii=False))
    except Rejected as refused:
        log.warning("robot frame refused", extra={"reason": refused.reason})
        return
    try:
        reply = await receive(ctx, incoming)
    except SQLAlchemyError:  # nothing asks again over a long connection: say so loudly
        log.exception("robot message lost: the store is unavailable", extra={"msg_key": incoming.msg_key})
        return
    if reply:  # in a group the conversation has masked it already
        await link.request(RESPOND, {"msgtype": "stream", "stream": {"id": uuid.uuid4().hex, "finish": True,
                                                                      "content": reply}}, req_id=req_id)


async def _event(link: RobotLink, body, req_id: str) -> None:
    event = body.get("event") if isinstance(body, dict) and isinstance(body.get("event"), dict) else {}
    kind = event.get("eventtype") or event.get("event_type")
    if kind == "enter_chat":  # within 5 s, once: the greeting when someone opens the chat
        await link.request(WELCOME, {"msgtype": "text", "text": {"content": texts.WELCOME}}, req_id=req_id)
    elif kind == "disconnected_event":
        link.taken_over()
