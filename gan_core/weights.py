"""Weights: save and load plain state_dicts (`.pt` or `.safetensors`) safely, and the shipped manifest.

Loading never runs code from a file: `.pt` goes through `torch.load(..., weights_only=True)` passed explicitly
(so `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` cannot override it), TorchScript archives are refused before torch sees
them, and every tensor is checked (keys, shapes, float dtype, finite) before `load_state_dict`.
Errors are `WeightsError` with a stable `code` and `details`, so the dashboard can word them in any language.
"""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import torch
from torch import nn

from .models import ConvDiscriminator, ConvGenerator
from .resources import shipped_path

WEIGHTS_DIR = shipped_path("weights")  # the installed package's copy, or the checkout's weights/ (gan_core.resources)
MANIFEST = "manifest.json"
MAX_WEIGHTS_BYTES = 64 * 1024 * 1024  # the generator is ~9 MB; anything far larger is not ours
MODEL_CLASSES = {"generator": ConvGenerator, "discriminator": ConvDiscriminator}


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


def _read_torch(data: bytes, fmt: str) -> object:
    if fmt == "torch_zip":
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile as exc:
            raise WeightsError("corrupt", f"the file is damaged or truncated ({exc})", reason=str(exc)) from None
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


def read_state_dict(data: bytes) -> dict:
    """Bytes of a `.pt` or `.safetensors` file -> {name: tensor}, without running any code from it."""
    fmt = _detect_format(data)
    state = _read_safetensors(data) if fmt == "safetensors" else _read_torch(data, fmt)
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]  # a common checkpoint wrapper
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise WeightsError(
            "not_state_dict", "the file holds something other than a state_dict of tensors", found=type(state).__name__
        )
    return state


def _blank_model(kind: str) -> nn.Module:
    """A model of `kind` with no values: built on the meta device, so building it draws nothing from torch's global
    RNG. The dashboard loads models while another thread may sit between the notebook's set_seed and its draw."""
    with torch.device("meta"):
        return MODEL_CLASSES[kind]()


def validate_state_dict(state: dict, kind: str) -> None:
    """Check `state` against the notebook's model `kind` ('generator' | 'discriminator'); raise WeightsError."""
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
        if ref.is_floating_point() and not got.is_floating_point():
            raise WeightsError(
                "dtype", f"{key} has dtype {got.dtype}, expected a float tensor", key=key, dtype=str(got.dtype)
            )
        if got.is_floating_point() and not torch.isfinite(got).all():
            raise WeightsError("not_finite", f"{key} contains NaN or Inf", key=key)


def model_from_bytes(data: bytes, kind: str) -> nn.Module:
    """Bytes -> a validated model of `kind` in eval mode on the CPU."""
    state = read_state_dict(data)
    validate_state_dict(state, kind)
    model = _blank_model(kind)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()}, assign=True)
    return model.eval()


def load_model(path: str | Path, kind: str, verify: bool = True) -> nn.Module:
    """Load a weights file; files listed in their folder's manifest.json are checked against its sha256."""
    path = Path(path)
    data = path.read_bytes()
    if verify:
        verify_manifest(path, data)
    return model_from_bytes(data, kind)


def load_generator(path: str | Path | None = None) -> ConvGenerator:
    """The generator at `path`, or the shipped default when None."""
    return load_model(path or default_weights_path("generator"), "generator")


def load_discriminator(path: str | Path | None = None) -> ConvDiscriminator:
    """The discriminator at `path`, or the shipped default when None."""
    return load_model(path or default_weights_path("discriminator"), "discriminator")


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
