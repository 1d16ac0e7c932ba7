"""Passive replies to WeChat and WeCom callbacks, as XML WeChat can read whatever the text holds: a text
reply, and the update_button that greys out a tapped card's buttons."""
import re

from wechatpy.replies import TextReply

# Characters XML 1.0 does not allow anywhere, CDATA included: the reply would not parse at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text_reply(source: str, target: str, content: str, time: int) -> str:
    """wechatpy's text reply, with each field safe inside the CDATA section wechatpy wraps it in."""
    return TextReply(source=cdata_safe(source), target=cdata_safe(target), content=cdata_safe(content),
                     time=time).render()


def card_reply(corp_id: str, member: str, label: str, created: int) -> str:
    """WeCom's 模板卡片更新消息 that replaces the clicker's buttons by `label` (greyed, not clickable)."""
    return (f"<xml><ToUserName>{_cdata(member)}</ToUserName><FromUserName>{_cdata(corp_id)}</FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[update_button]]></MsgType>"
            f"<Button><ReplaceName>{_cdata(label)}</ReplaceName></Button></xml>")


def cdata_safe(text: str) -> str:
    """`text` for the inside of <![CDATA[...]]>: a "]]>" would end the section early, so it is split across two
    sections (]] then >), which any XML reader joins back; characters XML forbids are dropped."""
    return _NOT_XML.sub("", text).replace("]]>", "]]]]><![CDATA[>")


def _cdata(text: str) -> str:
    return "<![CDATA[" + cdata_safe(text) + "]]>"
