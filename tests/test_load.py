"""Many students at once against a real `streamlit run` server on 127.0.0.1 (issue 5, "Load and isolation").

- The reduced load test: 4 browser sessions walk every page and upload an image while 3 sessions upload a
  30000x30000 decompression-bomb PNG; zero failed page loads, every upload scored, each bomb refused with the
  translated message, the server healthy afterwards. The full form (>= 20 sessions) is
  `python -m benchmarks.load_test` (the same code: benchmarks/load_test.py).
- Isolation: a discriminator uploaded in one browser session never reaches another session, which keeps showing
  the shipped default's scores.

The server runs with the dashboard's warm-up on, as in a classroom. Nothing here asserts a time.
"""

import asyncio
import io
from pathlib import Path

import pytest
import torch

pytest.importorskip("playwright.async_api")
pytest.importorskip("psutil")

from benchmarks import harness
from benchmarks.load_test import run_load_test
from dashboard.i18n import t
from gan_core import notebook, scoring, weights
from gan_core.models import ConvDiscriminator, init_dcgan_weights
from gan_core.seeding import set_seed

pytestmark = pytest.mark.browser
SESSIONS, BOMBS = 4, 3
TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def server():
    if not Path(harness.CHROMIUM).exists():
        pytest.skip(f"no Chromium at {harness.CHROMIUM}")
    log = harness.ROOT / "test-artifacts" / "load_test_server.log"
    log.parent.mkdir(exist_ok=True)
    srv = harness.Server(log, extra_env={"GAN_OOD_WARM_UP": "1"}).start()
    try:
        srv.wait_healthy(timeout=120)
        yield srv
    finally:
        srv.stop()


# ---------------- isolation ----------------


def _default_pair():
    """The shipped default generator and discriminator, found through the manifest (never hard-coded)."""

    def default(kind):
        files = weights.shipped_weights(kind=kind)
        name = next((n for n, e in files.items() if e.get("default")), next(iter(files)))
        return weights.load_model(weights.WEIGHTS_DIR / name, kind)

    return default("generator"), default("discriminator")


def _shown(discriminator, generator) -> list[str]:
    """What the Weights page shows as D(x) for the notebook's four examples, computed here with gan_core."""
    frame = scoring.score_groups(discriminator, notebook.notebook_examples(generator))
    return [f"{p:.4f}" for p in frame["probability"]]


def _other_discriminator() -> tuple[bytes, ConvDiscriminator]:
    """A DCGAN-initialised discriminator whose head leans hard to "real": scores near sigmoid(4)."""
    set_seed(7)
    model = ConvDiscriminator()
    model.apply(init_dcgan_weights)
    with torch.no_grad():
        model.head.bias.fill_(4.0)
    buffer = io.BytesIO()
    torch.save({k: v.contiguous() for k, v in model.state_dict().items()}, buffer)
    return buffer.getvalue(), model.eval()


async def _weights_page_scores(page) -> list[str]:
    return await page.locator('[data-testid="stMain"] [data-testid="stMetricValue"]').all_inner_texts()


async def _discriminator_choices(page) -> tuple[str, list[str]]:
    """The Weights page's discriminator selectbox: (the active one's label, every option's label)."""
    box = page.locator(".st-key-weights_pick_discriminator input")
    active = await box.input_value()
    await box.click()
    await page.get_by_role("option").first.wait_for(timeout=TIMEOUT_MS)
    options = await page.get_by_role("option").all_inner_texts()
    await page.keyboard.press("Escape")
    return active, options


async def _isolation(url: str, payload: bytes) -> dict:
    out = {}
    async with harness.chromium() as browser:
        context_a, a = await harness.new_page(browser)
        context_b, b = await harness.new_page(browser)
        await harness.open_page(a, url, "weights", TIMEOUT_MS)
        await harness.open_page(b, url, "weights", TIMEOUT_MS)
        out["b_before"] = await _weights_page_scores(b)
        await a.locator(".st-key-weights_file_discriminator input[type=file]").set_input_files(
            files=[{"name": "other_d.pt", "mimeType": "application/octet-stream", "buffer": payload}]
        )
        # the message comes from the upload's own run; once that run is over its scores are on screen
        await a.get_by_text(t("weights.upload_ok", "en", name="other_d.pt")).wait_for(timeout=TIMEOUT_MS)
        await harness.wait_painted(a, timeout_ms=TIMEOUT_MS)
        out["a_after"] = await _weights_page_scores(a)
        # B again: a rerun of its page, then a new page load of the same context (a new session), then a brand
        # new browser context opened after the upload.
        await harness.switch_page(b, "walkthrough", TIMEOUT_MS)
        await harness.switch_page(b, "weights", TIMEOUT_MS)
        out["b_after"] = await _weights_page_scores(b)
        out["b_choices"] = await _discriminator_choices(b)
        context_c, c = await harness.new_page(browser)
        await harness.open_page(c, url, "weights", TIMEOUT_MS)
        out["c"] = await _weights_page_scores(c)
        # A keeps its own weights across pages.
        await harness.switch_page(a, "walkthrough", TIMEOUT_MS)
        await harness.switch_page(a, "weights", TIMEOUT_MS)
        out["a_later"] = await _weights_page_scores(a)
        out["a_choices"] = await _discriminator_choices(a)
        for context in (context_a, context_b, context_c):
            await context.close()
    return out


def test_weights_uploaded_in_one_session_never_reach_another(server):
    generator, shipped_d = _default_pair()
    payload, other_d = _other_discriminator()
    shipped_scores, other_scores = _shown(shipped_d, generator), _shown(other_d, generator)
    assert shipped_scores != other_scores  # else the check below could not tell them apart
    seen = asyncio.run(_isolation(server.url, payload))
    assert seen["b_before"] == shipped_scores
    assert seen["a_after"] == other_scores  # the upload took effect in its own session...
    upload_label = t("weights.choice_upload", "en", name="other_d.pt")
    assert seen["a_later"] == other_scores and seen["a_choices"][0] == upload_label
    assert seen["b_after"] == shipped_scores  # ...and nowhere else
    assert seen["c"] == shipped_scores
    active, options = seen["b_choices"]
    assert (
        active != upload_label
        and upload_label not in options
        and len(options) == len(weights.shipped_weights(kind="discriminator"))
    )


# ---------------- load ----------------


def test_reduced_load_with_bomb_uploads(server):
    result = run_load_test(
        server.url,
        server.proc.pid,
        sessions=SESSIONS,
        duration_s=150,
        iterations=1,
        bombs=BOMBS,
        page_timeout_s=TIMEOUT_MS / 1000,
    )
    print("\n" + result.table())  # the figures, for the CI log (-s or -rA)
    assert result.failures == []
    assert result.failed_page_loads == 0
    assert result.iterations_done == [1] * SESSIONS, "a session ran out of time before walking every page"
    assert result.uploads == SESSIONS and result.uploads_scored == SESSIONS
    assert result.bomb_refused == BOMBS
    assert result.healthy_after and server.proc.poll() is None
    # the server kept serving pages while the bombs were being refused
    assert result.page_loads >= SESSIONS * len(harness.routed_pages())
