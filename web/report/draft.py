"""The report form's fields, checked: what happened, where (picked or located), an optional phone."""
import math
import re
from dataclasses import dataclass

from core.settings import Settings
from web.report.places import choices, grid_village, resolve

MIN_TEXT, MAX_TEXT = 4, 1000
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


@dataclass(frozen=True)
class Draft:
    """A report as the form gave it, ready to store."""

    text: str
    village: str = ""
    place_name: str = ""
    building: str = ""
    place: str = ""  # the picked place as text (锦绣花园12栋), "" if none picked
    grid_id: str | None = None  # the picked place's area
    preset_grid: str | None = None  # the poster's grid
    lat: float | None = None
    lng: float | None = None
    phone: str = ""


def read_draft(settings: Settings, fields: dict[str, str]) -> tuple[Draft, list[str]]:
    """The draft and every problem with it, in the words the reporter will read."""
    problems = []
    text = fields.get("text", "").strip()
    if len(text) < MIN_TEXT:
        problems.append("请写清楚发生了什么（至少几个字）")
    elif len(text) > MAX_TEXT:
        problems.append(f"内容请不要超过{MAX_TEXT}字")
    village, name = fields.get("village", "").strip(), fields.get("place", "").strip()
    building = fields.get("building", "").strip()
    if building and not (building.isascii() and building.isdigit() and 0 < int(building) < 1000):
        problems.append("栋号请填数字，例如 12")
        building = ""
    known = {(c.village_id, c.name) for c in choices(settings)}
    place, grid_id = "", None
    if name:
        village = village or next((v for v, n in known if n == name), "")
        if (village, name) not in known:
            problems.append("请从列表里选择地点，或者用“定位”")
        else:
            place, grid_id = resolve(settings, village, name, int(building) if building else None)
    lat, lng = _coordinate(fields.get("lat"), 90), _coordinate(fields.get("lng"), 180)
    if (lat is None) != (lng is None):
        lat = lng = None
    phone = fields.get("phone", "").strip().replace(" ", "")
    if phone and not _PHONE.match(phone):
        problems.append("电话号码格式不对（手机号11位，或带区号的座机）")
    preset = fields.get("grid", "").strip() or None
    preset = preset if grid_village(settings, preset) else None
    return Draft(text=text[:MAX_TEXT], village=village, place_name=name, building=building, place=place,
                 grid_id=grid_id, preset_grid=preset, lat=lat, lng=lng, phone=phone), problems


def _coordinate(value: str | None, bound: float) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if math.isfinite(number) and abs(number) <= bound else None
