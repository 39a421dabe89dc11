"""Your images page (AppTest): uploads are scored as gan_core scores them, bad files get the translated error and
the page and earlier images stay; pipelines, clearing, the canvas preview, the language."""

import cv2
import numpy as np
import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest

from benchmarks import hostile_files as hf
from dashboard import my_images
from dashboard.i18n import TEXT
from gan_core import sandbox, scoring
from gan_core.preprocess import prepare_image
from gan_core.weights import WEIGHTS_DIR, load_model

PAGE = "views/your_images.py"


def digit_png(size: int = 120, thickness: int = 12) -> bytes:
    """A white '7' on black, PNG bytes."""
    image = np.zeros((size, size), np.uint8)
    cv2.line(image, (25, 25), (95, 25), 255, thickness)
    cv2.line(image, (95, 25), (45, 100), 255, thickness)
    return cv2.imencode(".png", image)[1].tobytes()


def open_page(**state) -> AppTest:
    return open_app(PAGE, **state)


def upload(at, *files) -> AppTest:
    at.file_uploader[0].set_value(list(files)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def discriminator():
    return load_model(WEIGHTS_DIR / "discriminator.pt", "discriminator")


def test_empty_page_invites_an_upload():
    at = open_page()
    assert at.title[0].value == TEXT["mine.title"]["ru"]
    assert at.info[0].value == TEXT["mine.empty"]["ru"]
    assert len(at.file_uploader) == 1


def test_an_upload_is_scored_as_gan_core_scores_it(discriminator):
    at = upload(open_page(), ("seven.png", digit_png(), "image/png"))
    expected = scoring.score_batch(discriminator, prepare_image(digit_png(), "notebook").tensor)["probability"][0]
    assert float(at.metric[0].value.replace(",", ".")) == pytest.approx(float(expected), abs=1e-4)  # 0,… in Russian
    assert "," in at.metric[0].value
    assert len(at.image) == 3  # original, grayscale, 28x28
    table = at.dataframe[0].value
    assert list(table[TEXT["table.name"]["ru"]]) == ["seven.png"]
    percentile_columns = [c for c in table.columns if c.startswith("Процентиль")]
    assert len(percentile_columns) >= 6 and table[percentile_columns].apply(lambda c: c.between(0, 100)).all().all()
    assert len(at.get("download_button")) == 1


def test_a_bad_upload_shows_the_translated_error_and_earlier_images_stay():
    at = upload(open_page(), ("seven.png", digit_png(), "image/png"))
    at = upload(
        at,
        ("seven.png", digit_png(), "image/png"),
        ("notes.png", b"this is plain text", "image/png"),
        ("empty.png", b"", "image/png"),
    )
    errors = [e.value for e in at.error]
    assert len(errors) == 2
    assert "notes.png" in errors[0] and TEXT["error.image.unsupported_format"]["ru"].split("(")[0] in errors[0]
    assert "empty.png" in errors[1] and TEXT["error.image.empty"]["ru"] in errors[1]
    assert "Traceback" not in " ".join(errors)
    assert len(at.metric) == 1  # the good image is still scored and listed
    assert len(at.session_state[my_images.KEY]) == 1


def test_a_truncated_png_is_refused_in_english_too():
    at = open_page(lang="en")
    at = upload(at, ("cut.png", digit_png()[:60], "image/png"))
    assert "cut.png" in at.error[0].value and TEXT["error.image.corrupt"]["en"] in at.error[0].value


def test_switching_the_pipeline_reprepares_each_upload_without_duplicates(discriminator):
    other = cv2.imencode(".png", np.full((50, 80), 200, np.uint8))[1].tobytes()
    at = upload(open_page(), ("seven.png", digit_png(), "image/png"), ("grey.png", other, "image/png"))
    at.radio(key="mine_pipeline").set_value("mnist").run()
    kept = at.session_state[my_images.KEY]
    assert [(e["name"], e["pipeline"]) for e in kept] == [("seven.png", "mnist"), ("grey.png", "mnist")]
    assert len(at.metric) == 2
    expected = scoring.score_batch(discriminator, prepare_image(digit_png(), "mnist").tensor)["probability"][0]
    assert float(at.metric[1].value.replace(",", ".")) == pytest.approx(
        float(expected), abs=1e-4
    )  # newest first: seven is second
    at.radio(key="mine_pipeline").set_value("notebook").run()  # and back: still two, in the notebook's preparation
    assert [e["pipeline"] for e in at.session_state[my_images.KEY]] == ["notebook", "notebook"]
    assert len(at.metric) == 2


def test_several_files_at_once_and_clearing():
    other = cv2.imencode(".png", np.full((50, 80), 200, np.uint8))[1].tobytes()
    at = upload(open_page(), ("seven.png", digit_png(), "image/png"), ("grey.png", other, "image/png"))
    assert len(at.metric) == 2
    at.button(key="mine_clear").click().run()
    assert not at.exception
    assert at.info[0].value == TEXT["mine.empty"]["ru"]
    assert at.file_uploader[0].value in (None, [])  # the uploader was emptied too, nothing comes back


def test_session_keeps_only_small_arrays():
    at = upload(
        open_page(), ("big.png", cv2.imencode(".png", np.zeros((1500, 1200, 3), np.uint8))[1].tobytes(), "image/png")
    )
    entry = at.session_state[my_images.KEY][0]
    assert entry["model_input"].shape == (28, 28) and entry["model_input"].dtype == np.float32
    assert max(entry["original"].shape[:2]) <= 196 and max(entry["gray"].shape[:2]) <= 196


def test_switching_language_changes_the_title():
    at = open_page()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == TEXT["mine.title"]["en"]


def test_prepare_drawing_handles_a_canvas_rgba():
    """The canvas returns RGBA; white strokes on black become a bright digit in the model input."""
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[..., 3] = 255
    cv2.line(rgba, (140, 40), (140, 240), (255, 255, 255, 255), 20)
    entry = my_images.prepare_drawing(rgba, "mnist")
    assert entry["source"] == "canvas" and entry["model_input"].shape == (28, 28)
    assert entry["model_input"].max() == pytest.approx(1.0) and entry["model_input"].min() == pytest.approx(-1.0)


# ---- untrusted files (issue 13): the sandbox, the formats phones make, refusals remembered ----
def test_the_uploader_accepts_the_formats_phones_make():
    at = open_page()
    accepted = set(at.file_uploader[0].proto.type)
    assert {".heic", ".heif", ".avif", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"} <= accepted


@pytest.mark.parametrize("fmt", ["HEIF", "AVIF", "TIFF"])
def test_heic_avif_tiff_uploads_are_scored_as_gan_core_scores_them(discriminator, fmt):
    rgb = cv2.cvtColor(cv2.imdecode(np.frombuffer(digit_png(), np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    data = hf.pillow_bytes(rgb, fmt)
    at = upload(open_page(lang="en"), (f"phone.{fmt.lower()}", data, "application/octet-stream"))
    assert not at.error
    expected = scoring.score_batch(discriminator, prepare_image(data, "notebook").tensor)["probability"][0]
    assert float(at.metric[0].value) == pytest.approx(float(expected), abs=1e-4)


def test_a_decode_breach_is_refused_in_both_languages_and_not_decoded_again(monkeypatch):
    calls = []
    real = sandbox.prepare_image
    monkeypatch.setattr(sandbox, "prepare_image", lambda data, *a, **k: calls.append(len(data)) or real(data, *a, **k))
    scan = ("scan.jpg", hf.scan_repeat_jpeg(), "image/jpeg")
    for lang in ("ru", "en"):
        at = upload(open_page(lang=lang), scan)
        expected = TEXT["error.image.decode_limit"][lang].split("{")[0]
        assert "scan.jpg" in at.error[0].value and expected in at.error[0].value
        assert "Traceback" not in at.error[0].value and "nan" not in at.error[0].value.lower()
        decoded = len(calls)
        at.radio(key="mine_pipeline").set_value("mnist").run()  # a rerun with the file still in the uploader
        at.run()
        assert len(calls) == decoded and len(at.error) == 1  # refused again from memory, not decoded
        assert at.session_state[my_images.REFUSED_KEY]
    assert len(calls) == 2  # once per session


def test_hostile_uploads_get_their_reasons_and_the_good_one_stays():
    at = upload(
        open_page(lang="en"),
        ("seven.png", digit_png(), "image/png"),
        ("crash.png", hf.huge_chunk_png(), "image/png"),
        ("bomb.png", hf.bomb_png(30000), "image/png"),
        ("odd.bmp", hf.bitfield_bmp((0xF00, 0xF0, 0xF, 0xF000), 0xFF00), "image/bmp"),
        ("video.heic", b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isommp41", "image/heic"),
    )
    errors = [e.value for e in at.error]
    assert len(errors) == 4 and len(at.metric) == 1
    assert TEXT["error.image.corrupt"]["en"] in errors[0]
    assert "30000×30000" in errors[1]
    assert TEXT["error.image.undecodable"]["en"].format(format="BMP") in errors[2]
    assert "iso-media" in errors[3]
    assert all(e.isprintable() for e in errors)


def test_transparency_keys_and_junk_jpegs_are_accepted():
    grey = np.zeros((40, 40), np.uint8)
    grey[10:30, 10:30] = 200
    at = upload(
        open_page(lang="en"),
        ("key.png", hf.trns_grey_png(grey, 0), "image/png"),
        ("junk.jpg", hf.junk_before_marker_jpeg(np.dstack([grey] * 3)), "image/jpeg"),
    )
    assert not at.error and len(at.metric) == 2
    notes = [e["notes"] for e in at.session_state[my_images.KEY]]
    assert "alpha_composited" in notes[0]


def test_score_text_never_shows_nan():
    from dashboard.i18n import score_text

    assert score_text(0.12345) == "0,1235"  # outside a session: Russian, the fallback
    assert score_text(float("nan")) == TEXT["mine.score_not_finite"]["ru"]  # outside a session: the fallback
    assert score_text(float("inf")) == TEXT["mine.score_not_finite"]["ru"]
    assert all("nan" not in TEXT["mine.score_not_finite"][lang].lower().replace("(nan)", "") for lang in ("ru", "en"))


def test_a_nan_score_shows_the_translated_message(monkeypatch):
    # a discriminator can pass the load-time probe and still overflow on some other input: its score is NaN
    from dashboard import cache

    real = cache.score_images

    def overflowing(images):
        scores = real(images)
        scores[["probability", "logit"]] = float("nan")
        return scores

    monkeypatch.setattr(cache, "score_images", overflowing)
    at = upload(open_page(lang="en"), ("seven.png", digit_png(), "image/png"))
    assert at.metric[0].value == TEXT["mine.score_not_finite"]["en"]
    assert not any(m.value.lower() == "nan" for m in at.metric) and not at.metric[0].help  # no "Logit: nan"
    assert not any("nan" in c.value or "100%" in c.value for c in at.caption)  # no percentile for it
    percentiles = at.dataframe[0].value.filter(like="Percentile")
    assert percentiles.shape[1] >= 6 and percentiles.isna().all().all()


# ---- canvas on touch screens (issue 12): Undo and Clear as buttons, drawings named for students ----
class BrowserCanvas:
    """st_canvas with the browser's side played here, as the component's JavaScript behaves
    (streamlit_drawable_canvas/frontend/build/index-*.js): strokes drawn, and a changed `initial_drawing` once loaded,
    are sent to the server, which calls on_change and reruns the page with the new value. So the run in which the page
    hands over a new `initial_drawing` still gets the old value; the next run (`at.run()`, the browser's message) gets
    the new one. The real st_canvas still runs, so the widget is registered as on a server."""

    def __init__(self, real):
        self.real, self.objects, self.outbox, self.loaded, self.mounted = real, [], None, None, False

    def stroke(self, x0: int, y0: int, x1: int, y1: int) -> None:
        drawn = {"type": "Path", "path": [["M", x0, y0], ["L", x1, y1]], "strokeWidth": 18}
        self.outbox = [*(self.objects if self.outbox is None else self.outbox), drawn]

    def __call__(self, **kwargs):
        from streamlit_drawable_canvas import CanvasResult

        self.real(**kwargs)
        if self.outbox is not None:  # the browser's message: Streamlit calls on_change, then runs the page
            self.objects, self.outbox = self.outbox, None
            kwargs["on_change"]()
        initial = kwargs["initial_drawing"]
        if self.mounted and initial != self.loaded:  # the component loads it and sends it back
            self.outbox = list((initial or {}).get("objects", []))
        self.loaded, self.mounted = initial, True
        return CanvasResult({"version": "6.0.0", "objects": self.objects}, data_url(render(self.objects)), True)


def render(objects: list[dict], size: int = 280) -> np.ndarray:
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[..., 3] = 255
    for obj in objects:
        (_, x0, y0), (_, x1, y1) = obj["path"]
        cv2.line(rgba, (x0, y0), (x1, y1), (255, 255, 255, 255), obj["strokeWidth"])
    return rgba


def data_url(rgba: np.ndarray) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(cv2.imencode(".png", rgba)[1].tobytes()).decode()


@pytest.fixture()
def canvas(monkeypatch):
    AppTest.from_string("").run()  # the package registers its component on import: a runtime must exist
    import streamlit_drawable_canvas

    fake = BrowserCanvas(streamlit_drawable_canvas.st_canvas)
    monkeypatch.setattr(streamlit_drawable_canvas, "st_canvas", fake)
    return fake


def draw(at: AppTest, canvas: BrowserCanvas, *strokes) -> AppTest:
    for stroke in strokes:
        canvas.stroke(*stroke)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def drawing_score(at: AppTest) -> float:
    assert len(at.metric) >= 1, "no score under the canvas"
    return float(at.metric[0].value.replace(",", "."))


ONE = (140, 40, 140, 240)  # a '1'
BAR = (60, 60, 220, 60)  # a bar across the top: with it the '1' becomes a '7'-ish T


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_undo_and_clear_are_buttons_in_the_language(canvas, lang):
    at = open_page(lang=lang)
    undo, clear = at.button(key="mine_canvas_undo"), at.button(key="mine_canvas_clear")
    assert (undo.label, clear.label) == (TEXT["mine.canvas_undo"][lang], TEXT["mine.canvas_clear"][lang])
    assert undo.disabled and clear.disabled  # nothing to undo on an empty canvas
    (component,) = at.get("bidi_component")  # its own toolbar (English, hover-only) hidden by its stylesheet
    assert component.proto.css_content.endswith(".dc-toolbar { display: none !important; }")
    assert component.proto.js_source_path.startswith("index-")  # the package's script, served as a file
    draw(at, canvas, ONE)
    assert not at.button(key="mine_canvas_undo").disabled and not at.button(key="mine_canvas_clear").disabled


def test_undo_removes_the_last_stroke_from_what_is_scored(canvas):
    at = draw(upload(open_page(), ("seven.png", digit_png(), "image/png")), canvas, ONE)
    one = drawing_score(at)
    draw(at, canvas, BAR)
    both = drawing_score(at)
    assert both != pytest.approx(one, abs=1e-4)
    at.button(key="mine_canvas_undo").click().run()
    assert not at.exception
    assert len(at.metric) == 1  # the canvas's value is still both strokes: not scored
    at.run()  # the canvas sends the drawing it reloaded
    assert canvas.objects == [{"type": "Path", "path": [["M", *ONE[:2]], ["L", *ONE[2:]]], "strokeWidth": 18}]
    assert drawing_score(at) == pytest.approx(one, abs=1e-4)  # scored as if the bar had never been drawn
    at.button(key="mine_canvas_undo").click().run().run()  # and the last one
    assert canvas.objects == [] and len(at.metric) == 1  # nothing scored under the canvas, the upload still is
    assert at.button(key="mine_canvas_undo").disabled
    assert list(at.dataframe[0].value[TEXT["table.name"]["ru"]]) == ["seven.png"]


def test_two_undos_before_the_canvas_answers_remove_two_strokes(canvas):
    at = draw(open_page(), canvas, ONE, BAR)
    at.button(key="mine_canvas_undo").click().run()
    at.button(key="mine_canvas_undo").click().run()  # the second tap counts from what the first asked for
    at.run()
    assert canvas.objects == [] and len(at.metric) == 0 and at.button(key="mine_canvas_undo").disabled


def test_no_images_yet_is_said_only_without_a_drawing(canvas):
    at = draw(open_page(), canvas, ONE)
    assert len(at.metric) == 1 and TEXT["mine.empty"]["ru"] not in [i.value for i in at.info]
    at.button(key="mine_canvas_clear").click().run().run()
    assert len(at.metric) == 0 and [i.value for i in at.info] == [TEXT["mine.empty"]["ru"]]


def test_clear_empties_the_canvas_and_keeps_the_page(canvas):
    at = upload(open_page(lang="en"), ("seven.png", digit_png(), "image/png"))
    at.radio(key="mine_pipeline").set_value("mnist").run()
    draw(at, canvas, ONE)
    at.button(key="mine_keep").click().run()
    draw(at, canvas, BAR)
    assert len(at.metric) == 3  # the drawing under the canvas, then the two kept images
    at.button(key="mine_canvas_clear").click().run().run()  # the click, then the canvas's answer
    assert not at.exception
    assert canvas.objects == [] and len(at.metric) == 2  # only the kept images are scored now
    assert list(at.dataframe[0].value[TEXT["table.name"]["en"]]) == ["seven.png", "Drawing 1"]
    assert at.radio(key="mine_pipeline").value == "mnist"
    draw(at, canvas, BAR)  # the canvas works after a Clear
    assert len(at.metric) == 3


@pytest.mark.parametrize(
    ("lang", "first", "second"), [("ru", "Рисунок 1", "Рисунок 2"), ("en", "Drawing 1", "Drawing 2")]
)
def test_kept_drawings_are_named_for_students(canvas, lang, first, second):
    at = draw(open_page(lang=lang), canvas, ONE)
    at.button(key="mine_keep").click().run()
    draw(at, canvas, BAR)
    at.button(key="mine_keep").click().run()
    assert list(at.dataframe[0].value[TEXT["table.name"][lang]]) == [first, second]
    headings = [m.value for m in at.markdown if m.value.startswith("**")]
    assert headings[:2] == [
        f"**{second}** · {TEXT['mine.pipeline_notebook'][lang]}",
        f"**{first}** · {TEXT['mine.pipeline_notebook'][lang]}",
    ]
    assert not any("✎" in h or "array" in h for h in headings)
    at.sidebar.radio(key="lang").set_value("en" if lang == "ru" else "ru").run()  # the name follows the language
    other = "en" if lang == "ru" else "ru"
    assert list(at.dataframe[0].value[TEXT["table.name"][other]]) == [
        TEXT["mine.drawing_name"][other].format(n=1),
        TEXT["mine.drawing_name"][other].format(n=2),
    ]
