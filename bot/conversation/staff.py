"""Messages from members of staff: text commands, card button clicks, photos, visits."""
from bot.context import BotContext
from bot.conversation.answer import Answer
from bot.inbound.incoming import Incoming
from bot.media import jobs as media_jobs

STAFF_HELP = ("请回复“接单 编号”“到场 编号”“办结 编号 处理情况”“退单 编号 原因”“转警 编号 原因”"
              "“转派 编号 网格 原因”。")
BUTTONS = {"accept": "accept", "resolve": "resolve", "arrive": "arrive", "confirm_transfer": "confirm_transfer",
           "reject_transfer": "reject_transfer"}


def answer_member(ctx: BotContext, member_id: str, msg: Incoming) -> Answer:
    """Act on a worker's message and say what happened."""
    if msg.card_tap and msg.event_key:
        action, _, ticket = msg.event_key.partition(":")
        if action in BUTTONS and ticket.isdigit():
            # 办结 needs what was done: the button closes nothing, dispatch's answer asks for the text
            outcome = ctx.dispatcher.act(member_id, BUTTONS[action], int(ticket), card=msg.task_id)
            return Answer(outcome.message, outcome.ticket_id, card=outcome.card)
        return Answer(None)
    if msg.msg_type == "event":
        return Answer(None)
    if msg.msg_type == "image" or (msg.msg_type == "voice" and msg.media_id and not msg.text):
        # the WeChat address for now (a voice has none); bot/media/ puts our own copy in its place
        voice = msg.msg_type == "voice"
        outcome = ctx.dispatcher.attach_photo(member_id, "" if voice else msg.pic_url or "", ref=media_jobs.ref(msg.msg_key),
                                              voice=voice)
        what = "语音" if voice else "照片"
        return Answer(outcome.message if outcome else f"没有找到您在办的工单，{what}未附加。",
                      outcome.ticket_id if outcome else None)
    outcome = ctx.dispatcher.member_text(member_id, msg.text)
    if outcome is None:
        return Answer(STAFF_HELP)
    return Answer(outcome.message, outcome.ticket_id)
