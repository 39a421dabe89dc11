"""All of the dashboard's caching and model calls. Pages call these and get numpy / pandas back; only this module
touches torch.

Shared caches (every browser session reaches them) hold only what the shipped weights produce:
`st.cache_resource` for the shipped models (keyed by file name and its manifest sha256), `st.cache_data` for
group scores, interpolation paths and example images (keyed by those model keys, n and seed).
Weights a student uploads live only in that session's `st.session_state`; anything computed with them is
computed without the shared caches and memoised in the same session (a few entries), so it can never reach
another session or the shipped models.
"""

import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st
import torch

from gan_core import data, features, fooling, interpolation, notebook, ood_report, scoring, weights, workers
from gan_core.seeding import use_single_thread

# One thread per computation for the whole server process. On the 2-core classroom box, 2-thread OpenMP spin-waits
# collapsed 10-250x as soon as another process (or a second session) was busy; one thread never did. Big jobs use
# the second core through gan_core.workers (whole batches side by side, no barrier).
use_single_thread()

KINDS = ("generator", "discriminator")
UPLOAD_PREFIX = "upload:"
SESSION_MEMO_SIZE = 6  # per-session results computed with uploaded weights (each a small DataFrame or array)
# gan_core.notebook reproduces the notebook with set_seed (torch's global RNG): two sessions drawing at once
# would interleave their streams, so those draws are serialised.
_GLOBAL_RNG_LOCK = threading.Lock()


@dataclass(frozen=True)
class Active:
    """The weights one session uses for one kind: a shipped file name or an upload id, and a content key."""

    kind: str
    wid: str  # "discriminator.pt" or "upload:<sha12>"
    sha256: str

    @property
    def shared(self) -> bool:
        return not self.wid.startswith(UPLOAD_PREFIX)

    @property
    def key(self) -> tuple[str, str]:
        return self.wid, self.sha256


# ----- weights: shipped (shared) and uploaded (this session only) -----


@st.cache_resource(show_spinner=False, max_entries=8)
def _shipped_model(name: str, sha256: str, kind: str) -> torch.nn.Module:
    """A shipped model, loaded once per server (sha256 in the key: replaced files load afresh)."""
    return weights.load_model(weights.WEIGHTS_DIR / name, kind)


def shipped(kind: str) -> dict:
    """{file name: manifest entry} of the shipped weights of `kind`, in manifest order."""
    return weights.shipped_weights(kind=kind)


def default_weights(kind: str) -> str:
    return weights.default_weights_name(kind)


def _uploads() -> dict:
    return st.session_state.setdefault("weights_uploaded", {})


def uploaded(kind: str) -> dict | None:
    """This session's uploaded weights of `kind`: {"wid", "name", "sha256"} (the model itself stays private)."""
    entry = _uploads().get(kind)
    return None if entry is None else {k: entry[k] for k in ("wid", "name", "sha256")}


def weight_choices(kind: str) -> list[str]:
    """Shipped file names of `kind`, then this session's upload id if any."""
    extra = [_uploads()[kind]["wid"]] if kind in _uploads() else []
    return [*shipped(kind), *extra]


def active(kind: str) -> Active:
    """The weights this session uses for `kind` (the shipped default until the student picks others)."""
    chosen = st.session_state.setdefault("weights_active", {}).get(kind)
    if chosen is None or chosen not in weight_choices(kind):
        chosen = default_weights(kind)
    if chosen.startswith(UPLOAD_PREFIX):
        return Active(kind, chosen, _uploads()[kind]["sha256"])
    return Active(kind, chosen, shipped(kind)[chosen]["sha256"])


def set_active(kind: str, wid: str) -> None:
    if wid not in weight_choices(kind):
        raise KeyError(wid)
    st.session_state.setdefault("weights_active", {})[kind] = wid


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


def _model(ref: Active) -> torch.nn.Module:
    if ref.shared:
        return _shipped_model(ref.wid, ref.sha256, ref.kind)
    return _uploads()[ref.kind]["model"]


def _compute(shared_fn, plain_fn, *args, disc: Active | None = None):
    """Run with this session's active weights (or the given discriminator): through the shared cache when both are
    shipped, else privately."""
    gen, disc = active("generator"), disc or active("discriminator")
    if gen.shared and disc.shared:
        return shared_fn(gen.key, disc.key, *args)
    memo = st.session_state.setdefault("_private_memo", {})
    key = (plain_fn.__name__, gen.key, disc.key, *args)
    if key not in memo:
        while len(memo) >= SESSION_MEMO_SIZE:
            memo.pop(next(iter(memo)))
        memo[key] = plain_fn(_model(gen), _model(disc), *args)
    return memo[key]


def _shared(gen_key, disc_key) -> tuple[torch.nn.Module, torch.nn.Module]:
    return _shipped_model(*gen_key, "generator"), _shipped_model(*disc_key, "discriminator")


# ----- group scores (score distributions, percentiles) -----


def _group_images(gen, n: int, seed: int) -> dict:
    """{group: (n,1,28,28) tensor} for every group source."""
    return {name: make(n, seed) for name, make in data.group_sources(gen).items()}


@st.cache_resource(show_spinner=False, max_entries=1)
def _group_images_shared(gen_key, n: int, seed: int) -> dict:
    """The latest shipped-generator group images, kept so the zoo's six discriminators score one set instead of
    drawing it six times. One entry only: at n = 2,000 the seven groups hold ~44 MB."""
    return _group_images(_shipped_model(*gen_key, "generator"), n, seed)


def _group_scores(gen, disc, n: int, seed: int) -> pd.DataFrame:
    return scoring.score_groups(disc, _group_images(gen, n, seed))


@st.cache_data(show_spinner=False, max_entries=24)
def _group_scores_shared(gen_key, disc_key, n: int, seed: int) -> pd.DataFrame:
    return scoring.score_groups(_shipped_model(*disc_key, "discriminator"), _group_images_shared(gen_key, n, seed))


def group_scores(n: int, seed: int) -> pd.DataFrame:
    """D's scores of n images per group (real, generated, gaussian, ...): columns group, index, probability, logit."""
    return _compute(_group_scores_shared, _group_scores, int(n), int(seed))


def _group_examples(gen, disc, k: int, seed: int) -> dict:
    return {name: images[:, 0].numpy() for name, images in _group_images(gen, k, seed).items()}


@st.cache_data(show_spinner=False, max_entries=8)
def _group_examples_shared(gen_key, disc_key, k: int, seed: int) -> dict:
    return _group_examples(*_shared(gen_key, disc_key), k, seed)


def group_examples(k: int, seed: int) -> dict:
    """{group: (k, 28, 28) float32} a few images of each group, to show what it looks like."""
    return _compute(_group_examples_shared, _group_examples, int(k), int(seed))


# ----- the notebook's single examples -----


def _notebook_examples(gen, disc) -> tuple[dict, pd.DataFrame]:
    with _GLOBAL_RNG_LOCK:
        examples = notebook.notebook_examples(gen)
    images = {name: x[0, 0].numpy() for name, x in examples.items()}
    scores = scoring.score_groups(disc, examples).drop(columns="index").rename(columns={"group": "name"})
    return images, scores


@st.cache_data(show_spinner=False, max_entries=8)
def _notebook_examples_shared(gen_key, disc_key) -> tuple[dict, pd.DataFrame]:
    return _notebook_examples(*_shared(gen_key, disc_key))


def notebook_examples() -> tuple[dict, pd.DataFrame]:
    """The notebook's noise (seed 42), binary noise (seed 43), generated digit and cat:
    ({name: (28, 28) float32}, DataFrame name, probability, logit)."""
    return _compute(_notebook_examples_shared, _notebook_examples)


# ----- interpolation -----


def _latents(seed1: int, seed2: int) -> tuple[torch.Tensor, torch.Tensor]:
    """z1: the first draw after seeding seed1; z2: the second draw after seeding seed2 (the notebook: both 108)."""
    with _GLOBAL_RNG_LOCK:
        z1 = notebook.notebook_latent_pair(seed1)[0]
        z2 = notebook.notebook_latent_pair(seed2)[1]
    return z1, z2


def _interpolate(gen, disc, seed1: int, seed2: int, spherical: bool, alphas: tuple) -> tuple[np.ndarray, pd.DataFrame]:
    z1, z2 = _latents(seed1, seed2)
    gen.eval()
    with torch.inference_mode():
        # One generator call per alpha, batch of one, exactly as the notebook's loop (bit-identical images).
        images = torch.cat([gen(interpolation.path(z1, z2, [a], spherical)) for a in alphas])
    scores = scoring.score_batch(disc, images)
    return images[:, 0].numpy(), pd.DataFrame({"alpha": np.asarray(alphas, float), **scores})


@st.cache_data(show_spinner=False, max_entries=256)
def _interpolate_shared(gen_key, disc_key, seed1, seed2, spherical, alphas) -> tuple[np.ndarray, pd.DataFrame]:
    return _interpolate(*_shared(gen_key, disc_key), seed1, seed2, spherical, alphas)


def interpolate(seed1: int, seed2: int, alphas, spherical: bool = False) -> tuple[np.ndarray, pd.DataFrame]:
    """G(mix(z1, z2, alpha)) for each alpha: images (k, 28, 28) in [-1, 1] and DataFrame alpha, probability, logit."""
    alphas = tuple(round(float(a), 6) for a in alphas)
    return _compute(_interpolate_shared, _interpolate, int(seed1), int(seed2), bool(spherical), alphas)


def _alpha_one_hash(gen, disc, seed1: int, seed2: int) -> str:
    z1, z2 = _latents(seed1, seed2)
    return notebook.image_sha256(notebook.mixed_images(gen, z1, z2, alphas=(1.0,))[0])


@st.cache_data(show_spinner=False, max_entries=64)
def _alpha_one_hash_shared(gen_key, disc_key, seed1, seed2) -> str:
    return _alpha_one_hash(*_shared(gen_key, disc_key), seed1, seed2)


def alpha_one_hash(seed1: int, seed2: int) -> str:
    """The notebook's task-1 answer: sha256 of the alpha=1 image (linear mixing), as the notebook hashes it."""
    return _compute(_alpha_one_hash_shared, _alpha_one_hash, int(seed1), int(seed2))


# ----- images a student brings (never cached across sessions) -----


def score_images(images: np.ndarray) -> pd.DataFrame:
    """(k, 28, 28) in [-1, 1] -> DataFrame probability, logit with this session's active discriminator."""
    disc = _model(active("discriminator"))
    batch = torch.from_numpy(np.asarray(images, np.float32).reshape(-1, 1, 28, 28))
    return pd.DataFrame(scoring.score_batch(disc, batch))


def _samples(gen, disc, n: int, seed: int) -> np.ndarray:
    return data.generated_digits(gen, n, seed)[:, 0].numpy()


@st.cache_data(show_spinner=False, max_entries=8)
def _samples_shared(gen_key, disc_key, n: int, seed: int) -> np.ndarray:
    return _samples(*_shared(gen_key, disc_key), n, seed)


def generated_samples(n: int, seed: int) -> np.ndarray:
    """n images from this session's generator: (n, 28, 28) in [-1, 1]."""
    return _compute(_samples_shared, _samples, int(n), int(seed))


# ----- feature space, fooling images, the discriminator zoo (issue 4) -----

FIT_CHOICES = ("own", "all")  # the PCA plane: fitted on real + generated digits, or on every group
FOOLING_STEPS, FOOLING_STEP_SIZE = fooling.DEFAULT_STEPS, fooling.DEFAULT_STEP_SIZE


def _feature_space(gen, disc, n: int, seed: int, cap: int) -> dict:
    from dashboard.feature_charts import data_url  # PNG thumbnails for the tooltips

    images = ood_report.report_images(gen, n, seed)
    outputs = ood_report.report_features(disc, images)  # name -> (features (n, 4096) float32, logits (n,))
    w, b = features.head_direction(disc)
    groups = [g for g in outputs if g != "fit"]  # "real" is the held-out split
    per_group = max(1, cap // len(groups))
    k = min(per_group, n)
    held_out = outputs["real"][0]
    tasks = {  # independent; on gan_core.workers' two one-thread workers in this order, the costliest first
        "detectors": lambda: ood_report.fit_detectors(outputs["fit"][0], w, b),
        "all": lambda: features.FeaturePCA(2).fit(np.concatenate([outputs[g][0] for g in groups])),
        "own": lambda: features.FeaturePCA(2).fit(np.concatenate([outputs["real"][0], outputs["generated"][0]])),
        "thumbs": lambda: {g: [data_url(im) for im in images[g][:k, 0].numpy()] for g in groups},
    }
    done = dict(zip(tasks, workers.parallel_map(lambda task: task(), list(tasks.values()))))
    metrics = ood_report.score_table(done["detectors"], held_out, {g: outputs[g][0] for g in groups if g != "real"})
    pcas = {fit: done[fit] for fit in FIT_CHOICES}
    frames = []
    for g in groups:
        table = features.feature_table(outputs[g][0][:k], w, b, pcas)
        table.insert(0, "group", g)
        table.insert(1, "index", np.arange(k))
        table["thumb"] = done["thumbs"][g]
        frames.append(table)
    return {
        "points": pd.concat(frames, ignore_index=True),
        "pcas": pcas,
        "w": w,
        "b": b,
        "groups": groups,
        "metrics": metrics,
        "per_group": per_group,
    }


@st.cache_data(show_spinner=False, max_entries=6)
def _feature_space_shared(gen_key, disc_key, n: int, seed: int, cap: int) -> dict:
    return _feature_space(*_shared(gen_key, disc_key), n, seed, cap)


def feature_space(n: int, seed: int, cap: int) -> dict:
    """The discriminator's feature space for n images per group (detectors fitted on n more real digits):
    points (DataFrame, at most cap // groups rows per group: group, index, logit, probability, parallel,
    orthogonal_norm, feature_norm, own_pc1, own_pc2, all_pc1, all_pc2, thumb (PNG data URL)),
    pcas {"own", "all": gan_core.features.FeaturePCA}, w (4096,), b, groups, metrics (ood_table), per_group."""
    return _compute(_feature_space_shared, _feature_space, int(n), int(seed), int(cap))


def feature_points(images: np.ndarray, view: dict) -> pd.DataFrame:
    """(k, 28, 28) in [-1, 1] -> feature_space's point columns for the active discriminator (this session only)."""
    from dashboard.feature_charts import data_url

    images = np.asarray(images, np.float32).reshape(-1, 28, 28)
    phi, _ = features.extract_features(_model(active("discriminator")), torch.from_numpy(images[:, None]))
    table = features.feature_table(phi, view["w"], view["b"], view["pcas"])
    table["thumb"] = [data_url(im) for im in images]
    return table


def _fooling(gen, disc, seed: int, steps: int) -> dict:
    path = fooling.fooling_path(disc, fooling.fooling_start(seed), steps=steps)
    return {"images": path.images[:, 0, 0], "features": path.features[:, 0], "logits": path.logits[:, 0]}


@st.cache_data(show_spinner=False, max_entries=64)
def _fooling_shared(gen_key, disc_key, seed: int, steps: int) -> dict:
    return _fooling(*_shared(gen_key, disc_key), seed, steps)


def fooling_path(seed: int, steps: int, view: dict) -> tuple[np.ndarray, pd.DataFrame]:
    """Gradient ascent on D's logit from Gaussian noise `seed` (gan_core.fooling defaults per step):
    images (steps + 1, 28, 28) and one row per step: step plus feature_points' columns in `view`'s planes."""
    from dashboard.feature_charts import data_url

    result = _compute(_fooling_shared, _fooling, int(seed), int(steps))
    table = features.feature_table(result["features"], view["w"], view["b"], view["pcas"])
    table.insert(0, "step", np.arange(len(table)))
    table["thumb"] = [data_url(im) for im in result["images"]]
    return result["images"], table


def zoo(n: int, seed: int) -> pd.DataFrame:
    """Mean score per group for every shipped discriminator and this session's uploaded one, with the
    active generator: columns discriminator, uploaded, phase, seed, default, group, n, mean, median,
    share_above_half, mean_logit (gan_core.scoring.summarise)."""
    refs = [Active("discriminator", name, entry["sha256"]) for name, entry in shipped("discriminator").items()]
    upload = uploaded("discriminator")
    if upload is not None:
        refs.append(Active("discriminator", upload["wid"], upload["sha256"]))
    frames = []
    for ref in refs:
        scores = _compute(_group_scores_shared, _group_scores, int(n), int(seed), disc=ref)
        entry = shipped("discriminator").get(ref.wid, {})
        summary = scoring.summarise(scores)
        summary.insert(0, "discriminator", upload["name"] if not ref.shared else ref.wid)
        summary.insert(1, "uploaded", not ref.shared)
        summary.insert(2, "phase", entry.get("phase"))
        summary.insert(3, "seed", entry.get("seed"))
        summary.insert(4, "default", bool(entry.get("default", False)))
        frames.append(summary)
    return pd.concat(frames, ignore_index=True)


# ----- warm-up: the lesson's default views, computed once per server before students ask for them -----

# (page, shared cached function, arguments after the model keys): what each page computes with its default settings
# on the shipped weights, in lesson order, then the distributions page's other N choices. The values mirror the pages'
# defaults; tests/test_dashboard_warm_up.py fails if a page's default view is not among them.
_STRIP = (0.0, 0.25, 0.5, 0.75, 1.0)
_PATH = tuple(round(float(a), 6) for a in np.round(np.linspace(0, 1, 41), 3))
WARM_UP_DEFAULTS = [
    ("walkthrough", "_notebook_examples_shared", ()),
    ("interpolation", "_interpolate_shared", (108, 108, False, _STRIP)),
    ("interpolation", "_interpolate_shared", (108, 108, False, _PATH)),
    ("interpolation", "_alpha_one_hash_shared", (108, 108)),
    ("distributions", "_group_scores_shared", (500, 0)),
    ("distributions", "_group_examples_shared", (10, 0)),
    ("your_images", "_group_scores_shared", (1000, 0)),
    ("feature_space", "_feature_space_shared", (300, 0, 700)),
    ("feature_space", "_fooling_shared", (0, FOOLING_STEPS)),
    ("zoo", "_group_scores_shared", (300, 0)),  # with every shipped discriminator
    ("weights", "_samples_shared", (64, 0)),  # the live sample grid (when no sample_grid.png ships)
]
WARM_UP_MORE = [
    *[("distributions", "_group_scores_shared", (n, 0)) for n in (50, 100, 250, 2000)],
    ("zoo", "_group_scores_shared", (100, 0)),
    ("feature_space", "_feature_space_shared", (100, 0, 700)),
]


def warm_up(calls=None) -> float:
    """Compute `calls` (default: WARM_UP_DEFAULTS then WARM_UP_MORE) with the shipped default weights into the
    shared caches; seconds taken. A failure is logged and skipped: warming is an optimisation, never an error."""
    import time

    from streamlit.logger import get_logger

    log, start = get_logger(__name__), time.monotonic()
    gen = Active(
        "generator", default_weights("generator"), shipped("generator")[default_weights("generator")]["sha256"]
    )
    discs = [Active("discriminator", name, entry["sha256"]) for name, entry in shipped("discriminator").items()]
    default_disc = next(d for d in discs if d.wid == default_weights("discriminator"))
    for ref in [gen, *discs]:
        _shipped_model(*ref.key, ref.kind)
    data.load_files()
    log.info("warm-up: models and data files loaded in %.1f s", time.monotonic() - start)
    for page, name, args in WARM_UP_DEFAULTS + WARM_UP_MORE if calls is None else calls:
        for disc in discs if page == "zoo" else [default_disc]:
            workers.check_stopping()  # the server is exiting: end here (silently), not inside torch
            try:
                globals()[name](gen.key, disc.key, *args)
            except Exception:
                log.warning("warm-up of %s%s failed", name, args, exc_info=True)
    _release_free_memory()
    seconds = time.monotonic() - start
    log.info("warm-up done in %.1f s", seconds)
    return seconds


def _release_free_memory() -> None:
    """Hand the heap's free pages back to the OS (glibc keeps the warm-up's freed activations, ~250 MB, mapped)."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


@st.cache_resource(show_spinner=False)
def start_warm_up() -> threading.Thread | None:
    """Once per server process: warm_up() in a daemon thread. GAN_OOD_WARM_UP=0 turns it off, =models loads only
    the shipped models and the data files (what the benchmark's "first visitor" rows start from)."""
    import os

    mode = os.environ.get("GAN_OOD_WARM_UP", "1")
    if mode == "0":
        return None
    calls = [] if mode == "models" else None
    # Not niced: a low-priority thread holding the GIL would stall the students' script threads behind it.
    # A daemon thread that an exiting server stops and waits for (gan_core.workers: no abort inside torch).
    return workers.start_background(warm_up, calls, name="gan-ood-warm-up")
