"""Images uploaded to a live-selling board: decoded to prove what they are, then written again
so nothing of the original travels on (EXIF with its location, comments, a second payload
after the image's end)."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from shared_protocol import ErrorCode, ProtocolError

# What a page may show from a board, and how it is written back.
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded


def clean_image(data: bytes, max_bytes: int) -> tuple[str, bytes]:
    """(content type, the image re-encoded without metadata); ProtocolError for anything that
    is not a PNG, JPEG or WebP image of a sane size, whatever its name or header says."""
    if len(data) > max_bytes:
        raise ProtocolError(
            ErrorCode.TOO_LARGE,
            f"the image is larger than {max_bytes // (1024 * 1024)} MB",
            limit=max_bytes,
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            if kind not in FORMATS:
                raise _not_an_image()
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ProtocolError(ErrorCode.TOO_LARGE, "the image has too many pixels")
            image.load()  # decodes every pixel: a truncated or forged file fails here
            return FORMATS[kind], _rewritten(image, kind)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise _not_an_image() from None


def _rewritten(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90)
    elif kind == "PNG":
        image.save(out, "PNG", optimize=False)  # no pnginfo: text chunks are dropped
    else:
        image.save(out, "WEBP", quality=90)
    return out.getvalue()


def _not_an_image() -> ProtocolError:
    return ProtocolError(
        ErrorCode.INVALID_MESSAGE, "that file is not a PNG, JPEG or WebP image", field="file"
    )
