"""Durations as written in config.yaml and in tests: 90s, 10m, 2h, 1d (and combinations)."""
import re
from datetime import timedelta

_PART = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str | int | float | timedelta) -> timedelta:
    """Parse '90s', '10m', '2h', '1d' or '1h30m'; a bare number means seconds."""
    if isinstance(text, timedelta):
        return text
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return timedelta(seconds=text)
    if not isinstance(text, str):
        raise ValueError(f"expected a duration like 90s, 10m, 2h, 1d, got {text!r}")
    compact = text.strip().lower().replace(" ", "")
    if not compact or _PART.sub("", compact):
        raise ValueError(f"bad duration {text!r}: write it like 90s, 10m, 2h, 1d")
    total = timedelta()
    for number, unit in _PART.findall(compact):
        total += timedelta(**{_UNITS[unit]: int(number)})
    return total


def format_duration(delta: timedelta) -> str:
    """Render a duration for people, in Chinese: 1天2小时, 35分钟, 40秒."""
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days}天" if days else "", f"{hours}小时" if hours else "",
             f"{minutes}分钟" if minutes and not days else ""]
    text = "".join(parts)
    return text or f"{secs}秒"
