"""How the dashboard names a weights file: by how it was trained (the manifest entry), in the user's language.

One function for every place that lists weights: the Weights page's selectors (long form) and the zoo's legend
(short form). The text keys are `weights.choice_*` and `zoo.label_*`, the same suffixes in both.
"""

from dashboard import session_weights
from dashboard.i18n import t


def compact(wid: str) -> str:
    """A shipped file's name without its extension ("discriminator_mixed_seed1"): short enough for a phone's
    legend, where describe() tells how it was trained in the tooltip."""
    return wid.rsplit(".", 1)[0]


def describe(kind: str, wid: str, short: bool = False) -> str:
    """A shipped file name or this session's upload id -> "name (how it was trained[, default])"."""
    prefix = "zoo.label_" if short else "weights.choice_"
    if wid.startswith(session_weights.UPLOAD_PREFIX):
        upload = session_weights.uploaded(kind)
        return t(prefix + "upload", name=upload["name"] if upload else wid)
    entry = session_weights.shipped(kind).get(wid, {})
    if kind == "generator" and "epoch" in entry:
        label = t(prefix + "generator", name=wid, epoch=entry["epoch"])
    elif entry.get("phase") == 1 and "epoch" in entry:
        label = t(prefix + "joint", name=wid, epoch=entry["epoch"])
    elif "generator_epoch" in entry:  # how it was trained says more than "phase 2"
        scheme = t(f"scheme.{entry.get('scheme', 'separate')}")
        label = t(
            prefix + "phase2",
            name=wid,
            scheme=scheme,
            generator_epoch=entry["generator_epoch"],
            seed=entry.get("seed", "?"),
        )
    else:
        label = t(prefix + "shipped", name=wid, phase=entry.get("phase", "?"), seed=entry.get("seed", "?"))
    return label + t(prefix + "default_suffix") if entry.get("default") else label
