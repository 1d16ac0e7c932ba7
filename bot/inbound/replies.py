"""The passive text reply to a WeChat or WeCom callback, as XML WeChat can read whatever the text holds."""
import re

from wechatpy.replies import TextReply

# Characters XML 1.0 does not allow anywhere, CDATA included: the reply would not parse at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text_reply(source: str, target: str, content: str, time: int) -> str:
    """wechatpy's text reply, with each field safe inside the CDATA section wechatpy wraps it in."""
    return TextReply(source=cdata_safe(source), target=cdata_safe(target), content=cdata_safe(content),
                     time=time).render()


def cdata_safe(text: str) -> str:
    """`text` for the inside of <![CDATA[...]]>: a "]]>" would end the section early, so it is split across two
    sections (]] then >), which any XML reader joins back; characters XML forbids are dropped."""
    return _NOT_XML.sub("", text).replace("]]>", "]]]]><![CDATA[>")
