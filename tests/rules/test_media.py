"""M family: images and documents.  Failing sample, near-miss and fix test per rule."""

from __future__ import annotations

import time

from tests.rulekit import (
    assistant, codes, findings, fix_all, req, text, tool_result, tool_use, user,
)
from tests.rules.kit_media import b64, document, gif, image, jpeg, pdf, png, webp
from tui.core.rules.media import image_dimensions


SCREENSHOT_TOOL = {"name": "screenshot", "description": "Capture the screen",
                   "input_schema": {"type": "object", "properties": {}}}
READ_PDF_TOOL = {"name": "read_pdf", "description": "Read a PDF",
                 "input_schema": {"type": "object", "properties": {}}}


def screenshot_loop(*result_content):
    """A computer-use style turn: the tool returns a screenshot inside its tool_result."""
    return req(user("Take a screenshot"),
               assistant(tool_use("toolu_01Shot", name="screenshot", inp={})),
               user(tool_result("toolu_01Shot", list(result_content))),
               tools=[SCREENSHOT_TOOL])


def assert_clean_fix(before, after, code):
    """The rule is silent after its fix, and the fix introduced no finding of any other rule."""
    assert code not in codes(after)
    assert codes(after) <= codes(before) - {code}, codes(after) - codes(before)


# -- header parsing (the part M004 depends on) -----------------------------------------------

def test_m_dimensions_read_from_every_supported_header():
    assert image_dimensions(png(1234, 567), "image/png") == (1234, 567)
    assert image_dimensions(gif(300, 200), "image/gif") == (300, 200)
    assert image_dimensions(jpeg(9001, 40, app_len=5000), "image/jpeg") == (9001, 40)
    assert image_dimensions(webp(8200, 10), "image/webp") == (8200, 10)
    assert image_dimensions(b"\xff\xd8\xff", "image/jpeg") is None


# -- M001 unsupported-image-media-type -------------------------------------------------------

def test_m001_image_jpg_nested_in_tool_result():
    p = screenshot_loop(image(jpeg(), "image/jpg"))
    fs = findings(p, "M001")
    assert [f.dotted for f in fs] == ["messages.2.content.0.content.0.source.media_type"]
    assert fs[0].api_error == (
        "messages.2.content.0.tool_result.content.0.image.source.base64.media_type: Input should be "
        "'image/jpeg', 'image/png', 'image/gif' or 'image/webp'")


def test_m001_near_miss_supported_types_and_url_sources():
    p = req(user(image(png()), image(gif(), "image/gif"), image(webp(), "image/webp"),
                 {"type": "image", "source": {"type": "url", "url": "https://example.com/a.svg"}},
                 text("compare")))
    assert not codes(p) & {"M001", "M002", "M006"}


def test_m001_fix_sets_type_from_bytes_safely():
    p = screenshot_loop(image(png(), "image/jpg"))
    fixed = fix_all(p, "M001", unsafe=False)
    assert fixed["messages"][2]["content"][0]["content"][0]["source"]["media_type"] == "image/png"
    assert_clean_fix(p, fixed, "M001")


def test_m001_svg_gets_only_an_unsafe_text_note():
    p = req(user(image(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"), text("what is this?")))
    f = findings(p, "M001")[0]
    assert "image/svg+xml" in f.message and f.fix.applicability.value == "unsafe"
    fixed = fix_all(p, "M001")
    assert fixed["messages"][0]["content"][0]["type"] == "text"
    assert "unsupported image type image/svg+xml" in fixed["messages"][0]["content"][0]["text"]


# -- M002 image-media-type-mismatch ----------------------------------------------------------

def test_m002_png_declared_as_jpeg_uses_the_2026_wording():
    p = screenshot_loop(text("screen:"), image(png(), "image/jpeg"))
    fs = findings(p, "M002")
    assert [f.dotted for f in fs] == ["messages.2.content.0.content.1.source.media_type"]
    assert fs[0].api_error == (
        "messages.2.content.0.tool_result.content.1.image.source.base64: The image was specified using "
        "the image/jpeg media type, but the image appears to be a image/png image")
    assert fs[0].severity.value == "error"


def test_m002_near_miss_matching_type():
    assert "M002" not in codes(screenshot_loop(image(jpeg(), "image/jpeg")))


def test_m002_fix_sets_type_from_bytes():
    p = req(user(image(gif(), "image/png"), text("animate?")))
    fixed = fix_all(p, "M002", unsafe=False)
    assert fixed["messages"][0]["content"][0]["source"]["media_type"] == "image/gif"
    assert_clean_fix(p, fixed, "M002")


def test_m002_bmp_declared_as_png_is_a_warning():
    p = req(user(image(b"BM" + b"\x00" * 64, "image/png"), text("?")))
    f = findings(p, "M002")[0]
    assert f.severity.value == "warning" and "image/bmp" in f.message and f.api_error is None


# -- M003 image-too-large ----------------------------------------------------------------------

def test_m003_counts_base64_length_like_the_api():
    raw = png(pad=4_000_000)  # 4.0 MB decoded, 5.3 MB of base64
    p = screenshot_loop(image(raw))
    fs = findings(p, "M003")
    n = len(b64(raw))
    assert n > 5_242_880 > len(raw)
    assert [f.dotted for f in fs] == ["messages.2.content.0.content.0.source.data"]
    assert fs[0].api_error == (f"messages.2.content.0.tool_result.content.0.image.source.base64: image exceeds "
                               f"5 MB maximum: {n} bytes > 5242880 bytes")


def test_m003_near_miss_just_under_the_limit():
    raw = png(pad=3_900_000)
    assert len(b64(raw)) < 5_242_880
    assert "M003" not in codes(req(user(image(raw), text("ok"))))


def test_m003_fix_is_unsafe_text_note():
    p = screenshot_loop(image(png(pad=4_000_000)))
    assert findings(p, "M003")[0].fix.applicability.value == "unsafe"
    fixed = fix_all(p, "M003")
    note = fixed["messages"][2]["content"][0]["content"][0]
    assert note["type"] == "text" and "over the 5 MB limit" in note["text"]
    assert_clean_fix(p, fixed, "M003")


def test_m003_big_image_is_checked_fast():
    p = req(user(image(png(pad=15_000_000)), text("x")))
    t = time.perf_counter()
    findings(p)
    assert time.perf_counter() - t < 2.0


# -- M004 image-dimensions ---------------------------------------------------------------------

def _rejecting(block):
    return {**block, "transformations": {"oversized_image": "error"}}


def test_m004_over_8000_px_with_oversized_image_error():
    p = req(user(text("full page:"), text("see"), _rejecting(image(jpeg(1280, 9000, app_len=30_000), "image/jpeg"))))
    fs = findings(p, "M004")
    assert [(f.dotted, f.severity.value) for f in fs] == [("messages.0.content.2.source.data", "error")]
    assert fs[0].api_error == ("messages.0.content.2.image.source.base64.data: At least one of the image "
                               "dimensions exceed max allowed size: 8000 pixels")


def test_m004_near_miss_over_8000_px_is_downsized_by_default():
    """The default (oversized_image: downsize) scales the image down; a logged 200 shows it."""
    for tf in (None, {"oversized_image": "downsize"}, {}):
        block = image(jpeg(1280, 9000, app_len=30_000), "image/jpeg")
        if tf is not None:
            block = {**block, "transformations": tf}
        fs = findings(req(user(block, text("see"))), "M004")
        assert [(f.severity.value, f.api_error) for f in fs] == [("warning", None)], tf
        assert "downsizes it" in fs[0].message


def test_m004_many_image_request_limit():
    shots = [_rejecting(image(png(2560, 1440))) for _ in range(21)]
    p = req(user(*shots, text("which screen changed?")))
    fs = findings(p, "M004")
    assert len(fs) == 21 and {f.severity.value for f in fs} == {"error"}
    assert fs[3].api_error == ("messages.0.content.3.image.source.base64.data: At least one of the image "
                               "dimensions exceed max allowed size for many-image requests: 2000 pixels")


def test_m004_many_image_request_without_error_transformation_is_a_warning():
    p = req(user(*[image(png(2560, 1440)) for _ in range(21)], text("which screen changed?")))
    fs = findings(p, "M004")
    assert len(fs) == 21 and {(f.severity.value, f.api_error) for f in fs} == {("warning", None)}
    assert "2000 px limit for requests with more than 20 images (21 here)" in fs[0].message


def test_m004_near_miss_20_large_images_or_8000_exactly():
    p = req(user(*[image(png(2560, 1440)) for _ in range(20)], text("ok")))
    assert "M004" not in codes(p)
    assert "M004" not in codes(req(user(image(webp(8000, 8000), "image/webp"), text("ok"))))


def test_m004_fix_replaces_with_note():
    p = req(user(image(gif(8001, 20), "image/gif"), text("banner")))
    fixed = fix_all(p, "M004")
    assert fixed["messages"][0]["content"][0]["type"] == "text"
    assert "8001x20" in fixed["messages"][0]["content"][0]["text"]


# -- M005 pdf-too-many-pages -------------------------------------------------------------------

def test_m005_long_pdf():
    p = req(user(document(pdf(140)), text("summarise")))
    fs = findings(p, "M005")
    assert [f.dotted for f in fs] == ["messages.0.content.0.source.data"]
    assert fs[0].api_error == "A maximum of 100 PDF pages may be provided."
    assert "140 pages" in fs[0].message


def test_m005_pages_add_up_across_documents_even_inside_tool_results():
    p = req(user(document(pdf(60), "a.pdf"), text("and")),
            assistant(tool_use("toolu_01Read", name="read_pdf", inp={})),
            user(tool_result("toolu_01Read", [document(pdf(50), "b.pdf")])), tools=[READ_PDF_TOOL])
    fs = findings(p, "M005")
    assert [f.dotted for f in fs] == ["messages.2.content.0.content.0.source.data"]
    assert fs[0].related[0] == ("messages", 0, "content", 0, "source", "data")


def test_m005_near_miss_100_pages_and_pages_tree_not_counted():
    assert "M005" not in codes(req(user(document(pdf(100)), text("ok"))))


def test_m005_has_no_automatic_fix():
    f = findings(req(user(document(pdf(101)), text("x"))), "M005")[0]
    assert f.fix is None and f.severity.value == "error"


# -- M006 invalid-base64-data ------------------------------------------------------------------

def test_m006_data_uri_in_data():
    p = req(user(image("data:image/png;base64," + b64(png())), text("what is it?")))
    fs = findings(p, "M006")
    assert [f.dotted for f in fs] == ["messages.0.content.0.source.data"]
    assert "data URI" in fs[0].message
    fixed = fix_all(p, "M006", unsafe=False)
    assert fixed["messages"][0]["content"][0]["source"]["data"] == b64(png())
    assert_clean_fix(p, fixed, "M006")


def test_m006_line_wrapped_and_urlsafe_base64_is_normalised_safely():
    good = b64(png(pad=200))
    wrapped = "\n".join(good[i:i + 76] for i in range(0, len(good), 76)).replace("+", "-").replace("/", "_")
    p = req(user(image(wrapped.rstrip("=")), text("?")))
    assert findings(p, "M006")[0].fix.applicability.value == "safe"
    fixed = fix_all(p, "M006", unsafe=False)
    assert fixed["messages"][0]["content"][0]["source"]["data"] == good


def test_m006_near_miss_valid_base64():
    assert "M006" not in codes(req(user(image(png()), text("ok"))))


def test_m006_garbage_gets_unsafe_note():
    p = req(user(image("not*base64*at*all"), text("?")))
    f = findings(p, "M006")[0]
    assert f.fix.applicability.value == "unsafe"
    assert fix_all(p, "M006")["messages"][0]["content"][0]["type"] == "text"


# -- M007 document-in-assistant-message (judged by the API version) ---------------------------

OLD_API = {"anthropic-version": "2023-06-01"}
NEW_API = {"anthropic-version": "2026-10-21"}
NOTE = {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "Minutes of the call."}}


def echoed_attachment(first_user="Summarise the minutes."):
    return req(user(first_user), assistant(NOTE, text("Here they are.")), user("Thanks"))


def test_m007_document_in_an_assistant_message_at_the_new_version():
    for kw in ({"headers": NEW_API}, {}):
        fs = findings(echoed_attachment(), "M007", **kw)
        assert [(f.dotted, f.severity.value) for f in fs] == [("messages.1.content.0", "error")], kw


def test_m007_near_miss_old_version_and_document_in_user_turn_or_tool_result():
    assert findings(echoed_attachment(), "M007", headers=OLD_API) == []
    p = req(user(NOTE, text("Summarise.")), assistant("Done."), user("Thanks"))
    assert findings(p, "M007", headers=NEW_API) == []
    p = req(user("Read it"), assistant(tool_use("toolu_01D", name="read", inp={})),
            user(tool_result("toolu_01D", [NOTE])))
    assert findings(p, "M007", headers=NEW_API) == []


def test_m007_accepted_without_a_logged_version_is_a_warning():
    fs = findings(echoed_attachment(), "M007", status=200, response={"type": "message", "content": []})
    assert [f.severity.value for f in fs] == ["warning"] and "a replay with 2026-10-21 rejects" in fs[0].message


def test_m007_near_miss_version_that_is_not_a_date():
    assert findings(echoed_attachment(), "M007", headers={"anthropic-version": "latest"}) == []


def test_m007_accepted_with_the_new_version_logged_questions_the_rule():
    fs = findings(echoed_attachment(), "M007", headers=NEW_API, status=200,
                  response={"type": "message", "content": []})
    assert [(f.severity.value, f.contradicted, f.fix.applicability.value) for f in fs] == [("warning", True, "unsafe")]
    assert "contradicted by the logged response" in fs[0].message and "may be stale" in fs[0].message


def test_m007_fix_of_a_document_only_assistant_turn_merges_the_user_turns():
    p = req(user("Summarise the minutes."), assistant(NOTE), user("Thanks"))
    [f] = findings(p, "M007")
    assert f.fix.applicability.value == "unsafe"
    fixed = fix_all(p, "M007")
    assert fixed["messages"] == [user(text("Summarise the minutes."), NOTE, text("Thanks"))]
    assert findings(fixed) == []


def test_m007_fix_without_a_user_turn_before_it_drops_the_document():
    p = req(assistant(NOTE, text("Here they are.")), user("Thanks"))
    fixed = fix_all(p, "M007")
    assert fixed["messages"][0] == assistant(text("Here they are."))


def test_m007_fix_moves_the_document_into_the_user_turn_before_it():
    fixed = fix_all(echoed_attachment(), "M007")
    assert fixed["messages"][0]["content"] == [{"type": "text", "text": "Summarise the minutes."}, NOTE]
    assert fixed["messages"][1]["content"] == [{"type": "text", "text": "Here they are."}]
    assert "M007" not in codes(fixed)
