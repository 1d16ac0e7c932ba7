"""Character n-grams found by integer keys give what scikit-learn's vectorizer gives."""
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.model import CharGrams, Vocabulary
from nlp.ngrams import Alphabet


def test_character_n_grams_by_key_are_the_vectorizer_s_tf_idf():
    train = ["锦绣花园3栋楼道有人充电", "楼下一股煤气味 快来人", "早上好 大家好", "柳溪村五组有人赌博 赌博"]
    fitted = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32).fit(train)
    grams = CharGrams(Vocabulary({k: int(v) for k, v in fitted.vocabulary_.items()}, fitted.idf_.astype(np.float32)))
    texts = train + ["", "没见过的字", "有人 有人有人", "\0楼道\0"]
    assert np.allclose(grams.matrix(texts).toarray(), fitted.transform(texts).toarray(), atol=1e-6)


def test_an_n_gram_never_meets_a_shorter_one_or_one_across_an_unknown_character():
    alphabet = Alphabet(["ab", "b"])
    ids = alphabet.of("axb")  # x is unknown: id 0
    tables = alphabet.index({"ab": 0, "b": 1})
    assert tables[2].find(alphabet.keys(ids, 2)).tolist() == [-1, -1]
    assert tables[1].find(alphabet.keys(ids, 1)).tolist() == [-1, -1, 1]
    assert tables[2].find(alphabet.keys(alphabet.of("ab"), 2)).tolist() == [0]
