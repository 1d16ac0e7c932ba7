"""What kind of image or voice recording some bytes really are, whatever their sender called them."""

SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
# Voice as WeChat delivers it: AMR (the WeCom app and the Official Account's media/get), SILK (WeChat's own
# codec, with or without its leading 0x02), Speex in an Ogg file (the Official Account's 16 kHz MediaId16K),
# and MP3 where a product converts. A browser plays only the last two; the others are offered for download.
VOICE_SIGNATURES = ((b"#!AMR", "audio/amr"), (b"#!SILK_V3", "audio/silk"), (b"\x02#!SILK_V3", "audio/silk"),
                    (b"OggS", "audio/ogg"), (b"ID3", "audio/mpeg"), (b"\xff\xfb", "audio/mpeg"))


def photo_type(data: bytes) -> str | None:
    """image/jpeg, image/png or image/webp by the file's first bytes; None for anything else."""
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def voice_type(data: bytes) -> str | None:
    """audio/amr, audio/silk, audio/ogg or audio/mpeg by the file's first bytes; None for anything else."""
    return next((kind for signature, kind in VOICE_SIGNATURES if data.startswith(signature)), None)
