"""What the model reads of one message besides its characters: lexicon marks, sounds and cues.

No word segmentation: character n-grams carry the words, pinyin bigrams carry the sounds, and
segmenting cost as much as everything else together (and a dictionary's worth of memory).
"""
from dataclasses import dataclass

from nlp.cues import cue_tokens
from nlp.lexicon import lexicon_features
from nlp.pinyin import bigram_tokens, syllables
from nlp.rules import RuleHits, apply_rules


@dataclass(frozen=True)
class Read:
    """One message as the model reads it."""

    tokens: list[str]  # lexicon marks and pinyin bigrams: TF-IDF weighted
    cues: list[str]  # live-or-talked-about cues and alarm terms: binary
    hits: RuleHits


def read_message(masked: str) -> Read:
    """Everything the model reads of a normalised, masked message besides its characters."""
    hits = apply_rules(masked)
    sounds = syllables(masked)
    return Read(lexicon_features(masked) + bigram_tokens(sounds), cue_tokens(masked, hits, sounds), hits)
