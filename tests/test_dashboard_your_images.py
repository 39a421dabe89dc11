"""Your images page (AppTest): uploads are scored as gan_core scores them, bad files get the translated error and
the page and earlier images stay; pipelines, clearing, the canvas preview, the language."""

import cv2
import numpy as np
import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest

from dashboard import my_images
from dashboard.i18n import TEXT
from gan_core import scoring
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
    assert float(at.metric[0].value) == pytest.approx(float(expected), abs=1e-4)
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


def test_switching_the_pipeline_adds_the_other_preparation(discriminator):
    at = upload(open_page(), ("seven.png", digit_png(), "image/png"))
    at.radio(key="mine_pipeline").set_value("mnist").run()
    pipelines = [e["pipeline"] for e in at.session_state[my_images.KEY]]
    assert pipelines == ["notebook", "mnist"]
    expected = scoring.score_batch(discriminator, prepare_image(digit_png(), "mnist").tensor)["probability"][0]
    assert float(at.metric[0].value) == pytest.approx(float(expected), abs=1e-4)  # newest first


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
