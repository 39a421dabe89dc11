"""Weights page (AppTest) with files made to hurt (issue 13): each gets its translated reason in ru and en, no
traceback reaches the page, no score reads "nan", and the active weights and their scores stay as they were."""

import pytest
import torch
from apptest import open_app

from benchmarks import hostile_files as hf
from dashboard.i18n import TEXT
from gan_core.weights import WEIGHTS_DIR

PAGE = "views/weights.py"


@pytest.fixture(scope="module")
def hostile() -> dict[str, tuple[bytes, str]]:
    state = torch.load(WEIGHTS_DIR / "discriminator.pt", map_location="cpu", weights_only=True)
    broken = hf.hostile_states(state)
    return {
        "bomb.pt": (hf.deflate_bomb_weights(state, 2.0), "archive_too_large"),
        "overflow.pt": (hf.torch_bytes(broken["float64_1e300"]), "not_finite"),
        "variance.pt": (hf.torch_bytes(broken["negative_running_var"]), "unstable"),
        "attribute.pt": (hf.torch_bytes(broken["attribute_set_by_file"]), "tensor_attributes"),
        "float8.safetensors": (hf.float8_safetensors(state), "dtype"),
        "meta.pt": (hf.meta_tensor_weights(state), "not_dense"),
    }


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize(
    "name", ["bomb.pt", "overflow.pt", "variance.pt", "attribute.pt", "float8.safetensors", "meta.pt"]
)
def test_a_hostile_discriminator_file_is_refused_with_its_reason(hostile, name, lang):
    payload, code = hostile[name]
    at = open_app(PAGE, lang=lang)
    before = [m.value for m in at.metric]
    uploader = next(u for u in at.file_uploader if u.key == "weights_file_discriminator")
    uploader.set_value((name, payload, "application/octet-stream")).run()
    assert not at.exception
    message = at.error[0].value
    assert name in message and "Traceback" not in message
    assert TEXT[f"error.weights.{code}"][lang].split("{")[0].strip(" .") in message
    assert at.selectbox(key="weights_pick_discriminator").value == "discriminator.pt"
    assert [m.value for m in at.metric] == before and all(v != "nan" for v in before)
