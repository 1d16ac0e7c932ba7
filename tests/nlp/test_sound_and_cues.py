"""Homophones read by sound, and the live-or-talked-about cues the model weighs."""
import numpy as np
import pytest

from nlp.cues import cue_tokens
from nlp.model import Vocabulary
from nlp.pinyin import bigram_tokens, sound_line, sound_pattern, syllables
from nlp.rules import apply_rules


def cues(text: str) -> set[str]:
    return set(cue_tokens(text, apply_rules(text)))


def test_a_homophone_typo_reads_like_the_word_meant():
    assert " mei qi wei " in sound_line(syllables("楼道里煤起味好大"))
    pattern = sound_pattern(["煤气味", "着火"])
    assert pattern.search(sound_line(syllables("煤起味"))) and pattern.search(sound_line(syllables("着伙了")))
    assert not pattern.search(sound_line(syllables("没事了"))) and not pattern.search(sound_line(syllables("煤 气味")))
    assert "py:mei_qi" in bigram_tokens(syllables("煤起味")) and bigram_tokens(syllables("abc 12")) == []


def test_an_alarm_term_spelt_wrong_is_still_an_alarm_feature():
    assert {"@emgpy:fire_emergency", "@emg"} <= cues("3栋煤起味好大")
    assert "@emg:fire_emergency" not in cues("3栋煤起味好大")  # by sound only: the model learns what that is worth


def test_alarm_words_in_jokes_past_or_hypotheses_carry_their_frame():
    assert "@emg&slang" in cues("救命这么好吃")
    assert {"@ctx:past", "@ctx:handled"} <= cues("火已经灭了没事了")
    assert "@emg&hypothetical" in cues("如果着火了怎么办")
    assert "@emg&live" in cues("快来人 3栋着火了")


def test_over_handled_or_denied_in_dialect_carries_its_frame():
    assert "@emg&handled" in cues("啱啱嗰个煤气味系楼下煲汤 冇事")  # 粤
    assert "@ctx:handled" in cues("灶头上油锅着了 一盖就灭脱了")  # 吴
    assert "@emg&handled" in cues("着火那事早整完了 人也没事儿")  # 东北
    assert "@emg&hypothetical" in cues("假使楼里着火了 老年人哪能逃")
    assert "@emg&slang" in cues("跳楼价 五金店清仓 解放路128号")


def test_danger_without_alarm_words_pairs_its_cues():
    assert {"@pair:vulnerable&missing", "@pair:missing&dusk", "@pair:missing&stranger"} <= \
        cues("我家8岁娃天黑了还没回来 有人看到跟一个男的走了")
    assert "@pair:vulnerable&water" in cues("小孩掉河里了 柳溪大桥下面")
    assert "@pair:vulnerable&body" in cues("我家老人吃饭噎着了 脸都憋紫了")
    assert "@ctx:warning" in cues("大家注意 有人冒充物业收燃气安检费 千万别给")


def test_a_binary_block_weighs_a_cue_the_same_in_any_message():
    vocab = Vocabulary({"@emg": 0, "@ctx:live": 1}, idf=np.zeros(0))
    x = vocab.matrix([["@ctx:live", "@emg", "@emg", "@other"], ["@emg"], []])
    assert x.toarray().tolist() == [[1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]


def test_a_weighted_block_is_what_sklearn_computes():
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [["a", "b", "b"], ["b", "c"], ["a", "a", "a", "c", "zz"], []]
    fitted = TfidfVectorizer(analyzer=lambda items: items, sublinear_tf=True).fit(docs[:3])
    vocab = Vocabulary({k: int(v) for k, v in fitted.vocabulary_.items()}, fitted.idf_.astype(np.float32))
    assert np.allclose(vocab.matrix(docs).toarray(), fitted.transform(docs).toarray(), atol=1e-6)


def test_a_sound_is_found_at_the_start_and_at_the_end_of_the_line():
    pattern = sound_pattern(["着火"])
    assert pattern.search(sound_line(syllables("着伙"))) and pattern.search(sound_line(syllables("快看着伙")))
    assert not pattern.search(" xzhao huo ") and not pattern.search(" zhao huox ")  # whole syllables only


@pytest.mark.parametrize("text", ["笑死HHH", "hHh", "YYDS绝了", "加V领红包", "+852来电", "00852", "我家3岁小孩", "孩子１２岁",
                                  "真的吗?", "刚才吵过了", "其实是邻居在炒菜", "", "今天天气不错"])
def test_a_cue_searched_in_two_parts_finds_what_the_whole_pattern_finds(text):
    import re

    from nlp.cues import _COMPILED, CUES

    for name, pattern in CUES.items():
        assert bool(_COMPILED[name](text)) == bool(re.search(pattern, text, re.IGNORECASE)), name
