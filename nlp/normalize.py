"""Clean a WeChat message for reading, remembering where each kept character came from.

Removed: control characters, [图片]-style placeholders, @mentions, quoted replies, emoji.
Changed: full-width to half-width (NFKC), 繁体 to 简体, runs of spaces to one.
`Normalized.span_in_original` maps a span of the clean text back to the text as written,
so the place we report is exactly what the resident typed.
"""
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_REMOVE = re.compile(
    r"\[(?:图片|表情|语音|视频|文件|动画表情|链接|位置|红包|转账|[^\[\]]{1,6})\]"  # WeChat placeholders
    r"|「[^」]{0,500}」\s*(?:-\s*){3,}"  # quoted reply header: 「张三：...」 - - - - -
    r"|「[^」：:]{1,20}[:：][^」]{0,500}」"  # a quoted reply without the dashes: 「张三：...」
    r"|引用\s*[^:：\n]{0,20}[:：][^\n]{0,500}\n"  # 引用 张三：... (one line)
    r"|@[^\s@]{1,20}(?:\s|\u2005|$)"  # @mentions end with a space or U+2005
    r"|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]"  # controls, zero-width
    r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u2B00-\u2BFF\U000E0000-\U000E007F]"  # emoji and symbols
)

_ODD_SPACE = re.compile(r"[^\S ]| {2}")  # whitespace that is not one plain space: folded by the slow path
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF]")
_FIXES = {"著火": "着火", "着火": "着火"}


@dataclass(frozen=True)
class Normalized:
    """The clean text and, for each of its characters, the index in the original."""

    text: str
    origin: tuple[int, ...]
    original: str
    had_emoji: bool

    def span_in_original(self, start: int, end: int) -> str:
        """The original text covering clean characters [start, end)."""
        if start >= end or end > len(self.origin):
            return ""
        return self.original[self.origin[start]:self.origin[end - 1] + 1]


def normalize(text: str, to_simplified: Callable[[str], str] | None = None) -> Normalized:
    """Normalise `text`; `to_simplified` is a str -> str converter (OpenCC t2s) or None."""
    original = _as_str(text)
    text = _safe(original)  # same length, so spans map back onto the original as written
    if not _REMOVE.search(text) and not _ODD_SPACE.search(text) and unicodedata.is_normalized("NFKC", text):
        clean, origin, had_emoji = text, list(range(len(text))), False  # most messages: nothing to take out
    else:
        clean, origin, had_emoji = _cleaned(text)
    if to_simplified is not None:
        converted = to_simplified(clean)
        if len(converted) == len(clean):  # t2s is character for character on this path
            clean = converted
    for wrong, right in _FIXES.items():
        clean = clean.replace(wrong, right)
    # trim leading/trailing spaces while keeping the map aligned
    start = len(clean) - len(clean.lstrip())
    end = len(clean.rstrip())
    return Normalized(clean[start:end], tuple(origin[start:end]), original, had_emoji)


def _cleaned(text: str) -> tuple[str, list[int], bool]:
    """Placeholders, mentions, controls and emoji taken out, each character NFKC'd, whitespace runs one space."""
    removed = [False] * len(text)
    had_emoji = False
    for match in _REMOVE.finditer(text):
        had_emoji = had_emoji or bool(_EMOJI.search(match.group()))
        for i in range(match.start(), match.end()):
            removed[i] = True
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if removed[i]:
            continue
        for out in unicodedata.normalize("NFKC", ch):
            if out.isspace():
                if chars and chars[-1] == " ":
                    continue
                out = " "
            chars.append(out)
            origin.append(i)
    return "".join(chars), origin, had_emoji


def _as_str(text: object) -> str:
    return text if isinstance(text, str) else "" if text is None else str(text)


def _safe(text: str) -> str:
    """The text with each lone surrogate replaced by one '?'."""
    return text.encode("utf-8", "replace").decode("utf-8")



