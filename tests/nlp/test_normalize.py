"""Normalisation: WeChat noise out, width and script folded, and every kept character traced back."""
from opencc import OpenCC

from nlp.normalize import normalize


def test_it_cleans_wechat_noise_and_maps_back_to_the_original():
    original = "@李明 锦绣花园３栋有人打架😡[图片]"
    n = normalize(original)
    assert n.text == "锦绣花园3栋有人打架" and n.had_emoji
    assert n.span_in_original(0, 6) == "锦绣花园３栋"  # as the resident typed it


def test_it_drops_quoted_replies_in_both_wechat_forms():
    assert normalize("「张三：今天停水」\n- - - - - - -\n电梯坏了").text == "电梯坏了"
    assert normalize("「李四：明天开会」收到 谢谢").text == "收到 谢谢"
    assert normalize("引用 王五：楼下好吵\n就是 吵死了").text == "就是 吵死了"


def test_it_folds_width_collapses_spaces_and_removes_controls():
    assert normalize("Ｈｅｌｌｏ　１２３  \t ａｂ\x00\x07").text == "Hello 123 ab"
    assert normalize("\u200b路灯\u202e坏了\ufeff").text == "路灯坏了"
    assert normalize("[语音][视频] 在吗").text == "在吗"


def test_it_converts_traditional_characters_when_given_a_converter():
    assert normalize("鄰居家著火了\x00 趕緊", OpenCC("t2s").convert).text == "邻居家着火了 赶紧"


def test_it_survives_any_input():
    assert normalize("\ud800abc").text == "?abc"  # a lone surrogate becomes '?'
    assert normalize(None).text == ""
    assert normalize("😀🌹👍").text == "" and normalize("😀🌹👍").had_emoji


def test_the_offset_map_points_every_clean_character_at_the_same_character_typed():
    original = "@张三 ｜１２栋　楼道😂有人[图片]充电"
    n = normalize(original)
    for i, ch in enumerate(n.text):
        assert n.span_in_original(i, i + 1) in (ch, chr(ord(ch) + 0xFEE0), "\u3000")
