"""The configured places: find them in text, and resolve a place span to its grid or micro-grid."""
import re
from dataclasses import dataclass
from typing import Any

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[零一二两三四五六七八九十百]+")
_BUILDING = re.compile(r"(\d+)\s*(?:栋|幢|号楼|座|单元)")


def cn_to_digits(text: str) -> str:
    """五组 → 5组, 十二栋 → 12栋 (numbers up to 999)."""
    def convert(m: re.Match[str]) -> str:
        s, total, current = m.group(), 0, 0
        for ch in s:
            if ch == "百":
                total, current = total + (current or 1) * 100, 0
            elif ch == "十":
                total, current = total + (current or 1) * 10, 0
            else:
                current = _CN_DIGITS[ch]
        return str(total + current)
    return _CN_NUMBER.sub(convert, text)


@dataclass(frozen=True)
class Entry:
    """One configured place name (or alias) and where it belongs."""

    name: str  # as configured (the alias itself for alias entries)
    key: str  # numerals as digits, for matching
    canonical: str  # the place's configured name, shared by its aliases
    kind: str
    grid_id: str | None
    village_id: str | None
    low: int | None  # building range
    high: int | None
    is_alias: bool
    micro: bool = False  # a micro-grid's place: more specific than its grid's


class Gazetteer:
    """Places of the configured community, from plain entries (no config reading here)."""

    def __init__(self, entries: list[Entry]):
        self.entries = sorted(entries, key=lambda e: -len(e.key))
        villages = [e for e in self.entries if e.kind == "village"]
        # 刘溪村二组 means 柳溪村二组: village aliases are rewritten to the village's name before matching
        self._village_aliases = [(e.key, cn_to_digits(e.canonical)) for e in villages if e.is_alias]
        self._village_names = {e.village_id: cn_to_digits(e.canonical) for e in villages}
        # entries by the first character of their name (find) and of their key (resolve's near matches): each
        # runs on every report, and only the entries whose first character the text holds can match
        self._by_name = _by_first([(e.name, i) for i, e in enumerate(self.entries)
                                   if len(e.name) >= 2 and not (e.is_alias and e.kind == "village_group")])
        self._by_key = _by_first([(e.key, i) for i, e in enumerate(self.entries) if e.grid_id and len(e.key) >= 3])

    @classmethod
    def from_entries(cls, raw: list[dict[str, Any]]) -> "Gazetteer":
        """Build from dicts {name, aliases, kind, buildings "1-12"|None, grid_id, village_id, micro}."""
        entries = []
        for item in raw:
            low = high = None
            if item.get("buildings"):
                low, high = (int(x) for x in item["buildings"].split("-"))
            for name, alias in [(item["name"], False)] + [(a, True) for a in item.get("aliases", [])]:
                entries.append(Entry(name, cn_to_digits(name), item["name"], item.get("kind", "landmark"),
                                     item.get("grid_id"),
                                     item.get("village_id"), low, high, alias, bool(item.get("micro"))))
        return cls(entries)

    def names(self) -> list[str]:
        """Every name and alias, for the segmentation dictionary."""
        return sorted({e.name for e in self.entries})

    def find(self, clean: str) -> list[tuple[int, int]]:
        """Spans of configured names in the clean text (longest names first, no overlaps)."""
        taken: list[tuple[int, int]] = []
        for entry in self._candidates(self._by_name, clean):  # "一组" alone is too common to mean our village's group
            start = clean.find(entry.name)
            while start != -1:  # str.find, not a regex per name: this runs on every report
                end = start + len(entry.name)
                if not any(s < end and start < e for s, e in taken):
                    taken.append((start, end))
                start = clean.find(entry.name, end)
        return taken

    def resolve(self, span: str) -> Entry | None:
        """The most specific entry the span refers to: exact, then alias, then one typo away."""
        key = cn_to_digits(span)
        for alias, name in self._village_aliases:
            key = key.replace(alias, name)
        building = _BUILDING.search(key)
        number = int(building.group(1)) if building else None
        exact = [e for e in self.entries if e.key in key and e.grid_id and self._fits(e, key)]
        matches = exact or [e for e in self._candidates(self._by_key, key) if _near(e.key, key)]
        if not matches:
            return None
        names = {e.canonical for e in matches}  # an alias stands for every entry of its place
        matches = [e for e in self.entries if e.canonical in names and e.grid_id]
        if number is None:  # no building given: the grid, not one of its micro-grids
            return min(matches, key=lambda e: (e.micro, e.is_alias))
        in_range = [e for e in matches if e.low is not None and e.high is not None and e.low <= number <= e.high]
        chosen = in_range or [e for e in matches if not e.micro]
        # a micro-grid's narrow range beats its grid's wide one
        return min(chosen, key=lambda e: ((e.high - e.low) if e.low is not None and e.high is not None else 10**6,
                                          not e.micro, e.is_alias))

    def _candidates(self, by_first: dict[str, list[int]], text: str) -> list[Entry]:
        """The entries of `by_first` whose first character is in `text`, in their order."""
        return [self.entries[i] for i in sorted(i for ch in set(text) for i in by_first.get(ch, ()))]

    def _fits(self, entry: Entry, key: str) -> bool:
        if entry.kind == "village_group" and entry.is_alias and "村" in key:
            # "5组" alone is ours; "幸福村5组" is another village's group
            return self._village_names.get(entry.village_id, "\0") in key
        return True


def _by_first(names: list[tuple[str, int]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for name, i in names:
        out.setdefault(name[0], []).append(i)
    return out


def _near(name: str, text: str) -> bool:
    """Some window of `text` differs from `name` in at most one character (typos, homophones)."""
    n = len(name)
    i = text.find(name[0])
    while i != -1 and i + n <= len(text):  # only where the first character already agrees
        if sum(a != b for a, b in zip(text[i:i + n], name)) <= 1:
            return True
        i = text.find(name[0], i + 1)
    return False
