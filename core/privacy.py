"""Full phone and ID numbers: found in what people write, masked for everyone, sealed for those who call back.

Residents type numbers every way a phone keyboard or voice input writes them: 13812345678,
138 1234 5678, 138-1234-5678, full-width １３８…, 一三八…, +86 138…, and ID numbers with a final X.
`find_numbers` reads all of them; `mask` writes 138****5678, 110***********1234, 0571-****3456 in
their place. The store keeps the masked text for triage, search, pages and logs, and the original
beside it sealed with the deployment's key (Fernet: AES-128-CBC with an HMAC-SHA256), so only an
explicit, audited reveal shows the full number.
"""
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)

_CHINESE = dict(zip("〇零一幺二三四五六七八九", "001123456789"))
_DIGIT_OF = {**{str(d): str(d) for d in range(10)}, **{chr(0xFF10 + d): str(d) for d in range(10)}, **_CHINESE}
_DIGIT = "0-9\uff10-\uff19" + "".join(_CHINESE)
# What voice input and careful typists put between digit groups: spaces (any width) and dashes.
_SEPARATOR = " \u00a0\u3000\\-\uff0d\u2010\u2011\u2013\u2014"
_GROUP = re.compile(f"[{_DIGIT}](?:[{_SEPARATOR}]{{0,3}}[{_DIGIT}])*")
_RUN = re.compile(f"[{_DIGIT}]+")
_ID_CHECK = "Xx\uff38\uff58"
_LONGEST = 18
SEALED_KEY = "sealed"  # in a stored JSON value: the original text, sealed, beside its masked "text"


@dataclass(frozen=True)
class Number:
    """One full number in a text: where it stands, what it is, its digits and how it is shown."""

    start: int
    end: int
    kind: str  # mobile | landline | id
    digits: str

    @property
    def masked(self) -> str:
        """138****5678, 0571-****3456, 110***********1234."""
        if self.kind == "mobile":
            return f"{self.digits[:3]}****{self.digits[-4:]}"
        if self.kind == "id":
            return f"{self.digits[:3]}{'*' * 11}{self.digits[-4:]}"
        area = 3 if self.digits[1] in "12" else 4
        return f"{self.digits[:area]}-****{self.digits[-4:]}"


def find_numbers(text: str) -> list[Number]:
    """Every full mobile, landline (with its area code) and resident ID number in `text`, in order."""
    found: list[Number] = []
    for group in _GROUP.finditer(text):
        runs = [(group.start() + r.start(), group.start() + r.end()) for r in _RUN.finditer(group.group())]
        i = 0
        while i < len(runs):
            best = _longest_from(text, runs, i)
            if best is None:
                i += 1
                continue
            found.append(best[1])
            i = best[0] + 1
    return found


def _longest_from(text: str, runs: list[tuple[int, int]], first: int) -> tuple[int, Number] | None:
    """The longest number made of whole digit runs starting at runs[first]: (index of its last run, number)."""
    digits, best = "", None  # type: tuple[str, tuple[int, Number] | None]
    for last in range(first, len(runs)):
        start, end = runs[last]
        digits += "".join(_DIGIT_OF[c] for c in text[start:end])
        if len(digits) > _LONGEST:
            break
        if len(digits) == 17 and last == len(runs) - 1 and text[end:end + 1] and text[end] in _ID_CHECK:
            digits, end = digits + "X", end + 1  # the ID's check character, written as a letter
        kind = _kind(digits)
        if kind == "mobile86":  # +86 / 86 before a mobile: the country code stays as written
            skip = _position_of_digit(text, runs, first, 2)
            best = (last, Number(skip, end, "mobile", digits[2:]))
        elif kind:
            best = (last, Number(runs[first][0], end, kind, digits))
    return best


def _position_of_digit(text: str, runs: list[tuple[int, int]], first: int, nth: int) -> int:
    """Where the nth digit (from 0) after runs[first]'s start stands in the text."""
    for start, end in runs[first:]:
        if nth < end - start:
            return start + nth
        nth -= end - start
    raise ValueError("fewer digits than asked for")


def _kind(d: str) -> str | None:
    if len(d) == 11 and d[0] == "1" and d[1] in "3456789":
        return "mobile"
    if len(d) == 13 and d.startswith("86") and _kind(d[2:]) == "mobile":
        return "mobile86"
    if len(d) == 18 and _plausible_id(d):
        return "id"
    if d[:1] == "0" and (len(d) == 11 and (d[1:3] == "10" or d[1] == "2") and d[3] in "23456789"
                         or len(d) in (11, 12) and d[1] in "3456789" and d[4] in "23456789"):
        return "landline"
    return None


def _plausible_id(d: str) -> bool:
    """A region, then a birth date (GB 11643): enough to be someone's ID even if the check digit is mistyped."""
    if not d[:17].isdigit() or d[0] not in "12345678":
        return False
    year, month, day = int(d[6:10]), int(d[10:12]), int(d[12:14])
    return 1880 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31


def mask(text: str) -> str:
    """`text` with every full number replaced by its masked form; idempotent."""
    numbers = find_numbers(text)
    if not numbers:
        return text
    parts, at = [], 0
    for n in numbers:
        parts += [text[at:n.start], n.masked]
        at = n.end
    return "".join(parts) + text[at:]


class SealBroken(Exception):
    """A sealed value this key cannot open: another key sealed it, or it was altered."""


class Privacy:
    """Seals and unseals with the deployment's key; run.py gives it the key before anything is stored."""

    def __init__(self, key: bytes | None = None) -> None:
        self._fernet = Fernet(key) if key else None

    @classmethod
    def ephemeral(cls) -> "Privacy":
        """A key that lives as long as this object: for tests and tools that keep nothing."""
        return cls(Fernet.generate_key())

    def use_key(self, key: bytes) -> None:
        """From now on seal and unseal with `key` (start-up, once the store has accepted it)."""
        self._fernet = Fernet(key)

    def seal(self, text: str) -> str:
        """The text, encrypted and authenticated."""
        return self._key().encrypt(text.encode("utf-8")).decode("ascii")

    def unseal(self, token: str) -> str:
        """The sealed text; SealBroken if this key did not seal it."""
        try:
            return self._key().decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise SealBroken("sealed with another key, or altered") from exc

    def split(self, text: str) -> tuple[str, str | None]:
        """(masked text, the original sealed) — or (text, None) when it holds no full number."""
        masked = mask(text)
        return (masked, self.seal(text)) if masked != text else (text, None)

    def kept(self, text: str) -> dict[str, str]:
        """{"text": masked} with {"sealed": original} beside it when it holds a full number: for a JSON column."""
        masked, sealed = self.split(text)
        return {"text": masked} | ({SEALED_KEY: sealed} if sealed else {})

    def text_of(self, kept: Mapping[str, Any]) -> str:
        """The text as written, from a value made by `kept` (or one holding a plain "text")."""
        return self.original(str(kept.get("text") or ""), kept.get(SEALED_KEY))

    def original(self, masked: str, sealed: str | None) -> str:
        """What was written: unsealed if there is a seal, else the stored text (the masked text if it cannot be opened)."""
        if not sealed:
            return masked
        try:
            return self.unseal(sealed)
        except SealBroken:
            log.warning("a sealed value could not be opened; going on with the masked text")
            return masked

    def _key(self) -> Fernet:
        if self._fernet is None:
            raise RuntimeError("no privacy key: run.py opens it at start (privacy.key_file)")
        return self._fernet
