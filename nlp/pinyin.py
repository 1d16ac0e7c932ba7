"""Sound, not spelling: toneless pinyin per character, so 煤起味 reads like 煤气味 and 着伙 like 着火.

Voice input and hurried typing swap characters for homophones. The model gets pinyin bigrams
beside the characters, and the emergency terms are also looked for by sound. One reading per
character (pypinyin's first), looked up in a table built once: no segmentation, no per-call cost
beyond a dict lookup per character.
"""
import importlib.util
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """Han character → toneless pinyin of its first reading (ü folded to v)."""
    table = {}
    for code, readings in _readings().items():
        first = readings.split(",", 1)[0].replace("ü", "v")
        plain = "".join(c for c in unicodedata.normalize("NFD", first) if not unicodedata.combining(c))
        table[chr(code)] = plain
    return table


def _readings() -> dict[int, str]:
    """pypinyin's table of character readings, read from its data file: importing the package also
    loads its phrase dictionary, 50 MB of a classify process for words this module never looks up."""
    spec = importlib.util.find_spec("pypinyin")
    data = Path(spec.origin).parent / "pinyin_dict.json" if spec and spec.origin else None
    if data is None or not data.exists():  # another layout: the package's own loader
        from pypinyin.pinyin_dict import pinyin_dict
        return dict(pinyin_dict)
    return {int(code): readings for code, readings in json.loads(data.read_text(encoding="utf-8")).items()}


def syllables(text: str) -> list[str | None]:
    """One syllable per character of `text`; None for anything that is not a Han character."""
    get = _table().get
    return [get(ch) for ch in text]


def sound_line(sounds: list[str | None]) -> str:
    """Syllables as ` mei qi wei | hen da `: between spaces, `|` where a non-Han run breaks them."""
    out = []
    for syllable in sounds:
        if syllable:
            out.append(syllable)
        elif not out or out[-1] != "|":
            out.append("|")
    return " " + " ".join(out) + " "


def bigram_tokens(sounds: list[str | None]) -> list[str]:
    """`py:mei_qi`-style features for each pair of neighbouring Han characters' syllables."""
    return [f"py:{a}_{b}" for a, b in zip(sounds, sounds[1:]) if a and b]


def sound_pattern(terms: list[str]) -> re.Pattern[str]:
    """A regex finding any of `terms` (Han only, two characters or more) in a sound_line, by sound."""
    keys = sorted({" ".join(s or "" for s in syllables(t)) for t in terms if len(t) >= 2 and all(syllables(t))},
                  key=len, reverse=True)
    # the space before is matched, not looked behind for: a pattern that starts with a literal is only
    # tried where that literal is, one that starts with a lookbehind at every character
    return re.compile(" " + _trie(keys) + "(?= )")


def _trie(words: list[str]) -> str:
    """An alternation of `words` factored by their shared beginnings (`mei (?:qi|yan)`): at each
    syllable the engine tries the few branches that start with its letter, not a hundred words."""
    if words == [""]:
        return ""
    rests: dict[str, list[str]] = {}
    for word in sorted(set(words), key=lambda w: (w == "", w)):  # the empty rest last: the longer words first
        rests.setdefault(word[:1], []).append(word[1:])
    parts = [re.escape(first) + _trie(rest) if first else "" for first, rest in rests.items()]
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
