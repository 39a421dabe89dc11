"""Class mode end to end: two `streamlit run` servers on one PostgreSQL serve one room. A student on server A joins
by the link, guesses, uploads a drawing and takes a camera photo of paper on a phone-sized screen; the teacher's
view on server B shows each within 3 s (its live part re-reads the room every 2 s). Chromium's fake camera plays a
generated photo of a dark "3" on shadowed paper. Screenshots of both go to test-artifacts/screenshots/. Then the
README's nginx set-up (docs/class-mode-nginx.conf, HTTPS, sticky by cookie) in front of both servers, when
Debian's nginx is installed."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from browser import DOCS, SHOTS, VIEWPORT, WAIT_MS, screenshot, settle
from postgres import postgres  # noqa: F401 - the session's PostgreSQL cluster fixture

from benchmarks import harness
from dashboard.i18n import TEXT
from gan_core.rooms import RoomStore, database_url

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
ROOT = Path(__file__).resolve().parent.parent
NGINX = Path("/usr/sbin/nginx")
PHONE = {"width": 390, "height": 844}
LIVE_MS = 3_000  # the bound: a student's image on the teacher's screen within 3 s


def en(key: str, **fmt) -> str:
    return TEXT[key]["en"].format(**fmt) if fmt else TEXT[key]["en"]


def paper_video(path: Path) -> Path:
    """A one-frame Y4M (what Chromium's fake camera plays): a dark "3" on white paper under a gradient shadow."""
    height, width = 480, 640
    gray = np.full((height, width), 235, np.uint8)
    cv2.putText(gray, "3", (250, 360), cv2.FONT_HERSHEY_SIMPLEX, 9, 30, 22)
    gray = (gray * np.linspace(1.0, 0.4, width)[None, :]).astype(np.uint8)
    chroma = np.full((height // 2, width // 2), 128, np.uint8)
    header = f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + b"FRAME\n" + gray.tobytes() + chroma.tobytes() + chroma.tobytes())
    return path


@pytest.fixture(scope="module")
def class_setup(postgres, tmp_path_factory):  # noqa: F811 - the fixture imported above
    """(server A url, server B url, room keys, store): two servers on one fresh PostgreSQL database."""
    if not Path(harness.CHROMIUM).exists():
        pytest.skip(f"no Chromium at {harness.CHROMIUM}")
    url = postgres.new_database()
    store = RoomStore(database_url({"GAN_OOD_DATABASE_URL": url}))
    keys = store.create_room()
    SHOTS.mkdir(parents=True, exist_ok=True)
    servers = [
        harness.Server(SHOTS.parent / f"streamlit_class_{name}.log", {"GAN_OOD_DATABASE_URL": url}).start()
        for name in "ab"
    ]
    try:
        for server in servers:
            server.wait_healthy(90)
        yield servers[0].url, servers[1].url, keys, store
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    video = paper_video(tmp_path_factory.mktemp("camera") / "paper.y4m")
    fake_camera = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=harness.CHROMIUM, args=harness.CHROMIUM_ARGS + fake_camera)
        yield browser
        browser.close()


def metric(page, label: str):
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]').get_by_text(label, exact=True)
    )
    return box.locator('[data-testid="stMetricValue"]')


def expect_metric(page, label: str, value: str, timeout: int = LIVE_MS) -> None:
    sync_api.expect(metric(page, label)).to_have_text(value, timeout=timeout)


def toggle_sidebar(page, show: bool) -> None:
    """On a phone the sidebar starts collapsed and, once open, covers the page."""
    if show:
        button = page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button')
    else:
        button = page.locator('[data-testid="stSidebarCollapseButton"] button, [data-testid="stSidebarCollapseButton"]')
    if button.count() and button.first.is_visible():
        button.first.click()
        page.wait_for_timeout(500)


def fill_class(store, code: str, students: int = 24, seed: int = 0) -> None:
    """More students, straight into the database: guesses spread over [0, 1] and, each, a real MNIST digit or a
    noise image scored with the shipped discriminator (the room's default), for a screenshot of a real lesson."""
    import torch

    from gan_core import data, scoring, weights

    rng = np.random.default_rng(seed)
    digits, noise = data.real_digits(students, seed, split="holdout"), data.gaussian_noise(students, seed)
    images = torch.cat([digits[: students // 2], noise[: students - students // 2]])
    scores = scoring.score_batch(weights.load_discriminator(), images)
    for i in range(students):
        student = f"screenshot-{i}"
        store.join(code, student, student)
        store.add_guess(code, student, "noise", float(np.clip(rng.beta(2, 3), 0, 1)))
        p, logit = float(scores["probability"][i]), float(scores["logit"][i])
        store.add_image(code, student, images[i, 0].numpy(), p, logit, "discriminator.pt", "upload")


def phone_screenshot(page, name: str) -> None:
    """The whole page at phone width (Streamlit scrolls inside stMain: the viewport grows to its height)."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": PHONE["width"], "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(2000)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size(PHONE)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHOTS / f"{name}.png", DOCS / f"{name}.png")


def test_two_servers_one_room(class_setup, chromium, tmp_path):
    server_a, server_b, keys, store = class_setup
    teacher = chromium.new_context(locale="en-US", viewport=VIEWPORT).new_page()
    teacher.goto(f"{server_b}/class?room={keys.code}&teacher={keys.teacher_key}")
    teacher.get_by_role("heading", level=1).filter(has_text=en("class.title")).wait_for(timeout=WAIT_MS)
    expect_metric(teacher, en("class.students"), "0", timeout=WAIT_MS)
    assert "teacher=" not in teacher.url and f"room={keys.code}" in teacher.url  # the key left the URL bar

    phone = chromium.new_context(locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True)
    phone.grant_permissions(["camera"])
    student = phone.new_page()
    student.goto(f"{server_a}/?room={keys.code}")
    student.get_by_role("heading", level=1).filter(has_text=en("walk.title")).wait_for(timeout=WAIT_MS)
    settle(student)
    expect_metric(teacher, en("class.students"), "1")

    student.get_by_role("slider").first.focus()
    student.keyboard.press("Home")  # the guess: 0.00, then the reveal
    settle(student)
    student.get_by_role("button", name=en("walk.reveal")).click()
    settle(student)
    expect_metric(teacher, en("class.guesses"), "1")
    assert [g["value"] for g in store.guesses(keys.code)] == [0.0]

    # To Your images through the app's own navigation (a new page load would be a new session, out of the room).
    toggle_sidebar(student, show=True)
    student.get_by_role("link", name=TEXT["nav.your_images"]["en"]).click()
    student.get_by_role("heading", level=1).filter(has_text=en("mine.title")).wait_for(timeout=WAIT_MS)
    settle(student)
    toggle_sidebar(student, show=False)
    assert student.get_by_text(en("class.pooled_here", code=keys.code)).count() == 1  # said before submitting
    digit = np.zeros((140, 140), np.uint8)
    cv2.line(digit, (70, 20), (70, 120), 255, 14)
    png = tmp_path / "one.png"
    cv2.imwrite(str(png), digit)
    student.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(png))
    student.get_by_text(en("mine.list_title", count=1)).wait_for(timeout=WAIT_MS)
    expect_metric(teacher, en("class.images"), "1")

    student.get_by_role("tab", name=en("mine.tab_camera")).click()
    student.get_by_role("button", name="Take Photo").click(timeout=WAIT_MS)
    student.get_by_text(en("mine.list_title", count=2)).wait_for(timeout=WAIT_MS)
    settle(student)
    expect_metric(teacher, en("class.images"), "2")
    pooled = store.images(keys.code)
    assert [im["source"] for im in pooled] == ["upload", "camera"]
    three = pooled[1]["model_input"]
    assert (three > 0).sum() >= 40 and (three[:, :4] == -1).all()  # a clean, centred digit: no shadow left as ink
    phone_screenshot(student, "class_phone_camera")

    fill_class(store, keys.code)
    expect_metric(teacher, en("class.images"), str(2 + 24))
    teacher.get_by_role("button", name=en("class.reveal")).click()
    settle(teacher)
    teacher.get_by_text(en("class.guess_summary", near=0, total=25, answer=0)[:20]).first.wait_for(timeout=WAIT_MS)
    assert teacher.locator('[data-testid="stException"]').count() == 0
    assert screenshot(teacher, "class_teacher").stat().st_size > 10_000


@pytest.fixture(scope="module")
def proxy(class_setup, tmp_path_factory):
    """docs/class-mode-nginx.conf in front of both servers, on HTTPS with a self-signed certificate; its URL."""
    if not NGINX.exists() or not shutil.which("openssl"):
        pytest.skip("Debian's nginx (apt-get install nginx-light) or openssl is not installed")
    folder = tmp_path_factory.mktemp("nginx")
    cert, key = folder / "cert.pem", folder / "key.pem"
    self_signed = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
    subprocess.run(["openssl", *self_signed, "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    port = harness.free_port()
    upstreams = "\n    ".join(f"server {url.split('//')[1]};" for url in class_setup[:2])
    site = (ROOT / "docs" / "class-mode-nginx.conf").read_text()
    for name, value in {"SERVERS": upstreams, "LISTEN": f"127.0.0.1:{port}", "SERVER_NAME": "127.0.0.1"}.items():
        site = site.replace(f"@{name}@", value)
    (folder / "site.conf").write_text(site.replace("@CERT@", str(cert)).replace("@KEY@", str(key)))
    # Workers run as `nobody` under a root master, and pytest's temp folders are private: keep them as root here.
    worker = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{worker} daemon off; worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/error.log;\n"
        f"events {{}}\nhttp {{ access_log {folder}/access.log; client_body_temp_path {folder}/body;\n"
        f"proxy_temp_path {folder}/proxy; include {folder}/site.conf; }}\n"
    )
    nginx = subprocess.Popen([str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf")], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {nginx.stderr.read().decode()}") from None
            time.sleep(0.2)
    yield f"https://127.0.0.1:{port}"
    nginx.terminate()
    nginx.wait(timeout=15)


def test_students_through_the_sticky_https_proxy(class_setup, proxy, chromium, tmp_path):
    _, server_b, keys, store = class_setup
    before = store.summary(keys.code)
    teacher = chromium.new_context(locale="en-US", viewport=VIEWPORT).new_page()
    teacher.goto(f"{server_b}/class?room={keys.code}&teacher={keys.teacher_key}")
    expect_metric(teacher, en("class.students"), str(before["students"]), timeout=WAIT_MS)
    context = chromium.new_context(locale="en-US", viewport=VIEWPORT, ignore_https_errors=True)
    student = context.new_page()
    student.goto(f"{proxy}/?room={keys.code}")
    student.get_by_role("heading", level=1).filter(has_text=en("walk.title")).wait_for(timeout=WAIT_MS)
    settle(student)
    expect_metric(teacher, en("class.students"), str(before["students"] + 1))
    student.get_by_text(en("walk.real_score")).first.wait_for(timeout=WAIT_MS)  # revealed by the teacher, on B
    assert [c["name"] for c in context.cookies() if c["name"] == "lab_route"] == ["lab_route"]
    student.get_by_role("link", name=TEXT["nav.your_images"]["en"]).click()
    student.get_by_role("heading", level=1).filter(has_text=en("mine.title")).wait_for(timeout=WAIT_MS)
    settle(student)
    digit = np.zeros((1600, 1200), np.uint8)  # a bigger upload: over nginx's default 1 MB body limit as PNG noise
    digit[:] = np.random.default_rng(0).integers(0, 64, digit.shape, dtype=np.uint8)
    cv2.line(digit, (600, 250), (600, 1350), 255, 120)
    png = tmp_path / "big_one.png"
    cv2.imwrite(str(png), digit)
    assert png.stat().st_size > 1_000_000
    student.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(png))
    student.get_by_text(en("mine.list_title", count=1)).wait_for(timeout=WAIT_MS)
    expect_metric(teacher, en("class.images"), str(len(before["images"]) + 1))
