"""Normalisation, masking and place spans: the parts that must be exact."""
import pytest

from nlp.normalize import normalize
from nlp.places import best_span
from nlp.privacy import mask, valid_id_number


def test_it_cleans_wechat_noise_and_maps_back_to_the_original():
    original = "@李明 锦绣花园３栋有人打架😡[图片]"
    n = normalize(original)
    assert n.text == "锦绣花园3栋有人打架" and n.had_emoji
    assert n.span_in_original(0, 6) == "锦绣花园３栋"  # as the resident typed it


def test_it_drops_quoted_replies_controls_and_converts_traditional():
    from opencc import OpenCC
    assert normalize("「张三：今天停水」\n- - - - - - -\n电梯坏了").text == "电梯坏了"
    assert normalize("鄰居家著火了\x00 趕緊", OpenCC("t2s").convert).text == "邻居家着火了 赶紧"
    assert normalize("\ud800abc").text == "?abc"
    assert normalize(None).text == ""


def test_it_masks_phones_and_only_checksummed_ids():
    assert mask("电话13812345678") == "电话138****5678"
    assert mask("座机0571-88123456") == "座机0571-****3456"
    assert valid_id_number("11010519491231002X")
    assert mask("身份证11010519491231002X") == "身份证110105********002X"
    assert mask("单号110105194912310021") == "单号110105194912310021"  # bad checksum: not an ID


@pytest.mark.parametrize("text, place", [
    ("锦绣花园3栋2单元楼道有人充电瓶车", "锦绣花园3栋2单元楼道"),
    ("我家住在柳溪村五组 隔壁在吵架", "柳溪村五组"),
    ("人民路和建设路路口撞车了", "人民路和建设路路口"),
    ("菜市场门口有人卖假药", "菜市场门口"),
    ("小学对面的巷子里有个可疑的人", "小学对面的巷子里"),
    ("昨天在幸福里12号楼偷东西", "幸福里12号楼"),
    ("王家村3社李大爷走丢了", "王家村3社"),
    ("解放路88号门口有个井盖没了", "解放路88号门口"),
    ("楼下一直有狗叫", "楼下"),
    ("今天天气不错", None),
    ("我在路上看到有人摔了", None),
])
def test_it_finds_the_place_span(text, place):
    span = best_span(text)
    assert (span.text(text) if span else None) == place


@pytest.mark.parametrize("span, grid", [
    ("锦绣花园12栋", "gh-2-b"), ("锦绣花园3栋2单元", "gh-2-a"), ("桂花院5栋", "gh-1"),
    ("柳溪村五组", "lx-2"), ("柳溪村5组", "lx-2"), ("幸福村5组", None), ("菜市场门口", "gh-3"), ("北京路", None),
])
def test_it_resolves_places_to_grids_with_ranges_and_typos(gazetteer, span, grid):
    entry = gazetteer.resolve(span)
    assert (entry.grid_id if entry else None) == grid
