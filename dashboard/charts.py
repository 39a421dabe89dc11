"""Altair charts and the server-side summaries behind them. The browser only ever gets bins or short series:
histograms are binned here with numpy, long series are thinned to at most MAX_POINTS per line."""

import altair as alt
import numpy as np
import pandas as pd

from dashboard.i18n import number_locale, t

BINS = 40
MAX_POINTS = 600  # per line: enough for a smooth curve, few enough for any classroom laptop
ROW_HEIGHT = 48
CHART_WIDTH = 640  # a faceted chart cannot stretch to its container
COLOR = "#d6336c"  # the theme's primary colour


def localised(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """`chart` (changed in place, and returned) with the session language's number symbols in every axis label
    and tooltip: Vega's config.locale (0,5 and 12 345 in Russian). Call it on the finished top-level chart."""
    config = chart.config if chart.config is not alt.Undefined else alt.Config()
    config.locale = alt.Locale(number=alt.NumberLocale(**number_locale()))
    chart.config = config
    return chart


def value_title(column: str) -> str:
    return t("axis.probability") if column == "probability" else t("axis.logit")


def edges_for(column: str, values: np.ndarray, bins: int = BINS) -> np.ndarray:
    """Shared bin edges: [0, 1] for probabilities, the finite data range (padded) for logits. (bins + 1,)."""
    if column == "probability":
        return np.linspace(0.0, 1.0, bins + 1)
    finite = np.asarray(values, float)[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    pad = max(0.5, 0.02 * (hi - lo))
    return np.linspace(lo - pad, hi + pad, bins + 1)


def histogram_bins(scores: pd.DataFrame, column: str, edges: np.ndarray, labels: dict) -> pd.DataFrame:
    """Counts of each group's `column` on shared edges (values outside fall in the end bins).

    Returns one row per (group, bin): group (display label), start, end, count, share (of that group).
    """
    rows = []
    for group, part in scores.groupby("group", sort=False):
        counts, _ = np.histogram(np.clip(part[column].to_numpy(float), edges[0], edges[-1]), edges)
        rows.append(
            pd.DataFrame(
                {
                    "group": labels.get(group, group),
                    "start": edges[:-1],
                    "end": edges[1:],
                    "count": counts,
                    "share": counts / max(1, counts.sum()),
                }
            )
        )
    return (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame(columns=["group", "start", "end", "count", "share"])
    )


def distribution_chart(bins: pd.DataFrame, marks: pd.DataFrame, column: str, edges: np.ndarray) -> alt.FacetChart:
    """One histogram row per group on a shared x axis; `marks` (label, value) drawn as dashed rules on every row,
    named in the legend and the tooltip.

    bins: histogram_bins' output; marks: one row per marked image (the notebook's examples, the student's own).
    """
    domain = [float(edges[0]), float(edges[-1])]
    groups = list(dict.fromkeys(bins["group"]))
    # A faceted layer needs one dataset: bins and (per-row copies of) the marks, told apart by `kind`.
    rules = pd.concat([marks.assign(group=g) for g in groups], ignore_index=True) if len(marks) else marks
    shown = bins[bins["count"] > 0]  # empty bins draw nothing: not sent at all
    combined = pd.concat([shown.assign(kind="bin"), rules.assign(kind="mark")], ignore_index=True)
    x_scale = alt.Scale(domain=domain, nice=False)
    bars = (
        alt.Chart()
        .transform_filter(alt.datum.kind == "bin")
        .mark_bar(color=COLOR, opacity=0.85)
        .encode(
            x=alt.X("start:Q", title=value_title(column), scale=x_scale),
            x2="end:Q",
            y=alt.Y("share:Q", title=None, axis=alt.Axis(format="%", tickCount=2)),
            y2=alt.datum(0),  # vertical bars
            tooltip=[
                alt.Tooltip("group:N", title=t("chart.group")),
                alt.Tooltip("start:Q", title=t("chart.from"), format=".3f"),
                alt.Tooltip("end:Q", title=t("chart.to"), format=".3f"),
                alt.Tooltip("count:Q", title=t("chart.count")),
                alt.Tooltip("share:Q", title=t("chart.share"), format=".1%"),
            ],
        )
    )
    lines = (
        alt.Chart()
        .transform_filter(alt.datum.kind == "mark")
        .mark_rule(strokeWidth=2, strokeDash=[4, 2])
        .encode(
            x=alt.X("value:Q", scale=x_scale),
            color=alt.Color(
                "label:N", title=t("chart.marks"), legend=alt.Legend(orient="bottom", columns=2, labelLimit=320)
            ),
            tooltip=[
                alt.Tooltip("label:N", title=t("chart.image")),
                alt.Tooltip("value:Q", title=value_title(column), format=".4f"),
            ],
        )
    )
    return (
        alt.layer(bars, lines, data=combined)
        .properties(height=ROW_HEIGHT, width=CHART_WIDTH)
        .facet(
            row=alt.Row("group:N", sort=groups, title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        )
        .properties(title=alt.Title(t("dist.chart_title"), subtitle=t("dist.chart_subtitle")))
        .configure_facet(spacing=4)
    )


def path_chart(path: pd.DataFrame, alpha: float, column: str = "probability") -> alt.LayerChart:
    """D's score along the interpolation path (alpha on x) with the current alpha marked by a rule and a point."""
    base = alt.Chart(path).encode(
        x=alt.X("alpha:Q", title=t("axis.alpha"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y(
            f"{column}:Q",
            title=value_title(column),
            scale=alt.Scale(domain=[0, 1]) if column == "probability" else alt.Scale(zero=False),
        ),
        tooltip=[
            alt.Tooltip("alpha:Q", title="α", format=".3f"),
            alt.Tooltip("probability:Q", title=t("axis.probability"), format=".4f"),
            alt.Tooltip("logit:Q", title=t("axis.logit"), format=".3f"),
        ],
    )
    line = base.mark_line(color=COLOR, point=alt.OverlayMarkDef(size=18, color=COLOR))
    here = alt.Chart(pd.DataFrame({"alpha": [alpha]})).mark_rule(color="black", strokeDash=[4, 3]).encode(x="alpha:Q")
    title = alt.Title(t("interp.chart_title"), subtitle=t("interp.chart_subtitle"))
    return alt.layer(line, here).properties(title=title)


def thin(frame: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """Every k-th row so that at most max_points remain (the last row kept)."""
    if len(frame) <= max_points:
        return frame
    step = int(np.ceil(len(frame) / max_points))
    keep = np.unique(np.r_[np.arange(0, len(frame), step), len(frame) - 1])
    return frame.iloc[keep]


def loss_chart(log: pd.DataFrame, title: str) -> alt.Chart:
    """A training log (step plus loss / mean-score columns) as one line per column, thinned server-side."""
    x = "step" if "step" in log.columns else log.columns[0]
    series = [c for c in log.columns if c not in ("epoch", "step") and pd.api.types.is_numeric_dtype(log[c])]
    long = thin(log[[x, *series]]).melt(id_vars=x, var_name="series", value_name="value")
    long["series"] = long["series"].map(lambda s: t(f"loss.{s}") if f"loss.{s}" in _LOSS_KEYS else s)
    return (
        alt.Chart(long)
        .mark_line(strokeWidth=1.5)
        .encode(
            x=alt.X(f"{x}:Q", title=t("axis.step")),
            y=alt.Y("value:Q", title=t("axis.value")),
            color=alt.Color("series:N", title=t("chart.series")),
            tooltip=[
                alt.Tooltip(f"{x}:Q", title=t("axis.step")),
                alt.Tooltip("series:N", title=t("chart.series")),
                alt.Tooltip("value:Q", title=t("axis.value"), format=".4f"),
            ],
        )
        .properties(title=title, height=260)
    )


_LOSS_KEYS = {"loss.d_loss", "loss.g_loss", "loss.d_real", "loss.d_fake"}


def percentiles(values: np.ndarray, scores: pd.DataFrame, column: str = "probability") -> pd.DataFrame:
    """For each value, the percentage of each group's scores below it (ties count half). (len(values), groups)."""
    values = np.asarray(values, float)
    out = {}
    for group, part in scores.groupby("group", sort=False):
        ref = np.sort(part[column].to_numpy(float))
        below = np.searchsorted(ref, values, side="left")
        ties = np.searchsorted(ref, values, side="right") - below
        out[group] = 100.0 * (below + 0.5 * ties) / max(1, len(ref))
    return pd.DataFrame(out)
