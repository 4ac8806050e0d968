"""The /ui page in a real headless Chromium (Debian's `chromium`, driven by Playwright), at a phone's
390 px and a desktop's 1280 px.

The seed OCR page is uploaded through the page's file input and analysed on the tiny random model;
the checks compare what the editor sees with the JSON the page received: every segment's headline,
theme and probability, summary sentences and keywords visible, the other probabilities folded away,
no sideways scrolling. Then the page's tools: the page summary's links into the segments, the theme
filter, copy and download of the JSON, cancel of a long request, and errors that never outlive the
next submit. Full-page screenshots are kept as artifacts/ui-390px.png and artifacts/ui-1280px.png.

`make test` installs Chromium when it is missing (target `browser-deps`); Playwright's own browser
download is never used. Without Chromium or Playwright the test fails under CI=true and skips with
the reason elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server_process import BentoServer
from tests.serving.conftest import ARTIFACTS, in_ci
from wenzhai.models.inputs import MAX_TEXT_CHARS
from wenzhai.models.themes import LABELS
from wenzhai.serving.schemas import LIMITS

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
]
VIEWPORTS = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 900}}
SHORT_TEXT = "乡村振兴。村里修好了水泥路，村民发展特色种植，收入逐年增加。\n\n政务服务中心推行一网通办，群众办事更方便。"


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if in_ci():
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing (run `make browser-deps`, or apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the Python package playwright is not installed (`make setup`)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@dataclass
class Analysed:
    """A page that has analysed the seed page, and the /analyze JSON it received."""

    page: Any
    width: int
    result: dict[str, Any]
    errors: list[str]


def open_page(browser, server: BentoServer, width: int = 1280):
    context = browser.new_context(viewport=VIEWPORTS[width], accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(server.url + "/ui/")
    page.wait_for_function("document.getElementById('text-limit').textContent !== ''")
    return page, errors


@pytest.fixture(scope="module", params=sorted(VIEWPORTS), ids=lambda width: f"{width}px")
def analysed(request, browser, server: BentoServer, shared_dir: Path) -> Iterator[Analysed]:
    width = request.param
    page, errors = open_page(browser, server, width)
    page.set_input_files("#file", str(shared_dir / "seed" / "page.txt"))
    page.wait_for_function("document.getElementById('text').value.length > 500")
    page.fill("#summary-sentences", "3")
    with page.expect_response(lambda r: r.url.endswith("/analyze")) as answer:
        page.click("#analyze-button")
    result = answer.value.json()
    page.wait_for_selector("#results:not([hidden]) .segment", timeout=60_000)
    yield Analysed(page, width, result, errors)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"ui-{width}px.png"), full_page=True)
    page.context.close()


def test_every_segment_shows_headline_theme_summary_and_keywords(analysed: Analysed) -> None:
    page, result = analysed.page, analysed.result
    segments = result["segments"]
    assert len(segments) >= 2
    cards = page.locator("#segments .segment")
    assert cards.count() == len(segments)
    for i, seg in enumerate(segments):
        card = cards.nth(i)
        heading = card.locator("h3")
        assert heading.is_visible()
        assert heading.inner_text().strip() == (seg["title"] or f"段落 {i + 1}（无标题 untitled）")
        chip = card.locator(".chip")
        assert chip.is_visible()
        assert f"{100 * seg['scores'][seg['theme']]:.1f}%" in chip.inner_text()
        assert card.get_attribute("data-theme") == seg["theme"] and seg["theme"] in LABELS
        keywords = card.locator(".keywords li")
        assert seg["keywords"], f"segment {i} has no keywords in the JSON"
        assert keywords.all_inner_texts() == seg["keywords"]
        assert all(keywords.nth(k).is_visible() for k in range(keywords.count()))
        own_summary = card.locator(".seg-summary li")
        if seg["summary"]:
            assert own_summary.all_inner_texts() == [s["text"] for s in seg["summary"]]
            assert all(own_summary.nth(k).is_visible() for k in range(own_summary.count()))
        else:  # a short segment has no summary of its own: its text is shown instead
            assert own_summary.count() == 0
            assert card.locator(".seg-text").is_visible()
        # the other probabilities are folded away until asked for
        meters = card.locator(".probs meter")
        assert meters.count() == len(LABELS)
        assert not meters.first.is_visible()
    assert any(seg["summary"] for seg in segments), "no segment of the seed page is long enough for a summary"
    assert analysed.errors == []


def test_no_sideways_scrolling(analysed: Analysed) -> None:
    page = analysed.page
    page.locator(".probs-box summary").first.click()  # open probabilities must fit too
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= analysed.width, f"page is {scroll_width} px wide in a {analysed.width} px window"
    wide = page.evaluate(
        "w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 0.5)"
        ".map(e => e.tagName + '.' + e.className)",
        analysed.width,
    )
    assert wide == []
    # Chinese renders with a real CJK font: a line of Han characters has width
    assert page.locator(".seg-summary li, .seg-text").first.bounding_box()["width"] > 100


def test_page_summary_links_to_highlighted_sentences(analysed: Analysed) -> None:
    page, result = analysed.page, analysed.result
    summary = result["summary"]
    links = page.locator("#summary a.summary-link")
    assert links.all_inner_texts() == [s["text"] for s in summary]
    assert len(summary) == 3
    for i, sentence in enumerate(summary):
        owner = next(n for n, seg in enumerate(result["segments"]) if seg["span"][0] <= sentence["span"][0] < seg["span"][1])
        assert page.locator("#summary li").nth(i).locator(".source").inner_text().startswith(f"段落 {owner + 1}")
        links.nth(i).click()
        mark = page.locator(f"#seg-{owner + 1} mark#hit-{i}")
        assert mark.inner_text() == sentence["sentence"]  # the whole source sentence, even when the item is cut
        assert mark.is_visible() and "active" in mark.get_attribute("class")
        assert page.evaluate("document.activeElement.id") == f"hit-{i}"
        assert page.locator("mark.active").count() == 1


def test_filter_by_theme(analysed: Analysed) -> None:
    page, result = analysed.page, analysed.result
    themes = [seg["theme"] for seg in result["segments"]]
    for label in dict.fromkeys(themes):
        page.check(f"#filter-options input[value='{label}']")
        shown = page.locator("#segments .segment:visible")
        assert shown.count() == themes.count(label)
        assert set(shown.evaluate_all("els => els.map(e => e.dataset.theme)")) == {label}
        assert page.inner_text("#filter-status").startswith(f"显示 {themes.count(label)} / {len(themes)}")
    page.check("#filter-options input[value='all']")
    assert page.locator("#segments .segment:visible").count() == len(themes)


def test_copy_and_download_the_json(analysed: Analysed) -> None:
    page, result = analysed.page, analysed.result
    with page.expect_download() as download:
        page.click("#download-json")
    assert download.value.suggested_filename == "page.wenzhai.json"
    assert json.loads(Path(download.value.path()).read_text(encoding="utf-8")) == result
    page.click("#copy-json")
    page.wait_for_function("document.getElementById('status').textContent.includes('copied')")
    assert json.loads(page.evaluate("navigator.clipboard.readText()")) == result


def test_cancel_a_long_request(browser, server: BentoServer) -> None:
    """A request held open (as a 200,000-character text would be) shows the time running and can be cancelled."""
    page, errors = open_page(browser, server)
    held = []
    page.route("**/analyze", lambda route: held.append(route))  # never answered: the request hangs
    page.fill("#text", SHORT_TEXT)
    page.click("#analyze-button")
    page.wait_for_selector("#progress-box:not([hidden])")
    assert page.is_disabled("#analyze-button") and page.is_visible("#cancel-button")
    assert page.get_attribute("#progress", "value") is None  # indeterminate: the API reports no progress
    first = page.inner_text("#elapsed")
    page.wait_for_function("t => document.getElementById('elapsed').textContent !== t", arg=first)
    page.click("#cancel-button")
    page.wait_for_selector("#progress-box", state="hidden")
    assert "cancelled" in page.inner_text("#status")
    assert page.is_enabled("#analyze-button") and page.is_hidden("#cancel-button") and page.is_hidden("#error")
    assert len(held) == 1
    page.unroute("**/analyze")
    assert errors == []
    page.context.close()


def test_a_new_submit_clears_the_last_error(browser, server: BentoServer) -> None:
    page, _ = open_page(browser, server)
    page.fill("#text", "\x01\x02")  # only control characters: the server refuses it
    page.click("#analyze-button")
    page.wait_for_selector("#error:not([hidden])")
    assert "text: has only control characters" in page.inner_text("#error")

    page.fill("#summary-sentences", "99")  # blocked before it is sent, with its own message
    page.fill("#text", SHORT_TEXT)
    page.click("#analyze-button")
    assert f"summary_sentences: give a whole number from 0 to {LIMITS.max_summary_sentences}" in page.inner_text("#error")
    assert "control characters" not in page.inner_text("#error")

    page.fill("#summary-sentences", "2")
    page.click("#analyze-button")
    page.wait_for_selector("#results:not([hidden]) .segment")
    assert page.is_hidden("#error")

    page.fill("#text", "   ")
    page.click("#analyze-button")
    assert "text: is empty" in page.inner_text("#error")
    assert page.get_attribute("#text", "aria-invalid") == "true"

    page.set_input_files("#file", {"name": "page.docx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04"})
    assert "file: page.docx is not a .txt file" in page.inner_text("#error")
    assert page.input_value("#text") == "   "  # the text box is left as it was
    page.context.close()


def test_a_text_that_is_not_chinese_gets_a_notice(browser, server: BentoServer) -> None:
    page, errors = open_page(browser, server, 390)
    page.fill("#text", "The village built a new road. Farmers grew special crops and earned more money.")
    page.click("#analyze-button")
    page.wait_for_selector("#results:not([hidden]) .segment")
    assert page.is_visible("#language-notice")
    assert "does not look like Chinese" in page.inner_text("#language-notice")
    page.fill("#text", SHORT_TEXT)  # a Chinese text afterwards: the notice goes
    page.click("#analyze-button")
    page.wait_for_function("document.getElementById('language-notice').hidden")
    assert errors == []
    page.context.close()


def test_keyboard_only_use(browser, server: BentoServer) -> None:
    page, _ = open_page(browser, server)
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.focus("#text")
    page.keyboard.type(SHORT_TEXT)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#results:not([hidden]) .segment")
    assert page.evaluate("document.activeElement.id") == "results"  # focus moves to the answer
    for _ in range(20):  # past the JSON buttons, the summary links and the filter: the first segment
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "ARTICLE":
            break
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label.startswith("段落 1:")  # segments are focusable, and say their theme
    page.context.close()


def test_root_opens_the_page_and_swagger_moves_to_docs(client: httpx.Client) -> None:
    root = client.get("/", follow_redirects=False)
    assert root.status_code == 307 and root.headers["location"] == "/ui/"
    assert "文摘" in client.get("/", follow_redirects=True).text
    swagger = client.get("/docs")
    assert swagger.status_code == 200 and "swagger-ui" in swagger.text
    assert client.get("/docs.json").json()["paths"]["/analyze"]
    limits = client.get("/ui/limits.json").json()
    assert limits == {"max_text_chars": MAX_TEXT_CHARS, "max_summary_sentences": LIMITS.max_summary_sentences}
