"""繁体 → 简体, only for messages that have a traditional character (most have none, and OpenCC is slow)."""
from pathlib import Path
from typing import Callable


def make_t2s() -> Callable[[str], str]:
    """A converter that returns the text unchanged unless it holds a character OpenCC's t2s table would change."""
    import opencc
    from opencc import OpenCC

    table = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
    traditional = frozenset(line.split("\t", 1)[0] for line in table.read_text(encoding="utf-8").splitlines()
                            if line and "\t" in line)
    convert = OpenCC("t2s").convert

    def t2s(text: str) -> str:
        return convert(text) if not traditional.isdisjoint(text) else text
    return t2s
