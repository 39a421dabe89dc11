"""Weights: save and load plain state_dicts (`.pt` or `.safetensors`) safely, and the shipped manifest.

Loading never runs code from a file: `.pt` goes through `torch.load(..., weights_only=True)` passed explicitly
(so `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` cannot override it), TorchScript archives are refused before torch sees
them, and every tensor is checked (keys, shapes, float dtype, finite) before `load_state_dict`.
Errors are `WeightsError` with a stable `code` and `details`, so the dashboard can word them in any language.

Against files made to hurt (tests/test_weights.py, "files made to hurt"):
- a torch zip's declared uncompressed sizes are checked before `torch.load` against what the notebook's
  state_dict can hold (2x its float64 size): a 2 MB archive whose storage deflates to 2 GiB is refused unread;
- only dense CPU tensors of float (or, where the model keeps integers, integer) dtypes pass, and no tensor may
  carry attributes set by the file (the weights-only unpickler lets a file set them, e.g. `is_floating_point`);
- values must be finite after the cast to float32 too (1e300 in float64 is inf in float32);
- the loaded model must give finite outputs on a probe batch (noise, a real and a generated digit): a
  negative BatchNorm running_var or weights of 3e38 pass every per-tensor check and still give NaN.
Every refusal is a WeightsError, never another exception type.
"""

import hashlib
import io
import json
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import cast

import torch
from torch import nn

from .files import read_untrusted_file
from .models import LATENT_DIM, ConvDiscriminator, ConvGenerator
from .resources import shipped_path

WEIGHTS_DIR = shipped_path("weights")  # the installed package's copy, or the checkout's weights/ (gan_core.resources)
MANIFEST = "manifest.json"
MAX_WEIGHTS_BYTES = 64 * 1024 * 1024  # the generator is ~9 MB; anything far larger is not ours
MODEL_CLASSES = {"generator": ConvGenerator, "discriminator": ConvDiscriminator}
FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
INT_DTYPES = (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8)
ARCHIVE_SLACK = 2**20  # the pickle and the zip's own records around the storages
PROBE_SEED = 0


class WeightsError(ValueError):
    """A weights file that cannot be used. `code` is stable (for translation), `details` fills its message."""

    def __init__(self, code: str, message: str, **details):
        super().__init__(message)
        self.code, self.details = code, details


def save_state_dict(model_or_state: nn.Module | dict, path: str | Path) -> Path:
    """Save a plain state_dict (CPU, contiguous tensors); `.safetensors` by suffix, else torch's `.pt`."""
    state = model_or_state.state_dict() if isinstance(model_or_state, nn.Module) else model_or_state
    state = {k: v.detach().cpu().contiguous() for k, v in state.items()}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".safetensors":
        from safetensors.torch import save_file

        save_file(state, str(path))
    else:
        torch.save(state, path)
    return path


def _detect_format(data: bytes) -> str:
    if len(data) == 0:
        raise WeightsError("empty", "the file is empty")
    if len(data) > MAX_WEIGHTS_BYTES:
        raise WeightsError(
            "too_large",
            f"the file is {len(data) / 2**20:.0f} MB, over the {MAX_WEIGHTS_BYTES // 2**20} MB limit",
            size_mb=len(data) // 2**20,
        )
    if data[:4] == b"PK\x03\x04":
        return "torch_zip"
    # safetensors first: its u64 header length can itself start with byte 0x80 (a 2,176-byte header does).
    if len(data) >= 10 and data[8:9] == b"{":  # u64 header length, then a JSON header
        return "safetensors"
    if data[:1] == b"\x80":  # a pickle protocol opcode: torch's legacy (non-zip) format
        return "torch_legacy"
    raise WeightsError("not_weights", "not a PyTorch (.pt) or safetensors file")


def _file_error(code: str, **details) -> WeightsError:
    """files.read_untrusted_file's refusals as WeightsError."""
    if code == "too_large":
        size_mb = details["size"] // 2**20
        return WeightsError("too_large", f"the file is over the {MAX_WEIGHTS_BYTES // 2**20} MB limit", size_mb=size_mb)
    return WeightsError(code, f"this is not a regular file but a {details['kind']}", **details)


def capacity_bytes(kind: str) -> int:
    """Bytes the notebook's state_dict of `kind` takes at the widest dtype it may come in (float64)."""
    return sum(t.numel() for t in _blank_model(kind).state_dict().values()) * 8


@lru_cache(maxsize=1)
def archive_limit() -> int:
    """Twice the largest of the notebook's state_dicts (the generator's) in float64, plus the archive's records:
    any of the notebook's models fits, so a generator offered as a discriminator is told so by its keys."""
    return 2 * max(capacity_bytes(kind) for kind in MODEL_CLASSES) + ARCHIVE_SLACK


def check_archive_size(data: bytes) -> None:
    """Refuse, before anything is unpacked, a file or a torch zip whose declared uncompressed entries add up to
    more than archive_limit() (a deflated storage can claim gigabytes in a few MB)."""
    limit = archive_limit()
    declared = len(data)
    if data[:4] == b"PK\x03\x04":
        try:
            declared = max(declared, sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist()))
        except (zipfile.BadZipFile, ValueError) as exc:
            raise WeightsError("corrupt", "the file is damaged or truncated", reason=type(exc).__name__) from None
    if declared > limit:
        raise WeightsError(
            "archive_too_large",
            f"the file unpacks to {declared / 2**20:.0f} MB; notebook weights take at most {limit / 2**20:.0f} MB",
            size_mb=round(declared / 2**20),
            limit_mb=round(limit / 2**20),
        )


def _read_torch(data: bytes, fmt: str) -> object:
    if fmt == "torch_zip":
        try:
            infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except (zipfile.BadZipFile, ValueError) as exc:
            raise WeightsError("corrupt", f"the file is damaged or truncated ({exc})", reason=str(exc)) from None
        names = [info.filename for info in infos]
        if any(n.endswith("constants.pkl") or "/code/" in n for n in names):
            raise WeightsError("torchscript", "this is a TorchScript archive (code), not a state_dict")
    try:
        return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:  # the unpickler refuses anything but tensors and plain containers
        reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        code = "unsafe" if "weights_only" in str(exc) or "Unsupported global" in str(exc) else "corrupt"
        message = (
            "the file contains Python objects or code, not only tensors"
            if code == "unsafe"
            else f"the file is damaged or not a state_dict ({reason})"
        )
        raise WeightsError(code, message, reason=reason) from None


def _read_safetensors(data: bytes) -> dict:
    from safetensors.torch import load

    try:
        return load(data)
    except Exception as exc:
        reason = str(exc).splitlines()[0][:300]
        raise WeightsError("corrupt", f"the safetensors file is damaged ({reason})", reason=reason) from None


def _check_tensors(state: dict) -> None:
    """Every value a plain, dense CPU tensor whose attributes come from torch, not from the file: a tensor with
    instance attributes is refused before any of its attributes is used."""
    for key, value in state.items():
        if type(value) not in (torch.Tensor, nn.Parameter):
            raise WeightsError(
                "not_state_dict",
                "the file holds something other than a state_dict of tensors",
                found=type(value).__name__,
            )
        if vars(value):
            names = [n for n in map(str, vars(value)) if n.isascii() and n.isidentifier()][:3] or ["..."]
            raise WeightsError(
                "tensor_attributes", f"{key} carries attributes set by the file ({', '.join(names)})", key=str(key)
            )
        layout, device = value.layout, value.device  # torch's own: no instance attribute shadows them (checked)
        if layout != torch.strided or device.type != "cpu" or value.is_quantized:
            where = device.type if device.type != "cpu" else str(layout).removeprefix("torch.")
            raise WeightsError("not_dense", f"{key} is a {where} tensor, not a dense one with values", key=str(key))


def read_state_dict(data: bytes) -> dict:
    """Bytes of a `.pt` or `.safetensors` file -> {name: tensor}, without running any code from it. The file's
    declared sizes are checked first against what the notebook's state_dicts can hold."""
    fmt = _detect_format(data)
    check_archive_size(data)
    state = _read_safetensors(data) if fmt == "safetensors" else _read_torch(data, fmt)
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]  # a common checkpoint wrapper
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise WeightsError(
            "not_state_dict", "the file holds something other than a state_dict of tensors", found=type(state).__name__
        )
    _check_tensors(state)
    return state


def _blank_model(kind: str) -> nn.Module:
    """A model of `kind` with no values: built on the meta device, so building it draws nothing from torch's global
    RNG. The dashboard loads models while another thread may sit between the notebook's set_seed and its draw."""
    with torch.device("meta"):
        return MODEL_CLASSES[kind]()


def validate_state_dict(state: dict, kind: str) -> None:
    """Check `state` against the notebook's model `kind` ('generator' | 'discriminator'); raise WeightsError."""
    _check_tensors(state)
    expected = _blank_model(kind).state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        raise WeightsError(
            "keys",
            f"not {kind} weights: missing keys {missing[:5]}, unexpected keys {unexpected[:5]}",
            kind=kind,
            missing=missing[:5],
            unexpected=unexpected[:5],
        )
    for key, ref in expected.items():
        got = state[key]
        if tuple(got.shape) != tuple(ref.shape):
            raise WeightsError(
                "shape",
                f"{key} has shape {tuple(got.shape)}, expected {tuple(ref.shape)}",
                key=key,
                shape=tuple(got.shape),
                expected=tuple(ref.shape),
            )
        if ref.is_floating_point() and got.dtype not in FLOAT_DTYPES:
            raise WeightsError(
                "dtype",
                f"{key} has dtype {got.dtype}; float16, bfloat16, float32 or float64 is needed",
                key=key,
                dtype=str(got.dtype),
            )
        if not ref.is_floating_point() and got.dtype not in INT_DTYPES:
            raise WeightsError(
                "int_dtype", f"{key} has dtype {got.dtype}, expected an integer tensor", key=key, dtype=str(got.dtype)
            )
        # twice: a float64 value that is finite may not be once cast to the float32 the model computes in
        if got.is_floating_point() and not (torch.isfinite(got).all() and torch.isfinite(got.float()).all()):
            raise WeightsError("not_finite", f"{key} contains NaN or Inf (in float32)", key=key)


@lru_cache(maxsize=1)
def _probe_images() -> torch.Tensor:
    """(4, 1, 28, 28): Gaussian noise, binary noise (-1/1, as the notebook's), a real holdout digit, and a digit of
    the shipped generator (uniform noise if that file is missing). Drawn from a local generator: loading a model
    must not move torch's global RNG."""
    from .data import real_digits_with_labels

    rng = torch.Generator().manual_seed(PROBE_SEED)
    noise = torch.randn(1, 1, 28, 28, generator=rng)
    binary = torch.randint(0, 2, (1, 1, 28, 28), generator=rng).float() * 2 - 1
    real = real_digits_with_labels("holdout")[0][:1].float()
    z = torch.randn(1, LATENT_DIM, generator=rng)
    try:
        generator = model_from_bytes(default_weights_path("generator").read_bytes(), "generator")
        with torch.inference_mode():
            generated = generator(z).float()
    except (OSError, WeightsError):
        generated = torch.rand(1, 1, 28, 28, generator=rng) * 2 - 1
    return torch.cat([noise, binary, real, generated])


def probe(model: nn.Module, kind: str) -> None:
    """Refuse a model whose outputs on a probe batch are not finite (WeightsError "unstable"). Call it under
    torch.inference_mode()."""
    if kind == "generator":
        inputs = torch.randn(4, LATENT_DIM, generator=torch.Generator().manual_seed(PROBE_SEED))
        outputs = [model(inputs)]
    else:
        inputs = _probe_images()
        outputs = [model.logit(inputs), model(inputs)]  # type: ignore[operator]
    if not all(torch.isfinite(out).all() for out in outputs):
        raise WeightsError("unstable", f"the {kind}'s outputs on test inputs are not finite (NaN or Inf)", kind=kind)


def model_from_bytes(data: bytes, kind: str) -> nn.Module:
    """Bytes -> a validated, probed model of `kind` in eval mode on the CPU."""
    state = read_state_dict(data)
    validate_state_dict(state, kind)
    model = _blank_model(kind)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()}, assign=True)
    model.eval()
    with torch.inference_mode():
        probe(model, kind)
    return model


def load_model(path: str | Path, kind: str, verify: bool = True) -> nn.Module:
    """Load a weights file; files listed in their folder's manifest.json are checked against its sha256."""
    path = Path(path)
    data = read_untrusted_file(path, MAX_WEIGHTS_BYTES, _file_error)
    if verify:
        verify_manifest(path, data)
    return model_from_bytes(data, kind)


def load_generator(path: str | Path | None = None) -> ConvGenerator:
    """The generator at `path`, or the shipped default when None."""
    return cast(ConvGenerator, load_model(path or default_weights_path("generator"), "generator"))


def load_discriminator(path: str | Path | None = None) -> ConvDiscriminator:
    """The discriminator at `path`, or the shipped default when None."""
    return cast(ConvDiscriminator, load_model(path or default_weights_path("discriminator"), "discriminator"))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(directory: Path = WEIGHTS_DIR) -> dict:
    """{"files": {name: {"sha256", "kind", ...}}} from directory/manifest.json, or empty when absent."""
    path = Path(directory) / MANIFEST
    return json.loads(path.read_text()) if path.exists() else {"files": {}}


def verify_manifest(path: Path, data: bytes) -> None:
    entry = read_manifest(path.parent)["files"].get(path.name)
    if entry and entry["sha256"] != sha256_bytes(data):
        raise WeightsError("checksum", f"{path.name} does not match the sha256 in {MANIFEST}", name=path.name)


def shipped_weights(directory: Path = WEIGHTS_DIR, kind: str | None = None) -> dict:
    """Name -> manifest entry for every shipped file (optionally of one kind), in manifest order."""
    files = read_manifest(directory)["files"]
    return {name: e for name, e in files.items() if kind is None or e["kind"] == kind}


def default_weights_name(kind: str, directory: Path = WEIGHTS_DIR) -> str:
    """The shipped file of `kind` the manifest marks `"default": true`, else its first of that kind.
    FileNotFoundError when the manifest lists none (the shipped files are missing)."""
    files = shipped_weights(directory, kind)
    if not files:
        raise FileNotFoundError(f"no {kind} weights listed in {Path(directory) / MANIFEST}")
    return next((name for name, entry in files.items() if entry.get("default")), next(iter(files)))


def default_weights_path(kind: str, directory: Path = WEIGHTS_DIR) -> Path:
    """Path of default_weights_name(kind): what load_generator() / load_discriminator() and the dashboard start on."""
    return Path(directory) / default_weights_name(kind, directory)


def write_manifest(entries: dict, directory: Path = WEIGHTS_DIR) -> Path:
    """entries: {name: {"kind", "description", ...}}; adds each file's sha256 and writes manifest.json."""
    directory = Path(directory)
    files = {name: {**meta, "sha256": sha256_bytes((directory / name).read_bytes())} for name, meta in entries.items()}
    path = directory / MANIFEST
    path.write_text(json.dumps({"files": files}, indent=2, ensure_ascii=False) + "\n")
    return path
