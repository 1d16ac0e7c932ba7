"""WeChat's and WeCom's published sample messages (tests/bot/samples/, one file each, the document's URL
on its first line), and the few values a test must make its own: who, when, which button."""
import re
from pathlib import Path

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> str:
    """The sample as published: the file less its first line (the source)."""
    return (SAMPLES / name).read_text(encoding="utf-8").split("\n", 1)[1]


def create_time(xml: str) -> int:
    return int(re.search(r"<CreateTime>(\d+)</CreateTime>", xml).group(1))


def with_values(xml: str, **values: str) -> str:
    """The sample with these top-level fields' text replaced, in the sample's own spelling (CDATA or not)."""
    for field, value in values.items():
        xml, found = re.subn(rf"(<{field}>(?:<!\[CDATA\[)?).*?((?:\]\]>)?</{field}>)",
                             lambda m, v=value: f"{m.group(1)}{v}{m.group(2)}", xml)
        assert found == 1, field
    return xml
