"""M: images and documents (API_RULES.md §9, MEDIA-01 … MEDIA-05).

Every base64 image is looked at once per check (memoised on the context): the string is
validated with one regular-expression pass, only a 64 KiB prefix is decoded for the magic bytes
and the header dimensions (a JPEG whose size marker lies deeper is decoded whole, once), and the
size limit is read from the string length without decoding.  Images inside ``tool_result``
content are included; their API locations carry the tags
(``messages.8.content.0.tool_result.content.0.image.source.base64``).

Size limit, measured on the *base64 string*: API_RULES.md MEDIA-03 says "decoded image larger
than 5 MB", but the byte count in the API's own message is the length of the base64 text — a
4,804,036-byte GIF was rejected as ``6405384 bytes > 5242880 bytes``, which is exactly its
base64 length (langchain-ai/langchain#21654; also openclaw/openclaw#5344, ai-ecoverse/slicc#117).
So M003 compares ``len(data)`` with 5,242,880 and quotes that number.

Width and height are read by hand from the PNG IHDR, GIF logical screen, WebP (VP8 / VP8L /
VP8X) and JPEG SOFn headers; no imaging library is used.  PDF pages are counted heuristically
(``/Type /Page`` objects, not ``/Pages``); PDFs that keep their page objects in compressed object
streams are undercounted, so M005 can miss a long PDF but does not invent pages.
"""

from __future__ import annotations

import re
import struct
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tui.core import apishapes
from tui.core.findings import Applicability, Fix, Severity, Violation
from tui.core.media_types import (
    SUPPORTED_IMAGE_TYPES, base64_head, decode_base64, looks_like_base64, parse_data_uri,
    sniff_image_type, sniff_other_image_type,
)
from tui.core.paths import Path
from tui.core.repair import ops
from tui.core.rules.context import BlockRef, CheckContext
from tui.core.rules.registry import rule
from tui.core.rules.roles import content_blocks, drop_message_ops, is_plain_message, role_of

MAX_IMAGE_BASE64 = 5_242_880
MAX_SIDE = 8000
MAX_SIDE_MANY = 2000
MANY_IMAGES = 20
MAX_PDF_PAGES = 100
_HEAD_BYTES = 65_536

_MEDIA_TYPE_TEXT = "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"
_PAGE_RE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_WHITESPACE = re.compile(r"\s")


@dataclass(frozen=True, slots=True)
class MediaRef:
    """An image or document block, top-level or inside a tool_result, and its API location."""

    path: Path
    loc: str
    """The API's location of the block *with* its tag: ``messages.3.content.1.image``."""
    block: dict[str, Any]

    @property
    def source(self) -> dict[str, Any] | None:
        s = self.block.get("source")
        return s if isinstance(s, dict) else None


@dataclass(slots=True)
class ImageInfo:
    """What one look at a base64 image tells: computed once per check, read by every M rule."""

    ref: MediaRef
    declared: Any
    data: str
    valid: bool
    sniffed: str | None = None
    other: str | None = None
    dims: tuple[int, int] | None = None


def cached_blocks(ctx: CheckContext) -> Iterator[BlockRef]:
    """Every block of every message, from the context's cached turns (no list rebuilt per call)."""
    for turn in ctx.turns:
        yield from turn.blocks


_REFS_MEMO: weakref.WeakKeyDictionary[CheckContext, dict[str, list[MediaRef]]] = weakref.WeakKeyDictionary()


def _media_refs(ctx: CheckContext, kind: str) -> list[MediaRef]:
    """Image or document blocks, top-level and inside tool_result content (memoised per check)."""
    memo = _REFS_MEMO.setdefault(ctx, {})
    if kind not in memo:
        memo[kind] = _find_media(ctx, kind)
    return memo[kind]


def _find_media(ctx: CheckContext, kind: str) -> list[MediaRef]:
    out: list[MediaRef] = []
    for b in cached_blocks(ctx):
        if b.index is None:
            continue
        loc = f"messages.{b.message}.content.{b.index}"
        if b.type == kind:
            out.append(MediaRef(b.path, f"{loc}.{kind}", b.block))
        elif b.type == "tool_result" and isinstance(b.block.get("content"), list):
            for k, sub in enumerate(b.block["content"]):
                if isinstance(sub, dict) and sub.get("type") == kind:
                    out.append(MediaRef((*b.path, "content", k), f"{loc}.tool_result.content.{k}.{kind}", sub))
    return out


# -- image headers -------------------------------------------------------------------------

_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def image_dimensions(data: bytes, media_type: str | None) -> tuple[int, int] | None:
    """``(width, height)`` from the header of a png/gif/webp/jpeg, or None if it is not there."""
    try:
        if media_type == "image/png" and len(data) >= 24 and data[12:16] == b"IHDR":
            w, h = struct.unpack(">II", data[16:24])
            return w, h
        if media_type == "image/gif" and len(data) >= 10:
            w, h = struct.unpack("<HH", data[6:10])
            return w, h
        if media_type == "image/webp" and len(data) >= 30:
            chunk = data[12:16]
            if chunk == b"VP8X":
                w = int.from_bytes(data[24:27], "little") + 1
                h = int.from_bytes(data[27:30], "little") + 1
                return w, h
            if chunk == b"VP8L" and data[20] == 0x2F:
                bits = int.from_bytes(data[21:25], "little")
                return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
            if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
                w, h = struct.unpack("<HH", data[26:30])
                return w & 0x3FFF, h & 0x3FFF
            return None
        if media_type == "image/jpeg":
            return _jpeg_dimensions(data)
    except (struct.error, IndexError):
        return None
    return None


def _jpeg_dimensions(data: bytes) -> tuple[int, int] | None:
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01, *range(0xD0, 0xDA)):  # standalone markers
            i += 2
            continue
        if marker in _SOF:
            if i + 9 > n:
                return None
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return None


def _analyse(ref: MediaRef) -> ImageInfo | None:
    src = ref.source
    if src is None or src.get("type") != "base64" or not isinstance(src.get("data"), str):
        return None
    data = src["data"]
    info = ImageInfo(ref, src.get("media_type"), data, valid=bool(data) and looks_like_base64(data))
    if not info.valid:
        return info
    head = base64_head(data, _HEAD_BYTES) or b""
    info.sniffed = sniff_image_type(head)
    info.other = None if info.sniffed else sniff_other_image_type(head)
    if info.sniffed:
        info.dims = image_dimensions(head, info.sniffed)
        if info.dims is None and info.sniffed == "image/jpeg" and len(data) > len(head) * 4 // 3:
            full = decode_base64(data)
            info.dims = image_dimensions(full, info.sniffed) if full else None
    return info


_MEMO: weakref.WeakKeyDictionary[CheckContext, list[ImageInfo]] = weakref.WeakKeyDictionary()


def image_count(ctx: CheckContext) -> int:
    """Image blocks of any source in the request, tool_result content included."""
    return len(_media_refs(ctx, "image"))


def image_infos(ctx: CheckContext) -> list[ImageInfo]:
    """Every base64 image of the request, analysed once per check."""
    got = _MEMO.get(ctx)
    if got is None:
        got = [i for i in (_analyse(r) for r in _media_refs(ctx, "image")) if i is not None]
        _MEMO[ctx] = got
    return got


def _note_fix(ref: MediaRef, why: str) -> Fix:
    """Unsafe: replace the image with a text note saying what was there and why it went."""
    note = {"type": "text", "text": f"[image removed by payload-doctor: {why}]"}
    return ops.unsafe(f"replace the image with a text note ({why})", ops.replace(ref.path, note))


def _fmt(n: int) -> str:
    return f"{n:,}"


# -- rules ---------------------------------------------------------------------------------


@rule("M001", "unsupported-image-media-type", Severity.ERROR, references=("MEDIA-01",),
      fix=Applicability.SAFE)
def unsupported_image_media_type(ctx: CheckContext) -> Iterator[Violation]:
    """A base64 image declares a media type other than jpeg, png, gif or webp.

    ## What it does
    Checks the `media_type` of every base64 image source (including images inside
    `tool_result` content) against the four types the API accepts, and reads the magic bytes to
    say what the image really is.

    ## Why is this bad?
    The API rejects it: ``messages.208.content.0.tool_result.content.0.image.source.base64.media_type:
    Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'``.  Typical causes:
    `image/jpg` (not a registered type), a screenshot tool that sends SVG or BMP, HEIC photos
    from a phone.

    ## Example
    ```json
    {"type": "image", "source": {"type": "base64", "media_type": "image/jpg", "data": "/9j/4AAQ..."}}
    ```

    ## Fix
    *Safe* when the bytes are a supported image: set `media_type` from the magic bytes.  When
    the image really is SVG/BMP/HEIC/TIFF or cannot be read, converting it is not done
    automatically (re-encode it as PNG); the *unsafe* fix replaces it with a text note.
    """
    for info in image_infos(ctx):
        if info.declared in SUPPORTED_IMAGE_TYPES or not isinstance(info.declared, str):
            continue  # a missing or non-string media_type is B005's / B006's
        ref = info.ref
        shown = info.declared
        if info.sniffed:
            fix = ops.safe(f"set media_type to {info.sniffed} (from the image bytes)",
                           ops.replace((*ref.path, "source", "media_type"), info.sniffed))
            what = f"the bytes are {info.sniffed}"
        else:
            what = f"the bytes are {info.other}" if info.other else "the bytes are not a supported image"
            fix = _note_fix(ref, f"unsupported image type {info.other or shown}")
        yield Violation(
            (*ref.path, "source", "media_type"),
            f"image media_type {shown} is not accepted ({what})",
            api_error=f"{ref.loc}.source.base64.media_type: {_MEDIA_TYPE_TEXT}",
            fix=fix,
        )


@rule("M002", "image-media-type-mismatch", Severity.ERROR, references=("MEDIA-02",),
      fix=Applicability.SAFE)
def image_media_type_mismatch(ctx: CheckContext) -> Iterator[Violation]:
    """A base64 image's bytes are not the media type it declares.

    ## What it does
    Compares the declared `media_type` (one of the four accepted types) with the type read from
    the magic bytes.  Bytes that are no accepted image at all (BMP, SVG, HEIC sent as
    `image/png`, or random data) are reported too, as a *warning*: the API's answer for those
    is not documented.

    ## Why is this bad?
    The API rejects a mismatch.  Its wording since 2026: ``messages.83.content.0.tool_result.content.1.image.source.base64:
    The image was specified using the image/jpeg media type, but the image appears to be a
    image/png image``.  Before (2025): ``messages.2.content.0.image.source.base64.data: Image
    does not match the provided media type image/jpeg``.  Tools that save PNG screenshots under
    a `.jpg` name, or guess the type from the file extension, cause it.

    ## Example
    ```json
    {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "iVBORw0KGgo..."}}
    ```

    ## Fix
    *Safe*: set `media_type` to the type read from the bytes.  For bytes that are not an
    accepted image the only automatic repair is *unsafe*: replace the image with a text note.
    """
    for info in image_infos(ctx):
        if info.declared not in SUPPORTED_IMAGE_TYPES or not info.valid:
            continue
        ref = info.ref
        if info.sniffed and info.sniffed != info.declared:
            yield Violation(
                (*ref.path, "source", "media_type"),
                f"image declared as {info.declared} but its bytes are {info.sniffed}",
                api_error=(f"{ref.loc}.source.base64: The image was specified using the "
                           f"{info.declared} media type, but the image appears to be a "
                           f"{info.sniffed} image"),
                related=((*ref.path, "source", "data"),),
                fix=ops.safe(f"set media_type to {info.sniffed} (from the image bytes)",
                             ops.replace((*ref.path, "source", "media_type"), info.sniffed)),
            )
        elif info.sniffed is None:
            what = f"{info.other}, which the API does not accept" if info.other else "not a recognisable image"
            yield Violation(
                (*ref.path, "source", "data"),
                f"image declared as {info.declared} but its bytes are {what}",
                api_error=None, severity=Severity.WARNING,
                fix=_note_fix(ref, f"data is {info.other or 'not an image'}"),
            )


@rule("M003", "image-too-large", Severity.ERROR, references=("MEDIA-03",), fix=Applicability.UNSAFE)
def image_too_large(ctx: CheckContext) -> Iterator[Violation]:
    """A base64 image is over the 5 MB (5,242,880 bytes) limit.

    ## What it does
    Compares the length of each base64 image string with 5,242,880.  The limit applies to the
    base64 text, not to the decoded file: a 4.6 MB GIF is 6.4 MB of base64 and is rejected.
    (The API's wording says "decoded"; the byte counts in the API's own messages are the
    base64 lengths, see langchain-ai/langchain#21654.)

    ## Why is this bad?
    The API rejects it: ``messages.8.content.0.tool_result.content.0.image.source.base64: image
    exceeds 5 MB maximum: 17699328 bytes > 5242880 bytes``.  Because agents resend their whole
    history, one oversized screenshot breaks every later request of the session.

    ## Example
    A 5,000 × 3,000 PNG screenshot attached as base64.

    ## Fix
    Downscale or recompress the image (JPEG/WebP, long side ≤ 1568 px is what the model sees
    anyway): not done automatically, since it needs an image library and changes the image.
    The *unsafe* fix replaces the image with a text note.
    """
    for info in image_infos(ctx):
        size = len(info.data)
        if size <= MAX_IMAGE_BASE64:
            continue
        ref = info.ref
        yield Violation(
            (*ref.path, "source", "data"),
            f"image is {_fmt(size)} bytes of base64 (~{size * 3 // 4 // 1024 // 1024} MB decoded); the limit is "
            f"{_fmt(MAX_IMAGE_BASE64)} bytes of base64",
            api_error=f"{ref.loc}.source.base64: image exceeds 5 MB maximum: {size} bytes > {MAX_IMAGE_BASE64} bytes",
            fix=_note_fix(ref, f"{_fmt(size)} bytes of base64, over the 5 MB limit"),
        )


@rule("M004", "image-dimensions", Severity.ERROR, references=("MEDIA-04",), fix=Applicability.UNSAFE)
def image_dimensions_rule(ctx: CheckContext) -> Iterator[Violation]:
    """An image side is over 8000 px, or over 2000 px in a request with more than 20 images.

    ## What it does
    Reads width and height from the image header (PNG, GIF, WebP, JPEG) of every base64 image
    and compares the longer side with 8000 px; when the request holds more than 20 images
    (any source, `tool_result` content included) the limit is 2000 px.  The image block's own
    `transformations.oversized_image` (SDK: `types/image_block_param.py`,
    `types/image_transformations_param.py`) decides the severity.  `"error"`: the API rejects
    the request, an error.  Absent, `{}` or `"downsize"` (the default): the API scales the
    image down to fit and accepts the request (a logged 200 on Sonnet 4.6), so it is a
    warning that the model sees a smaller image than was sent.

    ## Why is this bad?
    With `oversized_image: "error"` the API rejects it with a 400 naming the image's dimensions
    and the largest that fit (SDK docstring).  The recorded wording (from
    before `transformations` existed) is ``messages.7.content.2.image.source.base64.data:
    At least one of the image dimensions exceed max allowed size: 8000 pixels``, and for
    many-image requests ``… exceed max allowed size for many-image requests: 2000 pixels``; the
    finding quotes it.  By default the model silently sees a smaller image than was sent
    ("changes the dimensions the model observes without telling you", SDK docstring): fine
    print in a full-page screenshot may become unreadable.  Full-page screenshots and agents
    that accumulate screenshots in history hit these.

    ## Example
    A 1280 × 9000 px full-page screenshot; or 25 screenshots of 2560 × 1440.

    ## Fix
    Downscale or crop the image yourself (not done automatically: it needs an image library and
    changes the image), or split a tall screenshot into several.  The *unsafe* fix replaces the
    image with a text note.
    """
    infos = image_infos(ctx)
    count = image_count(ctx)
    many = count > MANY_IMAGES
    for info in infos:
        if info.dims is None:
            continue
        w, h = info.dims
        ref = info.ref
        side = max(w, h)
        if side > MAX_SIDE:
            api = (f"{ref.loc}.source.base64.data: At least one of the image dimensions exceed max "
                   f"allowed size: {MAX_SIDE} pixels")
            why = f"{w}x{h} px is over the {MAX_SIDE} px limit"
        elif many and side > MAX_SIDE_MANY:
            api = (f"{ref.loc}.source.base64.data: At least one of the image dimensions exceed max "
                   f"allowed size for many-image requests: {MAX_SIDE_MANY} pixels")
            why = f"{w}x{h} px is over the {MAX_SIDE_MANY} px limit for requests with more than {MANY_IMAGES} images ({count} here)"
        else:
            continue
        tf = ref.block.get("transformations")
        if isinstance(tf, dict) and tf.get("oversized_image") == "error":
            yield Violation((*ref.path, "source", "data"), f"image {why} and transformations.oversized_image "
                            f"is 'error'", api_error=api, fix=_note_fix(ref, why))
            continue
        yield Violation((*ref.path, "source", "data"),
                        f"image {why}: the API downsizes it to fit (transformations.oversized_image defaults to "
                        f"'downsize'), so the model sees a smaller image than was sent; set it to 'error' to be "
                        f"rejected instead", severity=Severity.WARNING, fix=_note_fix(ref, why))


def _pdf_pages(ref: MediaRef) -> int | None:
    src = ref.source
    if src is None or src.get("type") != "base64" or not isinstance(src.get("data"), str):
        return None
    data = src["data"]
    if src.get("media_type") != "application/pdf" and not data.startswith("JVBER"):
        return None
    raw = decode_base64(data)
    if raw is None:
        return None
    return len(_PAGE_RE.findall(raw))


_PDF_MEMO: weakref.WeakKeyDictionary[CheckContext, list[tuple[MediaRef, int]]] = weakref.WeakKeyDictionary()


def pdf_page_counts(ctx: CheckContext) -> list[tuple[MediaRef, int]]:
    """``(document, pages)`` for every base64 PDF, counted once per check (M005 and S002 share it)."""
    got = _PDF_MEMO.get(ctx)
    if got is None:
        got = [(r, n) for r in _media_refs(ctx, "document") if (n := _pdf_pages(r))]
        _PDF_MEMO[ctx] = got
    return got


@rule("M005", "pdf-too-many-pages", Severity.ERROR, references=("MEDIA-05",))
def pdf_too_many_pages(ctx: CheckContext) -> Iterator[Violation]:
    """The base64 PDF documents of the request have more than 100 pages in total.

    ## What it does
    Counts the pages of every base64 PDF `document` (including ones inside `tool_result`
    content) by its `/Type /Page` objects, and reports the document that takes the request
    over 100 pages.  The count is a heuristic: PDFs whose page objects sit in compressed object
    streams are undercounted, so a long PDF can be missed (never the reverse).  URL and file
    sources cannot be counted offline.

    ## Why is this bad?
    The API rejects it: ``A maximum of 100 PDF pages may be provided.`` (no location in the
    message).

    ## Example
    A 240-page manual attached as one base64 `document` block.

    ## Fix
    None automatic: split the PDF or send only the pages that matter; which pages matter is the
    user's call.
    """
    total = 0
    seen: list[Path] = []
    for ref, pages in pdf_page_counts(ctx):
        total += pages
        if total > MAX_PDF_PAGES:
            where = f"this PDF has {pages} pages" + (f"; with the earlier PDFs the request has {total}"
                                                      if seen else "")
            yield Violation((*ref.path, "source", "data"), f"{where}, over the {MAX_PDF_PAGES}-page limit",
                            api_error=f"A maximum of {MAX_PDF_PAGES} PDF pages may be provided.",
                            related=tuple((*p, "source", "data") for p in seen))
            return
        seen.append(ref.path)


@rule("M006", "invalid-base64-data", Severity.ERROR, fix=Applicability.SAFE)
def invalid_base64_data(ctx: CheckContext) -> Iterator[Violation]:
    """A base64 image's `data` is not plain standard base64.

    ## What it does
    Checks that each base64 image's `data` uses only the standard alphabet with correct
    padding: no `data:image/png;base64,` prefix, no line breaks or spaces, no URL-safe `-`/`_`,
    not empty.

    ## Why is this bad?
    The API decodes strictly and rejects the image (no exact error text is on record).  A data
    URI pasted whole into `data`, MIME-style line-wrapped base64 (76-column output of
    `base64` or `openssl`), and URL-safe base64 from JavaScript helpers are the usual causes.

    ## Example
    ```json
    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "data:image/png;base64,iVBORw0KGgo..."}}
    ```

    ## Fix
    *Safe* when the bytes are unchanged: strip the data-URI prefix, remove whitespace,
    translate `-`/`_` to `+`/`/`, add missing `=` padding.  Otherwise the data cannot be
    recovered; the *unsafe* fix replaces the image with a text note.
    """
    for info in image_infos(ctx):
        if info.valid:
            continue
        ref = info.ref
        data = info.data
        path = (*ref.path, "source", "data")
        fix: Fix | None = None
        why = "is not valid base64"
        uri = parse_data_uri(data)
        if not data:
            why = "is empty"
        elif uri is not None:
            why = "holds a whole data URI, not just the base64 payload"
            fix = ops.safe("strip the data: URI prefix", ops.replace(path, uri[1]))
        else:
            cleaned = _WHITESPACE.sub("", data).translate(str.maketrans("-_", "+/"))
            cleaned += "=" * (-len(cleaned) % 4) if len(cleaned) % 4 in (2, 3) else ""
            if looks_like_base64(cleaned) and cleaned:
                parts = []
                if _WHITESPACE.search(data):
                    parts.append("whitespace")
                if "-" in data or "_" in data:
                    parts.append("URL-safe characters")
                if len(_WHITESPACE.sub("", data)) % 4:
                    parts.append("missing padding")
                why = "has " + " and ".join(parts)
                fix = ops.safe(f"normalise the base64 ({', '.join(parts)})", ops.replace(path, cleaned))
        yield Violation(path, f"image data {why}", api_error=None,
                        fix=fix or _note_fix(ref, f"image data {why}"))



@rule("M007", "document-in-assistant-message", Severity.ERROR, fix=Applicability.UNSAFE, time_dependent=True)
def document_in_assistant_message(ctx: CheckContext) -> Iterator[Violation]:
    """A `document` block sits directly in an assistant message, judged by `anthropic-version` 2026-10-21 or later.

    ## What it does
    Judges the request by the API version it is (or will be) sent with: the logged
    `anthropic-version`, else the pinned SDK's (`2026-10-21`, what a replay or an export sends).
    From 2026-10-21 on, reports every `document` block in the content of an assistant message
    (a document inside a `tool_result` is a user-turn block and is not affected).  Older logged
    versions (`2023-06-01`) and a logged version that is not a `YYYY-MM-DD` date are not
    judged.  The log is evidence: a request the log shows accepted with no version logged was
    sent with an older version, so it is a warning (a replay fails); one accepted *with*
    2026-10-21 or later is reported as contradicted by the logged response (the rule's data may
    be stale).

    ## Why is this bad?
    The 2026-10-21 migration guide (platform.claude.com/docs/en/api/migration-2026-10-21; it
    applies to messages, token counting and batches created with that version): a `document`
    block directly in an assistant message is rejected.  Clients that echo a response's attachments back into the assistant turn (or
    converters that map an assistant "file" part to a document) start failing after an SDK
    upgrade.  The API's exact error text is not in our sources, so the finding carries no
    `api_error` (and no logged error maps to it).

    ## Example
    `{"role": "assistant", "content": [{"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "…"}}]}`

    ## Fix
    *Unsafe*: move the document to the end of the user message before it (the model then reads
    it as user input, one turn earlier).  When it was the assistant message's only block, that
    emptied message is dropped and the user turns around it are merged.  With no user message
    before it, the block is dropped (the document is lost).  No fix when the log shows it
    accepted at 2026-10-21 or later.
    """
    verdict = ctx.version_verdict(apishapes.API_2026_10_21)
    if verdict is None:
        return
    msgs = ctx.request.get("messages")
    if not isinstance(msgs, list):
        return
    for b in cached_blocks(ctx):
        if b.index is None or b.type != "document" or ctx.role(b.message) != "assistant":
            continue
        fix = _move_to_previous_user_fix(ctx, msgs, b.message, b.index)
        if verdict == "rejected":
            yield Violation(b.path, f"anthropic-version {ctx.api_version} rejects a document block directly in an "
                                    f"assistant message", fix=fix)
        else:  # accepted-unversioned
            yield Violation(b.path, f"accepted when logged, so sent with an anthropic-version before 2026-10-21 (the "
                                    f"log has none); a replay with {ctx.api_version} rejects a document in an "
                                    f"assistant message", severity=Severity.WARNING, fix=fix)



def _move_to_previous_user_fix(ctx: CheckContext, msgs: list[Any], m: int, i: int) -> Fix | None:
    """Move ``messages[m].content[i]`` (a document) to the end of the user message before it.

    When the document is the assistant message's only block, the emptied message goes too (an
    empty message is C001's error), and the user messages on either side are merged into one
    turn, as the API would merge them.  With no user message before it the block is dropped
    (and the message with it when nothing else is left)."""
    content = msgs[m]["content"]
    block = content[i]
    alone = len(content) == 1
    prev = msgs[m - 1] if m > 0 else None
    prev_blocks = content_blocks(prev.get("content")) if isinstance(prev, dict) else None
    if role_of(prev) == "user" and prev_blocks is not None:
        title = "move the document to the end of the user message before it"
        if not alone:
            return ops.unsafe(title, ops.remove(("messages", m, "content", i)),
                              ops.replace(("messages", m - 1, "content"), [*prev_blocks, block]))
        nxt = msgs[m + 1] if m + 1 < len(msgs) else None
        if role_of(nxt) == "user" and is_plain_message(nxt) and is_plain_message(prev):
            return ops.unsafe(title + " (and drop the emptied assistant message, merging the user turns around it)",
                              ops.replace(("messages", m - 1, "content"),
                                          [*prev_blocks, block, *(content_blocks(nxt["content"]) or [])]),
                              ops.remove(("messages", m + 1)), ops.remove(("messages", m)))
        return ops.unsafe(title + " (and drop the emptied assistant message)",
                          ops.replace(("messages", m - 1, "content"), [*prev_blocks, block]),
                          ops.remove(("messages", m)))
    if not alone:
        return ops.unsafe("drop the document block (no user message before it)", ops.remove(("messages", m, "content", i)))
    dropped = drop_message_ops(ctx, m)
    if dropped is None:
        return None
    return ops.unsafe("drop the assistant message: its only content is the document (no user message before it)",
                      *dropped[0])
