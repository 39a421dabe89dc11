import io
import json
import os
import pickle
import subprocess
import sys
import zipfile

import pytest
import torch

from gan_core.models import ConvDiscriminator
from gan_core.weights import (
    WeightsError,
    load_model,
    model_from_bytes,
    read_state_dict,
    save_state_dict,
    shipped_weights,
    validate_state_dict,
    write_manifest,
)


def _pt_bytes(obj) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def _refused(data: bytes, kind: str = "discriminator") -> WeightsError:
    with pytest.raises(WeightsError) as info:
        model_from_bytes(data, kind)
    return info.value


@pytest.fixture
def state(tiny_pair):
    return {k: v.clone() for k, v in tiny_pair[1].state_dict().items()}


@pytest.mark.parametrize("suffix", [".pt", ".safetensors"])
def test_save_load_round_trip(tmp_path, tiny_pair, suffix):
    _, discriminator = tiny_pair
    path = save_state_dict(discriminator, tmp_path / f"d{suffix}")
    loaded = load_model(path, "discriminator")
    x = torch.randn(3, 1, 28, 28)
    with torch.inference_mode():
        torch.testing.assert_close(loaded(x), discriminator(x), rtol=0, atol=0)


def test_loading_draws_nothing_from_the_global_rng(state):
    # The notebook's examples are set_seed + a global draw; a model loaded on another thread in between (the
    # dashboard's warm-up, a student's upload) must not shift that stream.
    data = _pt_bytes(state)
    before = torch.get_rng_state()
    model = model_from_bytes(data, "discriminator")
    assert torch.equal(torch.get_rng_state(), before)
    assert all(p.device.type == "cpu" and p.requires_grad for p in model.parameters())
    assert all(torch.equal(model.state_dict()[k], v) for k, v in state.items())


def test_saved_pt_is_a_plain_state_dict_with_course_keys(tmp_path, tiny_pair):
    path = save_state_dict(tiny_pair[0], tmp_path / "g.pt")
    raw = torch.load(path, map_location="cpu", weights_only=True)
    assert isinstance(raw, dict) and next(iter(raw)) == "layers.0.weight"


def test_missing_and_unexpected_keys_are_named(state):
    state["extra.weight"] = state.pop("layers.9.weight")
    err = _refused(_pt_bytes(state))
    assert err.code == "keys" and "layers.9.weight" in str(err) and "extra.weight" in str(err)


def test_generator_weights_are_not_a_discriminator(tiny_pair):
    assert _refused(_pt_bytes(tiny_pair[0].state_dict())).code == "keys"


def test_first_shape_mismatch_is_named(state):
    state["layers.9.weight"] = torch.zeros(1, 2048)
    err = _refused(_pt_bytes(state))
    assert err.code == "shape" and err.details["key"] == "layers.9.weight" and "(1, 2048)" in str(err)


def test_nan_and_inf_are_refused(state):
    state["layers.0.weight"][0, 0, 0, 0] = float("nan")
    assert _refused(_pt_bytes(state)).code == "not_finite"
    state["layers.0.weight"][0, 0, 0, 0] = float("inf")
    assert _refused(_pt_bytes(state)).details["key"] == "layers.0.weight"


def test_integer_tensors_where_floats_belong_are_refused(state):
    state["layers.0.weight"] = state["layers.0.weight"].to(torch.int32)
    assert _refused(_pt_bytes(state)).code == "dtype"


def test_half_precision_weights_are_accepted_as_floats(state):
    model = model_from_bytes(
        _pt_bytes({k: v.half() if v.is_floating_point() else v for k, v in state.items()}), "discriminator"
    )
    assert model.layers[0].weight.dtype == torch.float32


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty"),
        (b"hello, this is text", "not_weights"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "not_weights"),
    ],
)
def test_non_weights_files(data, code):
    assert _refused(data).code == code


def test_truncated_pt_and_safetensors_are_refused(tmp_path, state):
    assert _refused(_pt_bytes(state)[:5000]).code == "corrupt"
    path = save_state_dict(state, tmp_path / "d.safetensors")
    assert _refused(path.read_bytes()[:5000]).code == "corrupt"


def test_full_pickled_module_is_refused(tiny_pair):
    assert _refused(_pt_bytes(tiny_pair[1])).code == "unsafe"


def test_torchscript_archive_is_refused(tiny_pair):
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.trace(ConvDiscriminator().eval(), torch.zeros(1, 1, 28, 28)), buffer)
    assert _refused(buffer.getvalue()).code == "torchscript"


def test_tensors_wrapped_in_non_dict_are_refused(state):
    assert _refused(_pt_bytes(list(state.values()))).code == "not_state_dict"


class _CreatesFile:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.mark.parametrize("wrap", ["raw_pickle", "torch_zip"])
def test_pickle_payload_is_refused_without_running(tmp_path, wrap):
    marker = tmp_path / "pwned"
    payload = {"layers.0.weight": _CreatesFile(str(marker))}
    data = pickle.dumps(payload, protocol=2) if wrap == "raw_pickle" else _pt_bytes(payload)
    assert data[:1] == b"\x80" or data[:2] == b"PK"
    assert _refused(data).code in {"unsafe", "corrupt"}
    assert not marker.exists()


def test_payload_refused_even_when_env_forces_unsafe_loading(tmp_path):
    """TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD only overrides call sites that do not pass weights_only: ours do."""
    marker, evil = tmp_path / "pwned", tmp_path / "evil.pt"
    evil.write_bytes(_pt_bytes({"layers.0.weight": _CreatesFile(str(marker))}))
    code = (
        "import sys; from gan_core.weights import load_model, WeightsError\n"
        "try:\n    load_model(sys.argv[1], 'discriminator')\nexcept WeightsError as e:\n    print(e.code)"
    )
    env = {**os.environ, "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "1", "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", code, str(evil)], env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() in {"unsafe", "corrupt"}, out.stderr
    assert not marker.exists()


def test_oversized_file_refused_before_parsing():
    from gan_core.weights import MAX_WEIGHTS_BYTES

    assert _refused(b"PK\x03\x04" + bytes(MAX_WEIGHTS_BYTES)).code == "too_large"


def test_checkpoint_wrapper_is_unwrapped(state):
    unwrapped = read_state_dict(_pt_bytes({"state_dict": state, "epoch": 3}))
    assert list(unwrapped) == list(state) and all(torch.equal(unwrapped[k], state[k]) for k in state)
    validate_state_dict(unwrapped, "discriminator")


def test_manifest_checksum_is_checked(tmp_path, tiny_pair):
    path = save_state_dict(tiny_pair[1], tmp_path / "discriminator.pt")
    write_manifest({"discriminator.pt": {"kind": "discriminator"}}, tmp_path)
    load_model(path, "discriminator")
    data = bytearray(path.read_bytes())
    member = zipfile.ZipFile(io.BytesIO(bytes(data))).namelist()[0]
    data[-100] ^= 0xFF  # flip a byte in the zip's tail: the hash changes
    path.write_bytes(bytes(data))
    with pytest.raises(WeightsError) as info:
        load_model(path, "discriminator")
    assert info.value.code == "checksum", member


def test_every_shipped_file_loads_and_matches_its_manifest():
    files = shipped_weights()
    assert {"generator.pt", "discriminator.pt", "discriminator_joint.pt"} <= set(files)
    assert sum(1 for e in files.values() if e.get("default")) == 1
    from gan_core.weights import WEIGHTS_DIR

    for name, entry in files.items():
        load_model(WEIGHTS_DIR / name, entry["kind"])


# ---- files made to hurt (issue 13): every one a WeightsError with its code, never another exception ----
@pytest.fixture(scope="module")
def shipped_state():
    from gan_core.weights import WEIGHTS_DIR

    return torch.load(WEIGHTS_DIR / "discriminator.pt", map_location="cpu", weights_only=True)


HOSTILE_CODES = {
    "float64_1e300": "not_finite",  # finite in float64, inf in float32
    "negative_running_var": "unstable",  # passes every per-tensor check; NaN on every input
    "weights_3e38": "unstable",
    "sparse": "not_dense",
    "nan_num_batches_tracked": "int_dtype",
    "attribute_set_by_file": "tensor_attributes",
}


@pytest.mark.parametrize("name", list(HOSTILE_CODES))
def test_hostile_states_are_refused_with_their_code(shipped_state, name):
    from benchmarks.hostile_files import hostile_states

    data = _pt_bytes(hostile_states(shipped_state)[name])
    assert _refused(data).code == HOSTILE_CODES[name]


def test_float8_safetensors_and_meta_tensors_are_weights_errors(shipped_state):
    from benchmarks.hostile_files import float8_safetensors, meta_tensor_weights

    assert _refused(float8_safetensors(shipped_state)).code == "dtype"
    err = _refused(meta_tensor_weights(shipped_state))
    assert err.code == "not_dense" and "meta" in str(err)


def test_the_shipped_weights_pass_the_probe(shipped_state):
    model = model_from_bytes(_pt_bytes(shipped_state), "discriminator")
    assert model.layers[0].weight.dtype == torch.float32


def test_float64_weights_within_float32_range_are_accepted(state):
    model = model_from_bytes(
        _pt_bytes({k: v.double() if v.is_floating_point() else v for k, v in state.items()}), "discriminator"
    )
    assert torch.equal(model.layers[0].weight, state["layers.0.weight"])


def test_the_archive_limit_holds_any_notebook_model_in_float64(tiny_pair):
    from gan_core.weights import archive_limit, capacity_bytes

    generator64 = {k: v.double() if v.is_floating_point() else v for k, v in tiny_pair[0].state_dict().items()}
    assert len(_pt_bytes(generator64)) < archive_limit() <= 2 * capacity_bytes("generator") + 2**20
    assert _refused(_pt_bytes(generator64)).code == "keys"  # so a generator offered as D is told so by its keys


BOMB_PROBE = """
import json, resource, sys
sys.path.insert(0, sys.argv[1])
import torch
from benchmarks.hostile_files import deflate_bomb_weights
from gan_core.weights import WEIGHTS_DIR, WeightsError, model_from_bytes
state = torch.load(WEIGHTS_DIR / "discriminator.pt", weights_only=True)
data = deflate_bomb_weights(state, gib=2.0)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    model_from_bytes(data, "discriminator")
    code = "accepted"
except WeightsError as exc:
    code = exc.code
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"code": code, "grown_kib": grown, "size": len(data)}))
"""


def test_a_zip_whose_storage_deflates_to_2_gib_is_refused_unread():
    root = str(__import__("pathlib").Path(__file__).resolve().parent.parent)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", BOMB_PROBE, root], env=env, capture_output=True, text=True, timeout=300)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["code"] == "archive_too_large" and result["size"] < 4 * 2**20
    assert result["grown_kib"] < 50 * 1024  # the old code took 2.4 GB


def test_weights_paths_must_be_regular_files(tmp_path):
    fifo = tmp_path / "d.pt"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path, "/dev/zero"):
        with pytest.raises(WeightsError) as info:
            load_model(path, "discriminator")
        assert info.value.code == "not_a_file"
