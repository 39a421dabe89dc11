"""Every model computation the dashboard shows, each declared once with the models it depends on.

Pages call these and get numpy / pandas (or the typed views below) back; they never import torch.
How results are cached and kept private to a session: dashboard/computation.py. Which weights a session uses:
dashboard/session_weights.py. What the server computes before students ask: dashboard/warm_up.py, from the `warm`
declarations here and the pages' defaults in dashboard/pages.py.
"""

import itertools
import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from dashboard import pictures, progressive
from dashboard.computation import Call, Warm, arrivals, computation
from dashboard.session_weights import Active, active, shipped, shipped_ref, shipped_refs, uploaded, uploaded_ref
from gan_core import (
    batchnorm_effect,
    data,
    explain,
    features,
    fooling,
    interpolation,
    notebook,
    ood_report,
    scoring,
    workers,
)

# gan_core.notebook reproduces the notebook with set_seed (torch's global RNG): two sessions drawing at once
# would interleave their streams, so those draws are serialised.
_GLOBAL_RNG_LOCK = threading.Lock()

FIT_CHOICES = ("own", "all")  # the PCA plane: fitted on real + generated digits, or on every group
FOOLING_STEPS, FOOLING_STEP_SIZE = fooling.DEFAULT_STEPS, fooling.DEFAULT_STEP_SIZE
FOOLING_SOURCES, FOOLING_CANDIDATES = fooling.START_SOURCES, fooling.START_CANDIDATES


# ----- group images and their scores (score distributions, percentiles, the zoo) -----


# Scored in chunks (rows [a, b) of every group's n images), each cached on its own, so a page can draw the first
# chunks while the rest are computed (dashboard/progressive.py) and two chunks run at once on the two workers with no
# barrier between them. The first two chunks are small so that the first partial paint comes soon. The whole draw is
# identical to scoring all n at once (tests/test_dashboard_progressive.py).
FIRST_CHUNK_ROWS, CHUNK_ROWS = 32, 64


def chunk_bounds(n: int) -> list[tuple[int, int]]:
    """[(a, b), ...] covering rows 0..n-1: two chunks of FIRST_CHUNK_ROWS, then CHUNK_ROWS each (the last may be
    shorter)."""
    edges = [0, FIRST_CHUNK_ROWS, 2 * FIRST_CHUNK_ROWS]
    edges += list(range(2 * FIRST_CHUNK_ROWS + CHUNK_ROWS, n, CHUNK_ROWS))
    edges = [edge for edge in edges if edge < n] + [n]
    return list(itertools.pairwise(edges)) or [(0, 0)]


@computation(uses="", max_entries=2, resource=True)
def group_inputs(n: int, seed: int) -> dict:
    """{group: (n,1,28,28) tensor} for every group drawn without a model (data.drawn_sources), all n at once so that
    a chunk takes exactly rows [a, b). A resource (never copied; chunks only slice it); at n = 2,000 it holds ~38 MB."""
    return {name: make(n, seed) for name, make in data.drawn_sources().items()}


# 64 x 784 float32 per chunk (~200 kB): 128 hold the warm-up's 75 and a new N = 2,000 view or two (~26 MB).
@computation(uses="g", max_entries=128, session_entries=32)
def generated_chunk(gen: Active, n: int, seed: int, chunk: int) -> torch.Tensor:
    """G(z) for rows [a, b) of data.generated_digits(G, n, seed)'s latents: (b - a, 1, 28, 28) in [-1, 1], the same
    numbers (G's images do not depend on the batch). Generator-only, so the zoo's discriminators share it."""
    a, b = chunk_bounds(n)[chunk]
    z = data.latent_noise(n, seed, gen.model.latent_dim)[a:b]  # drawing all n latents costs well under a millisecond
    return data.generated_digits_from(gen.model, z)


def _group_scores_warm(d) -> list[Warm]:
    dist, zoo = d.distributions, d.zoo
    views = [
        Warm((dist.n, dist.seed)),
        Warm((d.your_images.reference_n, d.your_images.reference_seed)),
        Warm((zoo.n, zoo.seed), every_discriminator=True),
        *[Warm((n, dist.seed), later=True) for n in dist.n_choices if n != dist.n],
        Warm((min(zoo.n_choices), zoo.seed), every_discriminator=True, later=True),
    ]
    return [
        Warm((*view.args, chunk), view.every_discriminator, view.later)
        for view in views
        for chunk in range(len(chunk_bounds(view.args[0])))
    ]


# ~15 kB per chunk: 512 hold every warmed view (167 chunks) and about ten new N = 2,000 views beside them (~8 MB).
@computation(uses="gd", max_entries=512, warm=_group_scores_warm, session_entries=64)
def group_scores_chunk(gen: Active, disc: Active, n: int, seed: int, chunk: int) -> pd.DataFrame:
    """D's scores of rows [a, b) of every group's n images: columns group, index (a..b-1), probability, logit."""
    a, b = chunk_bounds(n)[chunk]
    drawn = group_inputs.run({}, n, seed)
    generated = generated_chunk.run({"generator": gen}, n, seed, chunk)
    images = {name: generated if name == "generated" else drawn[name][a:b] for name in data.group_sources(gen.model)}
    table = scoring.score_groups(disc.model, images)
    table["index"] += a
    return table


def group_scores_calls(refs: dict[str, Active], n: int, seed: int) -> list[Call]:
    """The chunks of group_scores(n, seed) with the given weights, in row order."""
    return [Call(group_scores_chunk, refs, (int(n), int(seed), chunk)) for chunk in range(len(chunk_bounds(n)))]


def join_chunks(chunks: list[pd.DataFrame | None]) -> pd.DataFrame:
    """group_scores_chunk tables in row order (None: not computed yet; at least one is) -> one table, group by group
    in source order, then by index: the layout of scoring.score_groups over the whole groups."""
    present = [chunk for chunk in chunks if chunk is not None]
    table = pd.concat(present, ignore_index=True)
    order = {group: i for i, group in enumerate(present[0]["group"].unique())}
    rows = np.lexsort((table["index"].to_numpy(), table["group"].map(order).to_numpy()))
    return table.iloc[rows].reset_index(drop=True)


def group_scores(n: int, seed: int, paint=None, label: str = "", **refs: Active) -> pd.DataFrame:
    """D's scores of n images per group (real, generated, gaussian, ...) with this session's weights (a keyword
    generator= / discriminator= overrides one): columns group, index, probability, logit. While it takes long,
    `paint(partial table)` is called with the chunks done so far under a progress bar titled `label`
    (dashboard/progressive.py)."""
    chosen = {kind: refs.get(kind) or active(kind) for kind in ("generator", "discriminator")}
    calls = group_scores_calls(chosen, n, seed)
    return progressive.run(arrivals(calls), len(calls), join_chunks, paint, label)


@computation(uses="g", max_entries=8, warm=lambda d: [Warm((d.distributions.examples_per_group, d.distributions.seed))])
def group_examples(gen: Active, k: int, seed: int) -> dict:
    """{group: (k, 28, 28) float32} a few images of each group, to show what it looks like."""
    images = {name: make(k, seed) for name, make in data.group_sources(gen.model).items()}
    return {name: batch[:, 0].numpy() for name, batch in images.items()}


# ----- the notebook's single examples -----


@computation(uses="gd", max_entries=8, warm=lambda d: [Warm(())])
def notebook_examples(gen: Active, disc: Active) -> tuple[dict, pd.DataFrame]:
    """The notebook's noise (seed 42), binary noise (seed 43), generated digit and cat:
    ({name: (28, 28) float32}, DataFrame name, probability, logit)."""
    with _GLOBAL_RNG_LOCK:
        examples = notebook.notebook_examples(gen.model)
    images = {name: x[0, 0].numpy() for name, x in examples.items()}
    scores = scoring.score_groups(disc.model, examples).drop(columns="index").rename(columns={"group": "name"})
    return images, scores


def default_notebook_examples() -> tuple[dict, pd.DataFrame]:
    """notebook_examples() with the shipped default pair, whatever weights this session uses (the reveal compares
    the active D with the notebook's recipe)."""
    return notebook_examples.run({kind: shipped_ref(kind) for kind in ("generator", "discriminator")})


# ----- interpolation -----


def _latents(seed1: int, seed2: int) -> tuple[torch.Tensor, torch.Tensor]:
    """z1: the first draw after seeding seed1; z2: the second draw after seeding seed2 (the notebook: both 108)."""
    with _GLOBAL_RNG_LOCK:
        z1 = notebook.notebook_latent_pair(seed1)[0]
        z2 = notebook.notebook_latent_pair(seed2)[1]
    return z1, z2


def _interpolation_warm(d) -> list[Warm]:
    view = d.interpolation
    return [Warm((view.seed1, view.seed2, view.spherical, alphas)) for alphas in (view.strip_alphas, view.path_alphas)]


@computation(uses="gd", max_entries=256, warm=_interpolation_warm)
def _interpolate(gen: Active, disc: Active, seed1: int, seed2: int, spherical: bool, alphas: tuple):
    z1, z2 = _latents(seed1, seed2)
    generator = gen.model.eval()
    with torch.inference_mode():
        # One generator call per alpha, batch of one, exactly as the notebook's loop (bit-identical images).
        images = torch.cat([generator(interpolation.path(z1, z2, [a], spherical)) for a in alphas])
    scores = scoring.score_batch(disc.model, images)
    return images[:, 0].numpy(), pd.DataFrame({"alpha": np.asarray(alphas, float), **scores})


def interpolate(seed1: int, seed2: int, alphas, spherical: bool = False) -> tuple[np.ndarray, pd.DataFrame]:
    """G(mix(z1, z2, alpha)) for each alpha: images (k, 28, 28) in [-1, 1] and DataFrame alpha, probability, logit."""
    alphas = tuple(round(float(a), 6) for a in alphas)
    return _interpolate(int(seed1), int(seed2), bool(spherical), alphas)


@computation(uses="g", max_entries=64, warm=lambda d: [Warm((d.interpolation.seed1, d.interpolation.seed2))])
def alpha_one_hash(gen: Active, seed1: int, seed2: int) -> str:
    """The notebook's task-1 answer: sha256 of the alpha=1 image (linear mixing), as the notebook hashes it."""
    z1, z2 = _latents(seed1, seed2)
    return notebook.image_sha256(notebook.mixed_images(gen.model, z1, z2, alphas=(1.0,))[0])


# ----- images a student brings (never cached across sessions) -----


def score_images(images: np.ndarray) -> pd.DataFrame:
    """(k, 28, 28) in [-1, 1] -> DataFrame probability, logit with this session's active discriminator."""
    batch = torch.from_numpy(np.asarray(images, np.float32).reshape(-1, 1, 28, 28))
    return pd.DataFrame(scoring.score_batch(active("discriminator").model, batch))


@computation(uses="g", max_entries=8, warm=lambda d: [Warm((d.weights.grid_n, d.weights.grid_seed))])
def generated_samples(gen: Active, n: int, seed: int) -> np.ndarray:
    """n images from this session's generator: (n, 28, 28) in [-1, 1]."""
    return data.generated_digits(gen.model, n, seed)[:, 0].numpy()


# ----- feature space, fooling images, the discriminator zoo -----


@dataclass(frozen=True, eq=False)
class FeatureView:
    """The discriminator's feature space for n images per group (detectors fitted on n more real digits).

    points: at most `per_group` rows per group: group, index, logit, probability, parallel, orthogonal_norm,
    feature_norm, own_pc1, own_pc2, all_pc1, all_pc2, score_pc1 (= logit), score_pc2, distance, thumb (PNG data
    URL); pcas: {"own", "all": FeaturePCA, "score": ScorePlane (x = the exact logit, y = the top principal
    component orthogonal to w, fitted on real + generated)}; shares: {"own", "all": share of w the PCA plane holds,
    in [0, 1]}; units: one row per group over all n images: group, n, real_units, fake_units, bias, logit (means,
    real_units + fake_units + bias = logit), feature_norm, distance (means); distance is the Mahalanobis distance
    to the fit digits' features (class-agnostic); w (4096,), b: D's head; groups: the point groups in order;
    metrics: gan_core.ood_report's table.
    """

    points: pd.DataFrame
    pcas: dict
    w: np.ndarray
    b: float
    groups: list
    metrics: pd.DataFrame
    per_group: int
    shares: dict
    units: pd.DataFrame
    distance: object  # the fitted MahalanobisDetector (fit digits), for the student's images and the fooling path


def _feature_space_warm(d) -> list[Warm]:
    view = d.feature_space
    return [
        Warm((view.n, view.seed, view.scatter_cap)),
        Warm((min(view.n_choices), view.seed, view.scatter_cap), later=True),
    ]


@computation(uses="gd", max_entries=6, warm=_feature_space_warm)
def feature_space(gen: Active, disc: Active, n: int, seed: int, cap: int, _report=None) -> FeatureView:
    """FeatureView of n images per group, at most cap // groups points per group sent to the browser.
    _report(i, scores), when given, is called as each chunk of rows of each group has its features
    (feature_space_shown paints them)."""
    images, outputs = {}, {}  # name -> (n,1,28,28); name -> (features (n, 4096) float32, logits (n,))
    sources = ood_report.report_sources(gen.model, n, seed)
    # the detectors' fit digits last: the groups on the page are reported first
    order = sorted(sources, key=lambda name: name == "fit")
    part = 0
    for name in order:
        images[name] = sources[name]()
        pieces = []
        for a, b in chunk_bounds(n):  # D's outputs do not depend on the batch: the chunks join into the whole
            pieces.append(features.extract_features(disc.model, images[name][a:b]))
            if _report is not None:
                logits = pieces[-1][1]
                scores = {"probability": scoring.sigmoid(logits), "logit": logits}
                _report(part, pd.DataFrame({"group": name, "index": np.arange(a, b), **scores}))
            part += 1
        outputs[name] = (np.concatenate([p[0] for p in pieces]), np.concatenate([p[1] for p in pieces]))
    w, b = features.head_direction(disc.model)
    groups = [g for g in outputs if g != "fit"]  # "real" is the held-out split
    per_group = max(1, cap // len(groups))
    k = min(per_group, n)
    held_out = outputs["real"][0]
    tasks = {  # independent; on gan_core.workers' two one-thread workers in this order, the costliest first
        "detectors": lambda: ood_report.fit_detectors(outputs["fit"][0], w, b),
        "all": lambda: features.FeaturePCA(2).fit(np.concatenate([outputs[g][0] for g in groups])),
        "own": lambda: features.FeaturePCA(2).fit(np.concatenate([outputs["real"][0], outputs["generated"][0]])),
        "score": lambda: features.ScorePlane().fit(np.concatenate([outputs["real"][0], outputs["generated"][0]]), w, b),
        "thumbs": lambda: {g: [pictures.data_url(im) for im in images[g][:k, 0].numpy()] for g in groups},
    }
    done = dict(zip(tasks, workers.parallel_map(lambda task: task(), list(tasks.values())), strict=True))
    metrics = ood_report.score_table(done["detectors"], held_out, {g: outputs[g][0] for g in groups if g != "real"})
    pcas = {fit: done[fit] for fit in (*FIT_CHOICES, "score")}
    distance = done["detectors"]["mahalanobis"]
    distances = {g: distance.score(outputs[g][0]) for g in groups}  # (n,) per group, once: points and units share it
    frames = []
    for g in groups:
        table = features.feature_table(outputs[g][0][:k], w, b, pcas)
        table.insert(0, "group", g)
        table.insert(1, "index", np.arange(k))
        table["distance"] = distances[g][:k]
        table["thumb"] = done["thumbs"][g]
        frames.append(table)
    units = _unit_table({g: outputs[g][0] for g in groups}, w, b, distances)
    shares = {fit: pcas[fit].share_of(w) for fit in FIT_CHOICES}
    points = pd.concat(frames, ignore_index=True)
    return FeatureView(points, pcas, w, b, groups, metrics, per_group, shares, units, distance)


def feature_space_shown(n: int, seed: int, cap: int, paint, label: str = "") -> FeatureView:
    """feature_space(n, seed, cap) with this session's weights. While it computes, `paint(scores)` is called under
    a progress bar with D's scores (group, index, probability, logit) of the rows whose features are in, the
    detectors' own fit digits left out: the score plane's x, before its fits. Every group's features are needed
    before the planes and detectors can be fitted, so the bar's second half is the fits, which take about as long
    as the features (progressive.run_reported; benchmarks/README.md, "Progressive results").
    With an upload it computes in the script thread, unpainted: its private memo lives in session state."""
    refs = {kind: active(kind) for kind in feature_space.uses}
    if not feature_space.shared(refs):
        return feature_space.run(refs, n, seed, cap)
    parts = len(ood_report.report_sources(refs["generator"].model, n, seed)) * len(chunk_bounds(n))

    def shown(chunks: list) -> pd.DataFrame:
        present = [c for c in chunks if c is not None and c["group"].iloc[0] != "fit"]
        return pd.concat(present, ignore_index=True) if present else pd.DataFrame(columns=["group", "logit"])

    return progressive.run_reported(
        lambda report: feature_space.run(refs, n, seed, cap, _report=report), 2 * parts, shown, paint, label
    )


def _unit_table(group_features: dict, w: np.ndarray, b: float, distances: dict) -> pd.DataFrame:
    """{group: (n, 4096)}, {group: (n,) distances to the fit digits} -> per group: n, the means of the unit split
    (real_units + fake_units + bias = logit), of |phi| and of the distance."""
    rows = []
    for g, phi in group_features.items():
        split = features.unit_split(phi, w, b).mean()
        rows.append(
            {
                "group": g,
                "n": len(phi),
                **split.to_dict(),
                "feature_norm": float(np.linalg.norm(phi.astype(np.float64), axis=1).mean()),
                "distance": float(distances[g].mean()),
            }
        )
    return pd.DataFrame(rows)


def feature_points(images: np.ndarray, view: FeatureView) -> pd.DataFrame:
    """(k, 28, 28) in [-1, 1] -> feature_space's point columns for the active discriminator (this session only)."""
    images = np.asarray(images, np.float32).reshape(-1, 28, 28)
    phi, _ = features.extract_features(active("discriminator").model, torch.from_numpy(images[:, None]))
    table = features.feature_table(phi, view.w, view.b, view.pcas)
    table["distance"] = view.distance.score(phi)
    table["thumb"] = [pictures.data_url(im) for im in images]
    return table


def _fooling_warm(d) -> list[Warm]:
    view = d.feature_space
    return [Warm((view.fooling_source, view.fooling_seed, FOOLING_STEPS))]


@computation(uses="gd", max_entries=64, warm=_fooling_warm)
def _fooling(gen: Active, disc: Active, source: str, seed: int, steps: int) -> dict:
    start = fooling.rejected_start(gen.model, disc.model, source, seed)
    path = fooling.fooling_path(disc.model, start.image, steps=steps)
    return {
        "images": path.images[:, 0, 0],
        "features": path.features[:, 0],
        "logits": path.logits[:, 0],
        "index": start.index,
        "candidates": start.candidates,
    }


def fooling_path(source: str, seed: int, steps: int, view: FeatureView) -> tuple[np.ndarray, pd.DataFrame, dict]:
    """Gradient ascent on D's logit (gan_core.fooling defaults per step) from the input of `source` ("generated"
    or "noise") that the active D scores lowest among gan_core.fooling.START_CANDIDATES drawn from `seed`:
    images (steps + 1, 28, 28), one row per step (step plus feature_points' columns in `view`'s planes), and the
    start's choice {"index": int, "candidates": (k,) D(x) of every candidate}."""
    result = _fooling(str(source), int(seed), int(steps))
    table = features.feature_table(result["features"], view.w, view.b, view.pcas)
    table["distance"] = view.distance.score(result["features"])
    table.insert(0, "step", np.arange(len(table)))
    table["thumb"] = [pictures.data_url(im) for im in result["images"]]
    return result["images"], table, {"index": result["index"], "candidates": result["candidates"]}


def zoo(n: int, seed: int, paint=None, label: str = "") -> pd.DataFrame:
    """Mean score per group for every shipped discriminator and this session's uploaded one, with the
    active generator: columns discriminator, uploaded, phase, seed, default, scheme (separate, mixed, joint; None
    for an upload), holdout_auroc (the manifest's real-vs-generated AUROC on the holdout), group, n, mean, median,
    share_above_half, mean_logit (gan_core.scoring.summarise). Every discriminator's chunks run in one go; while it
    takes long, `paint(partial)` gets the same table over the rows scored so far (n: how many, per discriminator
    that has any) under a progress bar titled `label` (dashboard/progressive.py)."""
    upload = uploaded_ref("discriminator")
    refs = shipped_refs("discriminator") + ([upload] if upload else [])
    gen = active("generator")
    calls = [call for ref in refs for call in group_scores_calls({"generator": gen, "discriminator": ref}, n, seed)]
    size = len(calls) // len(refs)  # chunks per discriminator, discriminator by discriminator (each done soon)

    def combine(chunks: list) -> pd.DataFrame:
        mine = [(ref, chunks[k * size : (k + 1) * size]) for k, ref in enumerate(refs)]
        frames = [_zoo_rows(ref, join_chunks(own)) for ref, own in mine if any(c is not None for c in own)]
        return pd.concat(frames, ignore_index=True)

    return progressive.run(arrivals(calls), len(calls), combine, paint, label)


def _zoo_rows(ref: Active, scores: pd.DataFrame) -> pd.DataFrame:
    """One discriminator's zoo rows: its scores' summary per group after its manifest entry's columns."""
    entry = shipped("discriminator").get(ref.wid, {})
    summary = scoring.summarise(scores)
    summary.insert(0, "discriminator", ref.wid if ref.shared else uploaded("discriminator")["name"])
    summary.insert(1, "uploaded", not ref.shared)
    summary.insert(2, "phase", entry.get("phase"))
    summary.insert(3, "seed", entry.get("seed"))
    summary.insert(4, "default", bool(entry.get("default", False)))
    summary.insert(5, "scheme", entry.get("scheme"))
    summary.insert(6, "holdout_auroc", entry.get("holdout", {}).get("auroc"))
    return summary


# ----- issue 11: the BatchNorm effect -----


def _batchnorm_warm(d) -> list[Warm]:
    """The default D first; then every shipped one, since the view follows the weights a student switches to
    (seconds each cold, benchmarks/README.md) and each result is one row per group."""
    args = (d.weights.batchnorm_n, d.weights.batchnorm_seed)
    return [Warm(args), Warm(args, every_discriminator=True, later=True)]


@computation(uses="gd", max_entries=16, warm=_batchnorm_warm)
def batchnorm_view(gen: Active, disc: Active, n: int, seed: int) -> pd.DataFrame:
    """The active D's mean score per group in eval mode (running statistics, as every page scores) and in train
    mode on homogeneous batches of 64 of that group (as it trained with separate batches): columns group, n,
    eval_mean, train_mean in [0, 1]. real = the first n held-out digits; the cat is one image."""
    groups = explain.explain_images(gen.model, n, seed)
    return batchnorm_effect.summarise_effect(batchnorm_effect.batchnorm_effect(disc.model, groups))
