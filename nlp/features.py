"""What the model reads of one message besides its characters: words, lexicon marks, sounds and cues."""
from nlp.cues import cue_tokens
from nlp.pinyin import bigram_tokens
from nlp.rules import RuleHits, apply_rules
from nlp.segment import tokenize, words


def message_tokens(tokenizer, masked: str) -> tuple[list[str], list[str], RuleHits]:
    """(jieba pieces tiling the text, feature tokens, rule hits) for a normalised, masked message."""
    pieces = tokenize(tokenizer, masked)
    hits = apply_rules(masked)
    return pieces, words(pieces, masked) + bigram_tokens(masked) + cue_tokens(masked, hits), hits
