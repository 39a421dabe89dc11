"""Which weights a browser session uses: the shipped files (shared by every session) or its own uploads.

A session's choice and its uploaded models live only in its `st.session_state`; the shipped models are loaded
once per server (`st.cache_resource`, keyed by file name and manifest sha256, so a replaced file loads afresh).
Everything computed from these models is declared in dashboard/cache.py.
"""

from dataclasses import dataclass

import streamlit as st
import torch

from gan_core import weights

KINDS = ("generator", "discriminator")
UPLOAD_PREFIX = "upload:"
_UPLOADS, _ACTIVE = "weights_uploaded", "weights_active"  # session_state keys


@dataclass(frozen=True)
class Active:
    """The weights of one kind: a shipped file name or an upload id, and a content key."""

    kind: str
    wid: str  # "discriminator.pt" or "upload:<sha12>"
    sha256: str

    @property
    def shared(self) -> bool:
        """Shipped weights: results computed with them may be cached for every session."""
        return not self.wid.startswith(UPLOAD_PREFIX)

    @property
    def key(self) -> tuple[str, str]:
        return self.wid, self.sha256

    @property
    def model(self) -> torch.nn.Module:
        """The model itself: shipped ones from the server-wide cache, uploads from this session."""
        if self.shared:
            return shipped_model(self.wid, self.sha256, self.kind)
        return _uploads()[self.kind]["model"]


@st.cache_resource(show_spinner=False, max_entries=8)
def shipped_model(name: str, sha256: str, kind: str) -> torch.nn.Module:
    """A shipped model, loaded once per server (sha256 in the key: replaced files load afresh)."""
    return weights.load_model(weights.WEIGHTS_DIR / name, kind)


def shipped(kind: str) -> dict:
    """{file name: manifest entry} of the shipped weights of `kind`, in manifest order."""
    return weights.shipped_weights(kind=kind)


def default_weights(kind: str) -> str:
    """The shipped file of `kind` marked default in the manifest (else the first one)."""
    files = shipped(kind)
    return next((name for name, entry in files.items() if entry.get("default")), next(iter(files)))


def shipped_ref(kind: str, name: str | None = None) -> Active:
    """The shipped weights `name` of `kind` (the default when None), without any session."""
    name = name or default_weights(kind)
    return Active(kind, name, shipped(kind)[name]["sha256"])


def shipped_refs(kind: str) -> list[Active]:
    """Every shipped file of `kind`, in manifest order."""
    return [Active(kind, name, entry["sha256"]) for name, entry in shipped(kind).items()]


def _uploads() -> dict:
    return st.session_state.setdefault(_UPLOADS, {})


def uploaded(kind: str) -> dict | None:
    """This session's uploaded weights of `kind`: {"wid", "name", "sha256"} (the model itself stays private)."""
    entry = _uploads().get(kind)
    return None if entry is None else {k: entry[k] for k in ("wid", "name", "sha256")}


def uploaded_ref(kind: str) -> Active | None:
    entry = uploaded(kind)
    return None if entry is None else Active(kind, entry["wid"], entry["sha256"])


def weight_choices(kind: str) -> list[str]:
    """Shipped file names of `kind`, then this session's upload id if any."""
    extra = [_uploads()[kind]["wid"]] if kind in _uploads() else []
    return [*shipped(kind), *extra]


def active(kind: str) -> Active:
    """The weights this session uses for `kind` (the shipped default until the student picks others)."""
    chosen = st.session_state.setdefault(_ACTIVE, {}).get(kind)
    if chosen is None or chosen not in weight_choices(kind):
        chosen = default_weights(kind)
    if chosen.startswith(UPLOAD_PREFIX):
        return Active(kind, chosen, _uploads()[kind]["sha256"])
    return shipped_ref(kind, chosen)


def set_active(kind: str, wid: str) -> None:
    if wid not in weight_choices(kind):
        raise KeyError(wid)
    st.session_state.setdefault(_ACTIVE, {})[kind] = wid


def upload_weights(payload: bytes, file_name: str, kind: str) -> str:
    """Validate uploaded bytes as `kind` weights and make them this session's active ones; returns the id.

    Raises gan_core.weights.WeightsError (nothing changes then: the previous weights stay active).
    """
    model = weights.model_from_bytes(payload, kind)
    sha = weights.sha256_bytes(payload)
    wid = f"{UPLOAD_PREFIX}{sha[:12]}"
    _uploads()[kind] = {"wid": wid, "name": file_name, "sha256": sha, "model": model}
    set_active(kind, wid)
    return wid
