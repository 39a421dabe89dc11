"""The sandbox under a real `streamlit run` (issue 13), in Debian's Chromium: a HEIC photo is scored, a scan-repeat
JPEG gets the translated breach message while a second session still loads its page, and at SIGTERM the server
exits cleanly: no traceback in its log, no decoding worker left behind."""

import asyncio
import os
from pathlib import Path

import psutil
import pytest

from benchmarks import harness
from benchmarks import hostile_files as hf
from dashboard.i18n import TEXT

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.async_api")
ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "test-artifacts" / "sandbox_streamlit.log"
WAIT_MS = 120_000


async def _session(server) -> dict:
    from benchmarks.sandbox import phone_rgb

    heic = {"name": "phone.heic", "mimeType": "image/heic", "buffer": hf.pillow_bytes(phone_rgb(400, 300), "HEIF")}
    scan = {"name": "scan.jpg", "mimeType": "image/jpeg", "buffer": hf.scan_repeat_jpeg()}
    out = {}
    async with harness.chromium() as browser:
        context, page = await harness.new_page(browser)
        await harness.open_page(page, server.url, "your_images", WAIT_MS)
        _, out["heic_score"] = await harness.upload_and_score(page, heic, 1, WAIT_MS)
        out["workers"] = [p.pid for p in psutil.Process(server.proc.pid).children()]
        await page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(files=[scan])
        other_context, other = await harness.new_page(browser)
        await harness.open_page(other, server.url, "your_images", WAIT_MS)  # another session is served meanwhile
        out["other_title"] = await other.locator("h1").first.inner_text()
        await other_context.close()
        refusal = TEXT["error.image.decode_limit"]["en"].split("{")[0]
        await page.get_by_text(refusal).first.wait_for(timeout=WAIT_MS)
        out["errors"] = await page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
        out["exceptions"] = await harness.exceptions_on(page)
        await context.close()
    return out


def test_a_real_server_decodes_in_its_sandbox_and_exits_cleanly():
    if not Path(harness.CHROMIUM).exists():
        pytest.skip(f"no Chromium at {harness.CHROMIUM}")
    LOG.parent.mkdir(parents=True, exist_ok=True)
    server = harness.Server(LOG, {"GAN_OOD_WARM_UP": "0"}).start()
    try:
        server.wait_healthy(120)
        out = asyncio.run(_session(server))
    finally:
        server.stop()  # SIGTERM, as a service manager stops it
    assert 0 <= out["heic_score"] <= 1
    assert out["other_title"] == TEXT["mine.title"]["en"]
    assert len(out["errors"]) == 1 and "scan.jpg" in out["errors"][0] and out["exceptions"] == 0
    assert len(out["workers"]) >= 2
    assert server.proc.returncode == 0
    log = LOG.read_text()
    assert "Traceback" not in log and "Error" not in log, log[-2000:]
    left = [pid for pid in out["workers"] if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
    assert left == [], os.popen(f"ps -o pid,stat,cmd -p {','.join(map(str, left))}").read()
