"""The passive reply to a WeCom card tap: the tapped card's buttons give way to a text (update_button)."""


def card_reply(corp_id: str, member: str, label: str, created: int) -> str:
    """WeCom's 模板卡片更新消息 that replaces the clicker's buttons by `label` (greyed, not clickable)."""
    return (f"<xml><ToUserName>{_cdata(member)}</ToUserName><FromUserName>{_cdata(corp_id)}</FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[update_button]]></MsgType>"
            f"<Button><ReplaceName>{_cdata(label)}</ReplaceName></Button></xml>")


def _cdata(text: str) -> str:
    """A CDATA section that survives a "]]>" inside the text (split across two sections)."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
