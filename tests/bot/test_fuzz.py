"""Properties of the callback guard, in-process: whatever arrives, the only failure is a refusal.

The 100,000-body run against every callback path is tests/reliability/test_callback_fuzz.py.
"""
from datetime import datetime, timezone

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.inbound.guard import MAX_DEPTH, READ_FIELDS, Rejected, check_fields, parse_xml
from bot.inbound.incoming import from_wechat_xml

NOW = datetime(2026, 11, 24, 2, tzinfo=timezone.utc)
FIELDS = st.sampled_from(["MsgId", "CreateTime", "FromUserName", "MsgType", "Content", "Event", "EventKey",
                          "Location_X", "Location_Y", "Recognition", "ChatId", "PicUrl", "TaskId"])
# Digits of other scripts too (², ١٢): str.isdigit() passes them, int() does not always take them.
VALUES = st.one_of(st.text(max_size=40), st.integers(-2**70, 2**70).map(str),
                   st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=30))


@hypothesis_settings(max_examples=400, deadline=None)
@given(st.one_of(st.binary(max_size=600), st.text(max_size=600).map(lambda t: f"<xml>{t}</xml>")))
def test_the_parser_refuses_or_returns_a_flat_dict(body):
    try:
        data = parse_xml(body)
    except Rejected as rejected:
        assert rejected.status == 400
        return
    assert all(isinstance(v, (str, type(None))) for v in data.values())


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.recursive(st.text("ab", max_size=3), lambda inner: st.lists(inner, min_size=1, max_size=3), max_leaves=12),
       st.sampled_from(["SelectedItems", "SendPicsInfo", "ScanCodeInfo", "Content"]))
def test_nested_fields_are_ignored_unless_read_and_too_deep_documents_refused(tree, name):
    def xml(node) -> str:
        return node if isinstance(node, str) else "".join(f"<i>{xml(child)}</i>" for child in node)

    def depth(node) -> int:
        return 0 if isinstance(node, str) else 1 + max(depth(child) for child in node)
    body = f"<xml><MsgType>text</MsgType><{name}>{xml(tree)}</{name}></xml>"
    try:
        data = parse_xml(body)
    except Rejected as rejected:  # a field we read may not be nested; nothing may be deeper than WeChat's
        assert rejected.status == 400
        assert (name in READ_FIELDS and not isinstance(tree, str)) or depth(tree) + 2 > MAX_DEPTH
        return
    assert depth(tree) + 2 <= MAX_DEPTH and data["MsgType"] == "text"
    assert name not in data if not isinstance(tree, str) else data.get(name) == (tree or None)


@hypothesis_settings(max_examples=400, deadline=None)
@given(st.dictionaries(FIELDS, VALUES, max_size=8))
def test_any_fields_are_refused_or_read_without_error(fields):
    try:
        check_fields(fields, NOW)
    except Rejected as rejected:
        assert rejected.status == 400
        return
    msg = from_wechat_xml("mp", fields)
    assert msg.msg_key.startswith("mp:") and msg.sender == fields["FromUserName"]
