"""Class mode in the dashboard (AppTest): the teacher's page, joining, pooling guesses and images, the controls.
Each test gets its own SQLite file (GAN_OOD_DATA_DIR); the store underneath is tested on both databases in
tests/test_rooms.py."""

import cv2
import numpy as np
import pytest
import torch
from apptest import APP, TIMEOUT, open_app
from streamlit.testing.v1 import AppTest

from dashboard import camera, class_charts
from dashboard.i18n import TEXT
from gan_core import rooms, scoring
from gan_core.rooms import RoomStore
from gan_core.weights import WEIGHTS_DIR, load_model


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_OOD_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GAN_OOD_DATABASE_URL", raising=False)
    return RoomStore(rooms.database_url())


def open_page(page: str, **query) -> AppTest:
    """The app with `query` in the URL, on views/<page>.py (the default page, the walkthrough, opens first)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if page == "walkthrough":
        at.query_params.update(query)
        at.run()
    else:  # AppTest opens the default page first: the query goes with the switch, as a link to /<page>?... would
        at.run()
        at.query_params.update(query)
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def en(key: str) -> str:
    return TEXT[key]["en"]


def test_a_teacher_opens_a_room_and_sees_its_code_and_counts(store):
    at = open_app("views/class.py", lang="en")
    assert at.title[0].value == en("class.title")
    at.button(key="class_create").click().run()
    assert not at.exception
    code, _ = at.session_state["class_teacher"]
    assert any(code in str(h.proto.body) for h in at.get("html"))  # the code, large
    assert any(f"?room={code}" in m.value for m in at.markdown)  # the students' link
    assert metrics(at) == {en("class.students"): "0", en("class.guesses"): "0", en("class.images"): "0"}
    assert len(at.get("image")) == 1  # the QR code (its content: test_the_qr_code_holds_the_link)
    assert store.room(code).code == code


def test_the_teacher_link_opens_the_view_and_drops_the_key_from_the_url(store):
    keys = store.create_room()
    at = open_page("class", room=keys.code, teacher=keys.teacher_key)
    assert "teacher" not in at.query_params and at.query_params.get("room") == keys.code
    assert at.session_state["class_teacher"] == (keys.code, keys.teacher_key)
    assert at.button(key="class_close") is not None


def test_a_wrong_key_or_a_student_code_as_key_gets_no_controls(store):
    keys, other = store.create_room(), store.create_room()
    for wrong in (keys.code, other.teacher_key):
        at = open_page("class", room=keys.code, teacher=wrong)
        assert [e.value for e in at.error] == [TEXT["class.error_forbidden"]["ru"].format(room=keys.code)]
        assert "class_close" not in [b.key for b in at.button]
        assert "class_teacher" not in at.session_state


def test_a_student_joins_by_code_guesses_once_and_sees_the_teacher_reveal(store):
    keys = store.create_room()
    at = open_page("walkthrough")
    at.sidebar.text_input(key="class_code_typed").input(keys.code.lower())
    at.sidebar.button[0].click().run()  # the join form's submit button, with what was typed
    assert not at.exception
    assert at.session_state["class_room"] == keys.code
    assert any(TEXT["class.pooled"]["ru"] == c.value for c in at.sidebar.caption)  # told what is pooled
    at.select_slider(key="walk_guess").set_value(0.2).run()
    at.button(key="walk_reveal_button").click().run()
    at.select_slider(key="walk_guess").set_value(0.9).run()
    at.button(key="walk_reveal_button").click().run()  # a second guess does not count
    assert store.guesses(keys.code) == [{"student": at.session_state["class_student"], "step": "noise", "value": 0.2}]
    late = open_page("walkthrough", room=keys.code)  # another student, by the link
    assert store.student_count(keys.code) == 2 and not late.metric
    store.reveal(keys.code, keys.teacher_key, "noise")
    late.run()
    assert len(late.metric) == 2  # revealed for everyone, without pressing the button


def test_a_wrong_code_is_refused_in_the_students_language(store):
    at = open_page("walkthrough", room="AAAAAA")
    assert [e.value for e in at.sidebar.error] == [TEXT["class.error_unknown_room"]["ru"].format(room="AAAAAA")]
    assert "class_room" not in at.session_state


def _teacher_with_images(store):
    keys = store.create_room()
    store.join(keys.code, "s1", "session-1")
    x = np.full((28, 28), -1, np.float32)
    x[4:24, 12:16] = 1
    first = store.add_image(keys.code, "s1", x, 0.5, 0.0, "discriminator.pt", "camera")
    store.add_image(keys.code, "s1", -x, 0.5, 0.0, "discriminator.pt", "upload")
    store.add_guess(keys.code, "s1", "noise", 0.7)
    return keys, first, open_page("class", room=keys.code, teacher=keys.teacher_key)


def test_the_teacher_sees_the_class_and_hides_an_image(store):
    keys, first, at = _teacher_with_images(store)
    assert metrics(at) == {
        TEXT[k]["ru"]: v for k, v in (("class.students", "1"), ("class.guesses", "1"), ("class.images", "2"))
    }
    at.selectbox(key="class_hide_choice").set_value(first).run()
    at.button(key="class_hide_button").click().run()
    assert not at.exception
    visible = store.images(keys.code, include_hidden=False)
    assert len(visible) == 1 and visible[0]["id"] != first
    assert metrics(at)[TEXT["class.images"]["ru"]] == "1"
    at.button(key="class_hide_button").click().run()  # the same image again: now "show again"
    assert len(store.images(keys.code, include_hidden=False)) == 2


def test_the_class_images_in_the_feature_space_plane(store):
    _, _, at = _teacher_with_images(store)
    assert len(at.get("vega_lite_chart")) == 2  # the guesses and the score axis
    at.toggle(key="class_plane").set_value(True).run()
    assert not at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 3 and '"diamond"' in charts[2].proto.spec  # the class's images as diamonds


def test_a_student_who_left_pools_nothing(store):
    keys = store.create_room()
    at = open_page("walkthrough", room=keys.code)
    at.sidebar.button(key="class_leave").click().run()
    assert "class_room" not in at.session_state
    at.button(key="walk_reveal_button").click().run()
    assert len(at.metric) == 2 and store.guesses(keys.code) == []


def test_the_teacher_reveals_pins_and_closes(store):
    keys, _, at = _teacher_with_images(store)
    assert TEXT["class.answer_hidden"]["ru"] in [c.value for c in at.caption]
    at.button(key="class_reveal").click().run()
    assert store.room(keys.code).revealed == {"noise"}
    assert any("**0 из 1**" in m.value or "**1 из 1**" in m.value for m in at.markdown)  # the guess summary
    other = next(name for name in at.selectbox(key="class_pin_discriminator").options if name != "discriminator.pt")
    at.selectbox(key="class_pin_discriminator").set_value(other).run()
    at.button(key="class_pin_button").click().run()
    assert store.room(keys.code).discriminator == other
    model = load_model(WEIGHTS_DIR / other, "discriminator")
    pooled = store.images(keys.code)
    expected = scoring.score_batch(model, torch.from_numpy(np.stack([im["model_input"] for im in pooled])[:, None]))
    assert [im["weights"] for im in pooled] == [other, other]  # rescored under the pinned weights
    assert [im["logit"] for im in pooled] == pytest.approx(list(expected["logit"]), abs=1e-4)
    at.checkbox(key="class_close_sure").check().run()
    at.button(key="class_close").click().run()
    assert not at.exception and at.button(key="class_create") is not None
    with pytest.raises(rooms.RoomError):
        store.room(keys.code)


def test_the_qr_code_holds_the_link():
    link = "https://lab.example.org/?room=AC3D4E"
    png = np.frombuffer(class_charts.qr_png(link), np.uint8)
    decoded, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.imdecode(png, cv2.IMREAD_GRAYSCALE))
    assert decoded == link


def test_a_camera_photo_of_paper_becomes_a_clean_model_input():
    photo = np.full((600, 450), 230, np.uint8)
    cv2.line(photo, (225, 150), (225, 450), 30, 24)
    photo = (photo * np.linspace(1.0, 0.35, 450)[None, :]).astype(np.uint8)  # a shadow across the page
    _, jpeg = cv2.imencode(".jpg", photo)
    entry = camera.prepare_photo(jpeg.tobytes())
    assert entry["source"] == "camera" and entry["pipeline"] == "paper" and entry["model_input"].shape == (28, 28)
    ink = entry["model_input"] > 0
    assert 20 <= ink.sum() <= 120 and ink[:, 12:16].sum() >= 0.8 * ink.sum()  # one upright stroke in the middle
