"""Every page as a projector and a phone show it, in real Chromium, in both languages (issue 12, item 5).

At 1280x720 and 1920x1080: no chart title, axis title, legend label or widget label is cut (a text box inside its
container, nothing ellipsised), chart text is at least 14 px, and the page's key chart (pages.Page.key_chart) fills
the content width and starts on the first screen. At 390x844 (a touch phone) no chart is wider than the screen.
Each view is saved as a screenshot (test-artifacts/screenshots/pages/; UPDATE_SCREENSHOTS=1 also copies them to
docs/screenshots/pages/, which the README shows).
"""

import os

import pytest
from browser import DOCS, SHOTS, WAIT_MS, settle
from PIL import Image
from test_dashboard_walkthrough import STEPS as LESSON_STEPS

from dashboard.charts import FONT_PX
from dashboard.i18n import TEXT
from dashboard.pages import PAGES

pytestmark = pytest.mark.browser

PROJECTORS = [(1280, 720), (1920, 1080)]
PHONE = (390, 844)
LANGS = ["ru", "en"]
KEY_CHART_START = 0.75  # the key chart's top edge within the first 75% of the screen: its point is in view

# Everything a page shows, measured in the page (a list of problems, empty when the view is right).
MEASURE = """([keyChart, minFont, startBy, tablesFit]) => {
  const problems = [];
  const text = (el) => (el.innerText || el.textContent || '').trim().slice(0, 80);
  const main = document.querySelector('[data-testid=stMain]');
  // Streamlit cuts long labels, option texts and button captions with CSS ellipsis: the text is then wider than
  // its box. Any element that ellipsises and overflows is a cut text.
  for (const el of document.querySelectorAll('[data-testid=stMain] *, [data-testid=stSidebar] *')) {
    if (!el.clientWidth || el.closest('.vega-embed') || el.closest('[data-testid=stDataFrame]')) continue;
    const style = getComputedStyle(el);
    if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1 && text(el))
      problems.push(`cut text: "${text(el)}" (${el.scrollWidth} > ${el.clientWidth} px)`);
  }
  for (const el of document.querySelectorAll('[data-testid=stWidgetLabel], [data-testid=stMetricLabel]')) {
    const box = el.getBoundingClientRect(), parent = el.parentElement.getBoundingClientRect();
    if (box.width && (box.right > parent.right + 1 || box.left < parent.left - 1))
      problems.push(`label outside its widget: "${text(el)}"`);
  }
  const heading = document.querySelector('h1');
  for (const button of document.querySelectorAll('[data-testid=stHeader] button')) {
    const b = button.getBoundingClientRect(), h = heading && heading.getBoundingClientRect();
    if (b.width && h && b.left < h.right && h.left < b.right && b.top < h.bottom && h.top < b.bottom)
      problems.push(`the page title under the header's button: "${text(heading)}"`);
  }
  const charts = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')];
  for (const chart of charts) {
    const svg = chart.querySelector('svg.marks');
    if (!svg || !svg.getBoundingClientRect().height) { problems.push('a chart that did not draw'); continue; }
    const box = svg.getBoundingClientRect(), holder = chart.parentElement.getBoundingClientRect();
    if (box.width > holder.width + 1)
      problems.push(`chart ${Math.round(box.width)} px in ${Math.round(holder.width)} px`);
    if (box.right > window.innerWidth + 1)
      problems.push(`chart past the screen's right edge (${Math.round(box.right)} px)`);
    for (const t of svg.querySelectorAll('text')) {
      const content = t.textContent.trim();
      if (!content) continue;
      const size = parseFloat(getComputedStyle(t).fontSize);
      if (size < minFont) problems.push(`chart text "${content}" at ${size} px`);
      if (content.endsWith('…')) problems.push(`chart text cut: "${content}"`);
      const r = t.getBoundingClientRect();
      // A text's box is its line box, a few px taller than the glyphs: 4 px of slack.
      const outside = r.left < box.left - 4 || r.right > box.right + 4
        || r.top < box.top - 4 || r.bottom > box.bottom + 4;
      if (r.width && outside)
        problems.push(`chart text "${content}" outside its chart (${r.bottom - box.bottom} px below)`);
    }
  }
  // A table that scrolls sideways hides columns on a projector (an HTML table, or the data grid's scroller).
  for (const el of document.querySelectorAll('[data-testid=stTable], [data-testid=stDataFrame] .dvn-scroller'))
    if (tablesFit && el.scrollWidth > el.clientWidth + 1)
      problems.push(`table ${el.scrollWidth} px in ${el.clientWidth} px: "${text(el).split('\\n')[0]}"`);
  if (keyChart) {
    const key = document.querySelector(`.st-key-${keyChart}_box svg.marks`);
    const content = document.querySelector('[data-testid=stMainBlockContainer]');
    if (!key) problems.push(`key chart ${keyChart} missing`);
    else {
      const r = key.getBoundingClientRect(), c = content.getBoundingClientRect();
      const style = getComputedStyle(content);
      const width = c.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (r.width < 0.95 * width) problems.push(`key chart ${Math.round(r.width)} px of ${Math.round(width)} px`);
      if (r.top + main.scrollTop > startBy * window.innerHeight)
        problems.push(`key chart starts at ${Math.round(r.top)} px of a ${window.innerHeight} px screen`);
    }
  }
  return problems;
}"""


def _views() -> list[tuple]:
    """(page, extra query, screenshot name) for every page, each lesson step of the walkthrough on its own."""
    out = []
    for entry in PAGES:
        if entry.name == "walkthrough":
            out += [(entry, f"&step={k}", f"walkthrough_step{k}") for k in range(1, len(LESSON_STEPS) + 1)]
        else:
            out.append((entry, "", entry.name))
    return out


def _open(page, server: str, entry, lang: str, query: str = "") -> None:
    """Open the page by its URL in `lang` (?lang=, as a teacher's shared link has it) and wait for its script run."""
    page.goto(f"{server}/{'' if entry.name == 'walkthrough' else entry.name}?lang={lang}{query}")
    heading = TEXT[entry.heading][lang]
    page.get_by_role("heading", level=1).filter(has_text=heading).wait_for(timeout=WAIT_MS)
    settle(page)


def _drawn(page) -> None:
    """Wait until no spinner is left and every chart on the page has drawn its SVG."""
    page.wait_for_selector('[data-testid="stSpinner"]', state="detached", timeout=WAIT_MS)
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=stVegaLiteChart]')].every(e => e.querySelector('svg.marks'))",
        timeout=WAIT_MS,
    )
    page.wait_for_timeout(700)  # charts re-lay-out once their container has its final width


def _shoot(page, name: str) -> None:
    folder = SHOTS / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":  # the committed copy: 256 colours, a third of the bytes
        (DOCS / "pages").mkdir(parents=True, exist_ok=True)
        Image.open(folder / f"{name}.png").convert("RGB").quantize(256).save(
            DOCS / "pages" / f"{name}.png", optimize=True
        )


def _walk(browser, server, size: tuple[int, int], lang: str, phone: bool) -> list[str]:
    width, height = size
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="en-US", has_touch=phone, is_mobile=phone
    )
    page = context.new_page()
    problems = []
    try:
        for entry, query, name in _views():
            _open(page, server, entry, lang, query)
            _drawn(page)
            key = None if phone else entry.key_chart
            found = page.evaluate(MEASURE, [key, FONT_PX, KEY_CHART_START, not phone])
            if found:  # a chart may still be re-laying itself out on a busy machine: judge the settled page
                page.wait_for_timeout(2000)
                found = page.evaluate(MEASURE, [key, FONT_PX, KEY_CHART_START, not phone])
            problems += [f"{name}: {problem}" for problem in found]
            _shoot(page, f"{name}_{lang}_{width}x{height}")
    finally:
        context.close()
    return problems


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", PROJECTORS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_projector_pages_cut_nothing_and_show_their_key_chart(browser, server, size, lang):
    problems = _walk(browser, server, size, lang, phone=False)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_phone_pages_fit_the_screen(browser, server, lang):
    problems = _walk(browser, server, PHONE, lang, phone=True)
    assert problems == [], "\n".join(problems)


def test_the_measure_finds_a_cut_label_a_wide_chart_and_a_wide_table(browser, server, page):
    """The checks above can fail: a label forced narrower than its text, a chart wider than its column and a table
    wider than its box."""
    _open(page, server, next(entry for entry in PAGES if entry.name == "distributions"), "ru")
    _drawn(page)
    page.evaluate(
        """() => {
          const label = document.querySelector('[data-testid=stWidgetLabel] p');
          Object.assign(label.style, {width: '20px', overflow: 'hidden', textOverflow: 'ellipsis'});
          Object.assign(label.style, {whiteSpace: 'nowrap', display: 'block'});
          document.querySelector('[data-testid=stVegaLiteChart] svg.marks').style.width = '5000px';
          const cell = document.createElement('div');
          cell.style.width = '3000px';
          document.querySelector('[data-testid=stDataFrame] .dvn-scroller').appendChild(cell);
        }"""
    )
    found = page.evaluate(MEASURE, ["dist_chart", FONT_PX, KEY_CHART_START, True])
    assert any(problem.startswith("cut text:") for problem in found), found
    assert any(problem.startswith("chart ") and " px in " in problem for problem in found), found
    assert any(problem.startswith("table ") for problem in found), found
    found = page.evaluate(MEASURE, [None, 40, KEY_CHART_START, True])  # no chart text is 40 px
    assert any(problem.startswith("chart text") and " px" in problem for problem in found), found
