"""Every refusal gan_core can give for an untrusted image or weights file has its own message in ru and en, with
every placeholder filled by the error's own details (issue 13: "every refusal with its reason, in both languages")."""

import re
from pathlib import Path

import pytest

from dashboard.i18n import TEXT, error_text, t
from gan_core import preprocess as pp
from gan_core.weights import WeightsError

WEIGHTS_SOURCE = (Path(__file__).resolve().parent.parent / "gan_core" / "weights.py").read_text()
WEIGHTS_CODES = sorted(set(re.findall(r'WeightsError\(\s*"(\w+)"', WEIGHTS_SOURCE)) | {"not_a_file"})
IMAGE_DETAILS = {"size": 1, "limit": 2, "width": 3, "height": 4, "detected": "tiff", "reason": "x", "format": "BMP"}
IMAGE_DETAILS |= {"memory_mb": 1536, "cpu_s": 1.0, "wall_s": 2.0, "kind": "directory"}
WEIGHTS_DETAILS = {"size_mb": 5, "limit_mb": 38, "key": "layers.0.weight", "dtype": "torch.int8", "kind": "generator"}
WEIGHTS_DETAILS |= {"found": "list", "name": "d.pt", "reason": "x", "missing": [], "unexpected": [], "shape": (1,)}
WEIGHTS_DETAILS |= {"expected": (2,)}


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("code", pp.REFUSAL_CODES)
def test_every_image_refusal_is_translated(code, lang):
    assert f"error.image.{code}" in TEXT
    message = t(f"error.image.{code}", lang, **IMAGE_DETAILS)
    assert "…" not in message and message != t("error.image.other", lang)
    assert error_text("image", pp.ImageError(code, **{k: IMAGE_DETAILS[k] for k in _fields(code)})) == t(
        f"error.image.{code}", **IMAGE_DETAILS
    )


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("code", WEIGHTS_CODES)
def test_every_weights_refusal_is_translated(code, lang):
    assert {"archive_too_large", "not_dense", "tensor_attributes", "int_dtype", "unstable"} <= set(WEIGHTS_CODES)
    assert f"error.weights.{code}" in TEXT
    message = error_text("weights", WeightsError(code, "x", **WEIGHTS_DETAILS))
    assert "…" not in message and message != t("error.weights.other")
    assert "…" not in t(f"error.weights.{code}", lang, **WEIGHTS_DETAILS)


def _fields(code: str) -> list[str]:
    return re.findall(r"{(\w+)}", pp._MESSAGES[code])
