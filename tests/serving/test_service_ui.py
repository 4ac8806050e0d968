"""The /ui page in a real headless Chromium (Debian's `chromium`, driven by Playwright).

Uploads the seed OCR page through the page's file input, analyses it, and checks that segments,
their themes and probabilities, the theme-share bar and the summary highlights appear; keyboard
use is checked too. A full-page screenshot is kept as artifacts/ui-seed-page.png.

`make test` installs Chromium when it is missing (target `browser-deps`); Playwright's own browser
download is never used. Without Chromium or Playwright the test fails under CI=true and skips with
the reason elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server_process import BentoServer
from tests.serving.conftest import ARTIFACTS, in_ci
from wenzhai.models.themes import LABELS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


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


def test_seed_page_shows_segments_themes_and_highlights(browser, server: BentoServer, shared_dir: Path) -> None:
    seed = shared_dir / "seed" / "page.txt"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(server.url + "/ui")
    assert page.url.endswith("/ui/")
    page.set_input_files("#file", str(seed))
    page.wait_for_function("document.getElementById('text').value.length > 500")
    page.fill("#summary-sentences", "3")
    page.click("#analyze-button")
    page.wait_for_selector("#results:not([hidden]) .segment", timeout=60_000)

    segments = page.locator(".segment")
    assert segments.count() >= 2
    themes = segments.evaluate_all("els => els.map(e => e.dataset.theme)")
    assert set(themes) <= set(LABELS)
    first = segments.first
    assert first.locator(".chip").inner_text().strip()
    assert first.locator(".probs meter").count() == len(LABELS)
    assert page.locator("#theme-bar > span").count() >= 1
    widths = page.locator("#theme-bar > span").evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
    assert sum(widths) > 0
    assert page.locator("#theme-legend li").count() == page.locator("#theme-bar > span").count()

    summary = page.locator("#summary li")
    marks = page.locator(".segment mark.summary-hit")
    assert summary.count() == 3
    assert marks.count() >= 3
    marked = marks.evaluate_all("els => els.map(e => e.textContent)")
    for sentence in summary.all_inner_texts():
        assert sentence in marked

    # Chinese text rendered with a real CJK font: a line of Han characters has width.
    assert page.locator(".seg-text").first.bounding_box()["width"] > 100

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-seed-page.png"), full_page=True)
    assert not errors, errors
    page.close()


def test_keyboard_only_use(browser, server: BentoServer) -> None:
    page = browser.new_page()
    page.goto(server.url + "/ui/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.focus("#text")
    page.keyboard.type("乡村振兴。村里修好了水泥路，村民发展特色种植，收入逐年增加。\n\n政务服务中心推行一网通办，群众办事更方便。")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#results:not([hidden]) .segment")
    assert page.evaluate("document.activeElement.id") == "results"  # focus moves to the answer
    page.keyboard.press("Tab")  # segments are focusable, and say their theme
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.getAttribute('aria-label')]")
    assert focused[0] == "ARTICLE" and focused[1].startswith("段落 1:")
    page.close()


def test_an_error_is_shown_not_thrown(browser, server: BentoServer) -> None:
    page = browser.new_page()
    page.goto(server.url + "/ui/")
    page.fill("#text", "   ")
    page.evaluate("document.getElementById('text').removeAttribute('required')")
    page.click("#analyze-button")
    page.wait_for_selector("#error:not([hidden])")
    assert "text: is empty or whitespace only" in page.inner_text("#error")
    page.close()
