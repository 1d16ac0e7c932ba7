"""What the bot says to residents, in Chinese."""
from bot.inbound.incoming import Incoming
from dispatch.api import Receipt, TicketView

ASK_PLACE = "请问具体在哪个小区/几栋/哪个村组？"
HELP = ("您好，这里是网格哨。遇到需要处理的事，直接发文字或语音说明在哪、发生了什么即可；"
        "回复“查询”看办理进度。紧急情况请拨打110/119/120。")
WELCOME = ("欢迎关注网格哨！有事请直接发消息：写清楚在哪个小区/几栋/哪个村组、发生了什么，"
           "我们会派网格员或民警处理。回复“查询”可看进度。")
EMERGENCY = "情况紧急请立即拨打110/119/120！"
NO_TICKETS = "您目前没有在办的事项。"
VOICE_UNREADABLE = "抱歉，这条语音没能识别成文字，请用文字说明在哪、发生了什么。"
PHOTO_ATTACHED = "照片已收到，已附到编号 {number}。"
# the robot's stream, while an answer takes longer than WeCom's callback waits (bot/inbound/robot_stream.py)
STREAM_WAIT = "收到，正在处理，请稍候……"
STREAM_NOTHING = "已收到。"
STREAM_HANDED_ON = "已收到，已转交值班人员处理。"

CHANNEL_WORDS = {"mp": "公众号", "work": "企业微信", "robot": "企业微信群机器人", "demo": "演示页"}
ROLE_WORDS = {"grid": "网格员", "police": "社区民警", "duty_offhours": "值班民警", "triage": "值班室"}


def receipt_text(receipt: Receipt, emergency: bool, phones: dict[str, str] | None = None) -> str:
    """已受理，编号 GW-20261124-0012，网格员李明（13900001011）将联系您"""
    if receipt.merged:
        text = f"已收到，该问题已有居民反映，已并入编号 {receipt.number} 一并处理，进展会同步告知您。"
    else:
        who = ROLE_WORDS.get(receipt.route, "工作人员")
        names = receipt.assignee_names[:2] if receipt.route != "triage" else []
        named = "、".join(f"{n}（{phones[n]}）" if (phones or {}).get(n) else n for n in names)
        text = f"已受理，编号 {receipt.number}，{who}{named}将联系您。"
    return f"{EMERGENCY}{text}" if emergency else text


def status_text(tickets: list[TicketView]) -> str:
    """The resident's open tickets, one line each."""
    if not tickets:
        return NO_TICKETS
    lines = [f"{t.number} {t.status_text}" + (f"（{'、'.join(t.assignee_names)}）" if t.assignee_names else "")
             for t in tickets[:5]]
    return "您的事项：\n" + "\n".join(lines) + "\n回复“取消 编号”可撤销未签收的事项。"


def processing_failed(msg: Incoming, inbox_id: int) -> str:
    """To the duty desk: a message the service could not process, as written, for a person to answer."""
    where = CHANNEL_WORDS.get(msg.channel, msg.channel) + ("群聊" if msg.in_group else "")
    content = (msg.text or "").strip()[:300] or f"（{msg.msg_type} 消息）"
    return (f"【消息处理失败，需人工处理】{where}用户 {msg.sender} 的消息未能自动处理，请人工查看并答复：\n"
            f"“{content}”\n（收件编号 {inbox_id}）")
