"""Tiny hand-made image and PDF bytes for the M family tests (headers only, no imaging library)."""

from __future__ import annotations

import base64
import struct
from typing import Any


def png(w: int = 64, h: int = 48, pad: int = 16) -> bytes:
    ihdr = struct.pack(">II", w, h) + b"\x08\x06\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\x00" * (4 + pad)


def gif(w: int = 64, h: int = 48) -> bytes:
    return b"GIF89a" + struct.pack("<HH", w, h) + b"\x00" * 16


def jpeg(w: int = 64, h: int = 48, app_len: int = 16) -> bytes:
    """SOI, an APP1 segment of ``app_len`` bytes (EXIF stand-in), then SOF0 with the size."""
    app = b"\xff\xe1" + struct.pack(">H", app_len + 2) + b"\x00" * app_len
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, h, w, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app + sof + b"\xff\xd9"


def webp(w: int = 64, h: int = 48) -> bytes:
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00" + (w - 1).to_bytes(3, "little") \
        + (h - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(vp8x)) + b"WEBP" + vp8x


def pdf(pages: int) -> bytes:
    objs = b"".join(b"%d 0 obj << /Type /Page /Parent 1 0 R >> endobj\n" % (i + 2) for i in range(pages))
    return b"%PDF-1.4\n1 0 obj << /Type /Pages /Count " + str(pages).encode() + b" >> endobj\n" + objs + b"%%EOF\n"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def image(data: bytes | str, media_type: str = "image/png") -> dict[str, Any]:
    payload = data if isinstance(data, str) else b64(data)
    return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": payload}}


def document(data: bytes, title: str = "manual.pdf") -> dict[str, Any]:
    return {"type": "document", "title": title,
            "source": {"type": "base64", "media_type": "application/pdf", "data": b64(data)}}
