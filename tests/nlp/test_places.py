"""Place spans by shape (names never configured), and resolution to grids: ranges, aliases, typos."""
import pytest

from nlp.places import Gazetteer, best_span


@pytest.mark.parametrize("text, place", [
    ("锦绣花园3栋2单元楼道有人充电瓶车", "锦绣花园3栋2单元楼道"),
    ("我家住在柳溪村五组 隔壁在吵架", "柳溪村五组"),
    ("人民路和建设路路口撞车了", "人民路和建设路路口"),
    ("菜市场门口有人卖假药", "菜市场门口"),
    ("昨天在幸福里12号楼偷东西", "幸福里12号楼"),
    ("王家村3社李大爷走丢了", "王家村3社"),
    ("解放路88号门口有个井盖没了", "解放路88号门口"),
    ("楼下一直有狗叫", "楼下"),
    ("今天天气不错", None),
])
def test_the_regexes_find_place_shapes(text, place):
    span = best_span(text)
    assert (span.text(text) if span else None) == place


@pytest.mark.parametrize("text, place", [
    ("救命 翠湖苑2栋有人拿刀砍人 快来", "翠湖苑2栋"),
    ("我在网吧被人打了 他们还在里面 星际网咖", "星际网咖"),
    ("俺家的三轮车让人偷了 就搁大门外头 一宿就没了 石门坎村", "石门坎村"),
    ("长虹路那个菜场门口有人摆摊卖假药", "长虹路那个菜场门口"),
    ("金沙家园14幢的电梯又坏了 困了人", "金沙家园14幢"),
    ("杏林村四组有条疯狗咬人", "杏林村四组"),
])
def test_the_classifier_finds_places_it_has_never_seen(classifier, text, place):
    t = classifier.classify(text)
    assert t.location is not None and (place in t.location or t.location in place)
    assert t.location in text  # always an exact substring of what was typed


def test_the_location_is_the_text_as_typed_even_with_full_width_digits_and_emoji(classifier):
    text = "🙏锦绣花园１２栋楼道里有人给电瓶车充电"
    t = classifier.classify(text)
    assert t.location is not None and t.location.startswith("锦绣花园１２栋") and t.location in text
    assert t.grid_id == "gh-2-b"


@pytest.mark.parametrize("span, grid", [
    ("锦绣花园12栋", "gh-2-b"), ("锦绣花园3栋2单元", "gh-2-a"), ("锦绣花园十栋", "gh-2-a"), ("锦绣花园", "gh-2"),
    ("锦秀里2栋", "gh-2-b"), ("桂花苑5栋", "gh-1"), ("贵花苑5栋", "gh-1"), ("桂花院5栋", "gh-1"),
    ("脆湖苑3栋", "gh-3"), ("柳溪村五组", "lx-2"), ("柳溪村5组", "lx-2"), ("刘溪村二组", "lx-1"),
    ("幸福村5组", None), ("菜市场门口", "gh-3"), ("北京路", None), ("人民东路", "gh-2"),
])
def test_it_resolves_places_to_grids_with_ranges_aliases_and_typos(gazetteer, span, grid):
    entry = gazetteer.resolve(span)
    assert (entry.grid_id if entry else None) == grid


def test_a_gazetteer_is_built_from_plain_entries():
    g = Gazetteer.from_entries([{"name": "梧桐苑", "aliases": ["梧同苑"], "kind": "estate", "buildings": "1-4",
                                 "grid_id": "g-1", "village_id": "v"},
                                {"name": "梧桐苑", "aliases": [], "kind": "estate", "buildings": "5-9",
                                 "grid_id": "g-2", "village_id": "v"}])
    assert g.resolve("梧桐苑3栋").grid_id == "g-1" and g.resolve("梧同苑7栋").grid_id == "g-2"
    assert "梧桐苑" in g.names() and g.find("在梧桐苑门口") == [(1, 4)]


@pytest.mark.parametrize("text, place, grid", [
    ("青石工业园老板欠了我们三个月工资不发", "青石工业园", "lx-2"),  # a configured name is never cut short
    ("锦绣里2栋电梯又坏了老人上不去", "锦绣里2栋电梯", "gh-2-b"),  # the building after the name belongs to it
])
def test_the_tagger_s_span_grows_to_the_whole_configured_place(classifier, text, place, grid):
    t = classifier.classify(text)
    assert (t.location, t.grid_id) == (place, grid)


def test_the_tagger_scores_a_batch_as_the_sum_of_its_named_features(classifier):
    """The integer-keyed scoring reads the same weights as the feature names char_features gives."""
    import math

    from nlp.locate import regex_flags
    from nlp.place_tagger import char_features

    tagger = classifier.model.places
    texts = ["锦绣花园3栋2单元楼道有人充电", "", "a", "柳溪村五组 村口小卖部旁边", "ＡＢ12号楼 ^^$$", "𠀀🙂 路口"]
    flags = [regex_flags(t) for t in texts]
    for text, mark, probs in zip(texts, flags, tagger.probabilities(texts, flags)):
        named = char_features(text, mark)
        expected = [1 / (1 + math.exp(-max(-30.0, min(30.0, tagger.bias + sum(tagger.weights.get(t[i], 0.0)
                                                                             for t in named)))))
                    for i in range(len(text))]
        assert probs == pytest.approx(expected, abs=1e-9)


def test_the_tagger_scores_the_same_from_the_model_file_s_arrays_as_from_a_dict(classifier):
    """Training hands the tagger a dict, the model file arrays: both compile to the same tables, bit for bit."""
    from nlp.locate import regex_flags
    from nlp.place_tagger import PlaceTagger

    stored = classifier.model.places
    as_dict = PlaceTagger(dict(stored.weights.items()), stored.bias, stored.threshold)
    texts = ["锦绣花园3栋2单元楼道有人充电", "a", "柳溪村五组 村口小卖部旁边", "ＡＢ12号楼 ^^$$", "𠀀🙂 路口"]
    flags = [regex_flags(t) for t in texts]
    assert as_dict.probabilities(texts, flags) == stored.probabilities(texts, flags)


@pytest.mark.parametrize("text", ["锦绣花园3栋2单元楼道有人充电瓶车", "我家住在柳溪村五组 隔壁在吵架", "一组二十号 三组的那条沟",
                                  "人民路和建设路路口撞车了 往解放大道跑了", "村口那个小卖部旁边 菜市场门口 石板沟那个养殖场后面",
                                  "就在庙子坡那个弯道 12栋3单元 A座", "", "路", "小区"])
def test_the_regexes_are_tried_only_near_their_anchors_with_finditer_s_answers(text):
    from nlp.places import _ANCHORS, _PATTERNS, anchored_matches

    for (pattern, _, reach), anchor in zip(_PATTERNS, _ANCHORS):
        expected = [(m.start(), m.end()) for m in pattern.finditer(text)]
        assert [(m.start(), m.end()) for m in anchored_matches(pattern, anchor, reach, text)] == expected



@pytest.mark.parametrize("text, place", [
    ("有个醉汉刚在我们店门口砸啤酒瓶", "我们店门口"),
    ("阿拉弄堂口有人偷助动车", "阿拉弄堂口"),
    ("有个小伙子在我的奶茶店门口晕倒了", "我的奶茶店门口"),  # one's own shop by its trade
    ("车子停到楼道里充电 味道好重", "楼道里"),
    ("电动车停了一片 有人在楼顶烧东西", "楼顶"),  # the phrase after 在 is the scene
    ("隔壁饭店里有人打架", None),  # 饭店里 is not 店里: never a piece of a longer word
    ("我店里的小妹被人骚扰", None),  # 店里 + a person names the person, not the scene
    ("垃圾直接扔在门口", None),  # 门口 alone is any door
])
def test_a_relative_place_is_the_whole_phrase_with_its_owner(text, place):
    from nlp.relative import relative_place
    span = relative_place(text)
    assert (span.text(text) if span else None) == place


def test_a_relative_place_stands_only_when_no_other_place_is_found(classifier):
    assert classifier.classify("有个醉汉在我们店门口砸啤酒瓶 快来人").location == "我们店门口"
    assert classifier.classify("翠湖苑2栋楼道里有人在烧纸 烟好大").location.startswith("翠湖苑2栋")


def test_a_cadre_notice_s_scene_is_where_the_resident_was_not_where_they_live(classifier):
    text = "兹有柳溪村三组村民王某反映，其在青石工业园某纸箱厂上班四个月，老板拖欠工资六千元，请劳动部门协调。"
    assert classifier.classify(text).location == "青石工业园某纸箱厂"


@pytest.mark.parametrize("text, place", [("俺娘一个人在家 家在前王庄 快", "前王庄"), ("在孙集集上被人骗了", "孙集集上"),
                                         ("602房住咗十几个人", "602房"), ("2号岗 刚才有人闯道闸", "2号岗"),
                                         ("车位又让人占了 B2-117", "B2-117"), ("武侯区簇桥 楼上漏水", "武侯区簇桥"),
                                         ("凤凰街社区卫生服务站 有人冒领", "凤凰街社区卫生服务站")])
def test_village_room_gate_and_district_shapes(text, place):
    from nlp.places import find_spans

    assert place in [s.text(text) for s in find_spans(text)]


def test_a_village_name_needs_a_word_saying_it_is_a_place():
    from nlp.places import find_spans

    assert [s.text("赶集收集了二楼") for s in find_spans("赶集收集了二楼")] == ["二楼"]


@pytest.mark.parametrize("text, place", [
    ("有条野狗在屯口咬人", "屯口"),  # a village's own corners
    ("谁在院里烧垃圾 烟好大", "院里"),
    ("有两个人搁俺们胡同里打架", "俺们胡同里"),  # 搁 says where, 俺们 owns the place
    ("俺家仓房让人给撬了", "俺家仓房"),
    ("有个人在操场上晕倒了", "操场上"),  # a school's places
    ("宿舍楼下有人在烧东西", "宿舍楼下"),
    ("我们小区的路灯全坏了", "我们小区"),
    ("门口又让人停了辆车 出不去", "门口"),  # 门口 opening the message is the scene
    ("大门的锁让人撬了", "大门"),
])
def test_village_school_and_compound_words_are_relative_places(text, place):
    from nlp.relative import relative_place
    span = relative_place(text)
    assert (span.text(text) if span else None) == place


@pytest.mark.parametrize("text, start, end, place", [
    ("垃圾房旁边臭得很", 1, 3, "垃圾房"),  # 圾房 starts inside 垃圾房
    ("对面楼有人扔东西", 1, 3, "对面楼"),
    ("宿舍对面楼有人偷看", 1, 3, "宿舍对面楼"),  # both edges inside a word
    ("游戏厅后屋有人赌钱", 1, 3, "游戏厅"),
    ("公园里有人打架", 0, 2, "公园"),  # a whole word stays as it is
    ("我们宿舍的水管爆了", 1, 4, "我们宿舍"),  # an owner is kept whole
])
def test_a_place_never_starts_or_ends_inside_a_place_word(text, start, end, place):
    from nlp.places import Span
    from nlp.whole_words import whole_words
    assert whole_words(text, Span(start, end, "tagger")).text(text) == place


def test_what_comes_before_a_scene_mark_is_not_the_place():
    from nlp.places import find_spans
    assert [s.text(t) for t in ("一个男的在公园里拿刀", "有人喺巷口打劫") for s in find_spans(t)] == ["公园", "巷口"]


@pytest.mark.parametrize("text, start, end, place", [
    ("小区里那个大坑没人管", 0, 3, "小区里那个大坑"),  # the place, then the thing in it that is the matter
    ("村头那条道让大车压坏了", 0, 2, "村头那条道"),  # never across a function word (让)
    ("江边那个下水口往外冒脏水", 0, 3, "江边那个下水口"),  # the run took the pointer's 那
    ("我们宿舍的楼顶有人烧纸", 2, 4, "宿舍的楼顶"),
    ("锅炉房那个大烟筒裂了", 0, 3, "锅炉房"),  # 大烟筒裂 does not end like a place
    ("小区的物业不管事", 0, 2, "小区"),
    ("学校东门那边有人卖假药", 2, 5, "东门那边"),  # the side of a place is the place
    ("后山那边的小路上有条蛇", 0, 2, "后山那边的小路"),
])
def test_a_place_takes_the_thing_it_points_at(text, start, end, place):
    from nlp.places import Span
    from nlp.pointed import pointed
    assert pointed(text, Span(start, end, "tagger")).text(text) == place


@pytest.mark.parametrize("text, place, fled", [
    ("有人在巷子里抢了包 往大路那边跑了", "大路", True),  # 往 … 跑: where the thief went
    ("小偷跑进了后面的小区", "后面的小区", True),
    ("他打了人现在躲在厕所里", "厕所里", True),
    ("有人抢了包 向人民路嗰边走咗", "人民路嗰", True),  # the run took 嗰 of 嗰边
    ("往大路那边的路灯坏了", "大路", False),  # 往 without a verb of going is no flight
    ("一条蛇钻进花坛里了", "花坛里", False),  # the snake is there now
])
def test_where_someone_fled_or_hid_is_told_apart(text, place, fled):
    from nlp.fled import fled_to
    start = text.index(place)
    assert fled_to(text, start, start + len(place)) == fled


def test_the_scene_is_chosen_over_where_someone_fled(classifier):
    t = classifier.classify("有个人在胡同里抢了一个老太太的包 往解放大街那边跑了 快来人")
    assert t.location == "胡同里"


@pytest.mark.parametrize("text, start, end, place", [
    ("楼顶个水塔锈穿了", 0, 2, "楼顶个水塔"),  # Cantonese joins place and thing with 个/嘅/条
    ("三楼嘅窗框松咗", 0, 2, "三楼嘅窗框"),
    ("村口条排洪渠塞满垃圾", 0, 2, "村口条排洪渠"),
    ("我喺长安一间电子厂做", 2, 4, "长安一间电子厂"),
    ("三楼个细路跌亲", 0, 2, "三楼"),  # a person is no thing in a place
    ("小区人行道边上的井盖翘起来了", 0, 7, "小区人行道边上的井盖"),  # 的 + 井 does not stop inside 井盖
])
def test_a_place_takes_the_thing_after_a_cantonese_joiner(text, start, end, place):
    from nlp.places import Span
    from nlp.pointed import pointed
    assert pointed(text, Span(start, end, "tagger")).text(text) == place


@pytest.mark.parametrize("text, room", [
    ("楼上卫生间漏水 天花板都鼓起来了 1102", "1102"), ("车位又被人占了 B2-118", "B2-118"),
    ("隔壁天天装修 5栋1203", "5栋1203"), ("着火了 快打 119", None), ("我在301", None),
])
def test_a_room_number_written_last_is_found(text, room):
    from nlp.room import trailing_room
    span = trailing_room(text)
    assert (span.text(text) if span else None) == room


@pytest.mark.parametrize("text, start, end, place", [
    ("啱啱有人揸住电单车向村口", 5, 12, "村口"),  # a run is cut after the verb tie inside it
    ("屋企阿婆去菜市场", 0, 8, "菜市场"),
    ("有个阿伯喺巷仔入面跌低", 2, 9, "巷仔入面"),
    ("住在向阳小区", 2, 6, "向阳小区"),  # 向阳 is a name
])
def test_a_tagger_run_holding_a_verb_is_cut_to_the_place_after_it(text, start, end, place):
    from nlp.locate import _after_verb
    a, b, _ = _after_verb(text, (start, end, 0.5))
    assert text[a:b] == place


def test_a_light_rail_station_is_a_whole_word():
    from nlp.places import Span
    from nlp.whole_words import whole_words
    assert whole_words("礼嘉轻轨站的扶梯停了", Span(3, 5, "tagger")).text("礼嘉轻轨站的扶梯停了") == "轻轨站"


@pytest.mark.parametrize("text", ["老年大学门口往南那段路坏了", "学府路那个在建的楼掉东西"])
def test_a_direction_or_a_building_going_up_is_no_verb_tie(text):
    from nlp.locate import _after_verb
    assert _after_verb(text, (0, len(text) - 3, 0.5)) == (0, len(text) - 3, 0.5)
