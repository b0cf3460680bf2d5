"""Image media types from magic bytes, and base64 helpers that never decode more than needed.

Shared by the O family (turning OpenAI ``image_url`` data URIs into ``image`` blocks) and the M
family (checking a declared ``media_type`` against the bytes).  The API accepts exactly four image
types (API_RULES.md MEDIA-01), so :func:`sniff_image_type` answers only for those; anything else
is None, and :func:`sniff_other_image_type` can name the usual unsupported suspects for a message.

Base64 strings in logs can be tens of megabytes: :func:`base64_head` decodes only a prefix (enough
for a header) and :func:`base64_decoded_size` computes the decoded length from the string length,
so a check never decodes a large image just to look at it.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

SUPPORTED_IMAGE_TYPES: tuple[str, ...] = ("image/jpeg", "image/png", "image/gif", "image/webp")
"""The image media types the Messages API accepts, in the order its error text lists them."""

_B64_ALPHABET = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")
_DATA_URI = re.compile(r"^data:(?P<mt>[^;,]*)(?P<params>(?:;[^;,]*)*),(?P<data>.*)$", re.DOTALL)


def sniff_image_type(data: bytes) -> str | None:
    """The media type of an image from its first bytes, or None if it is not png/jpeg/gif/webp.

    Only the first 12 bytes are read, so a :func:`base64_head` prefix is enough.
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def sniff_other_image_type(data: bytes) -> str | None:
    """Name a common image type the API does *not* accept (for a helpful message), or None."""
    head = data[:256]
    if head.startswith(b"BM"):
        return "image/bmp"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if head.startswith(b"\x00\x00\x01\x00"):
        return "image/x-icon"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "image/avif"
        if brand in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
            return "image/heic"
    stripped = head.lstrip()
    if stripped.startswith(b"<svg") or (stripped.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    return None


def decode_base64(data: str) -> bytes | None:
    """Strict standard base64 (the alphabet the API accepts) → bytes, or None if it is not valid.

    Whitespace is not tolerated: the API's validator does not strip it either.
    """
    if not isinstance(data, str):
        return None
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None


def base64_head(data: str, n: int = 32) -> bytes | None:
    """Decode just enough of ``data`` to return its first ``n`` bytes (None if that part is invalid)."""
    if not isinstance(data, str):
        return None
    chars = -(-n // 3) * 4  # whole 4-character groups covering n bytes
    prefix = data[:chars]
    if len(prefix) % 4:
        prefix += "=" * (-len(prefix) % 4)
    try:
        return base64.b64decode(prefix, validate=True)[:n]
    except (binascii.Error, ValueError):
        return None


def base64_decoded_size(data: str) -> int:
    """The decoded length of a well-formed base64 string, computed without decoding it."""
    n = len(data)
    padding = 2 if data.endswith("==") else 1 if data.endswith("=") else 0
    return max(0, n // 4 * 3 + {0: 0, 2: 1, 3: 2}.get(n % 4, 0) - padding)


def looks_like_base64(data: str) -> bool:
    """True when ``data`` uses only the standard alphabet with correct padding and length.

    A cheap regular-expression check; use it before :func:`base64_decoded_size` on huge strings.
    """
    return isinstance(data, str) and len(data) % 4 == 0 and bool(_B64_ALPHABET.match(data))


def parse_data_uri(uri: str) -> tuple[str, str] | None:
    """``data:image/png;base64,AAAA`` → ``("image/png", "AAAA")``; None unless it is a base64 data URI.

    The declared media type is returned lower-cased (possibly empty); the data is not validated.
    """
    if not isinstance(uri, str):
        return None
    m = _DATA_URI.match(uri.strip())
    if not m:
        return None
    params = [p.strip().lower() for p in m.group("params").split(";") if p.strip()]
    if "base64" not in params:
        return None
    return m.group("mt").strip().lower(), m.group("data").strip()


def image_block_from_url(url: Any) -> dict[str, Any] | None:
    """An OpenAI image URL (``data:`` URI or ``http(s)``) → an Anthropic image block, or None.

    The media type of a data URI is read from the image's magic bytes: the declared one is often
    wrong, and the API checks it against the bytes.
    """
    if isinstance(url, dict):
        url = url.get("url")
    if not isinstance(url, str):
        return None
    url = url.strip()
    parsed = parse_data_uri(url)
    if parsed is not None:
        declared, data = parsed
        head = base64_head(data, 16)
        if head is None or not looks_like_base64(data):
            return None
        media = sniff_image_type(head) or (declared if declared in SUPPORTED_IMAGE_TYPES else None)
        if media is None:
            return None
        return {"type": "image", "source": {"type": "base64", "media_type": media, "data": data}}
    if url.lower().startswith(("https://", "http://")):
        return {"type": "image", "source": {"type": "url", "url": url}}
    return None
