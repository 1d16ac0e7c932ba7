"""What kind of photo or sound some bytes really are, by their first bytes, whatever their sender called them.

WeChat's media/get answers `application/octet-stream` as often as a real type, and a browser's form
says what the file is named, not what it is: the stored type comes from here, never from the sender.
"""
from core.config_media import PHOTO_TYPES, VOICE_TYPES

KINDS = {"photo": PHOTO_TYPES, "voice": VOICE_TYPES}
SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"GIF87a", "image/gif"),
              (b"GIF89a", "image/gif"), (b"#!AMR", "audio/amr"), (b"#!SILK_V3", "audio/silk"),
              (b"\x02#!SILK_V3", "audio/silk"), (b"ID3", "audio/mpeg"))


def sniff(data: bytes) -> str | None:
    """The MIME type of a photo or sound we keep, or None for anything else."""
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE"):
        return "image/webp" if data[8:12] == b"WEBP" else "audio/wav"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic"
    if data[:4] == b"OggS":
        return "audio/speex" if b"Speex   " in data[:128] else "audio/ogg"
    if len(data) > 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:  # an MPEG audio frame without an ID3 tag
        return "audio/mpeg"
    return None


def kind_of(content_type: str) -> str | None:
    """photo or voice for a type we keep."""
    return next((kind for kind, types in KINDS.items() if content_type in types), None)
