"""Altair charts and the server-side summaries behind them. The browser only ever gets bins or short series:
histograms are binned here with numpy, long series are thinned to at most MAX_POINTS per line."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from dashboard.i18n import number_locale, t

BINS = 40
MAX_POINTS = 600  # per line: enough for a smooth curve, few enough for any classroom laptop
COLOR = "#d6336c"  # the theme's primary colour
TEXT_COLOR = "#262730"  # Streamlit's own text colour: axis labels in Vega's light grey fade on a projector
FONT_PX = 14  # the smallest text in any chart, read from the back of a classroom
ROW_PX, LANE_PX = 50, 22  # one histogram row; one marked image's lane above the rows
# Streamlit fits a whole chart into its height: the x axis (ticks, labels, title) and Vega's padding take this much
# of it (in Chromium: a 438 px distributions chart had a 357 px plot), so one row alone was left about 20 px.
X_AXIS_PX = 81
BAR_SHARE_OF_ROW, LABEL_Y = 0.62, 0.82  # bars fill the row's lower part, the group's name sits above them
# One colour per notebook example, whatever the language (the legend used to sort translated labels).
EXAMPLE_COLORS = {"noise": "#e8590c", "binary": "#1971c2", "generated": "#2f9e44", "cat": "#7048e8"}
OWN_COLORS = ["#212529", "#0c8599", "#c2255c", "#5c940d", "#862e9c", "#d9480f", "#364fc7", "#087f5b"]


# Streamlit fits the WHOLE chart (axes and legend included) into its height: each legend line and the slanted group
# names get their own room on top of the plot's, or a long legend squeezes the plot to a sliver.
LEGEND_LINE_PX, SLANTED_LABELS_PX = 24, 90


def with_room(plot_px: int, legend_lines: int = 0, slanted: bool = False) -> int:
    """The chart height that leaves the plot about plot_px after the legend (legend_lines) and slanted labels."""
    return plot_px + (LEGEND_LINE_PX * legend_lines + 30 if legend_lines else 0) + (SLANTED_LABELS_PX if slanted else 0)


def finished(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """A copy of `chart` with the look every chart shares: this language's number symbols in axis labels and
    tooltips (Vega's config.locale: 0,5 and 12 345 in Russian), text of at least FONT_PX in Streamlit's text
    colour, and no label cut short with "…" (Vega's default limits are 180 px for axis labels, 160 for legends)."""
    chart = chart.copy(deep=True)
    config = chart.config if chart.config is not alt.Undefined else alt.Config()
    config.locale = alt.Locale(number=alt.NumberLocale(**number_locale()))
    text = {"labelColor": TEXT_COLOR, "titleColor": TEXT_COLOR, "labelLimit": 0}
    config.axis = alt.AxisConfig(labelFontSize=FONT_PX, titleFontSize=FONT_PX + 1, titleLimit=0, **text)
    # Under the plot, one entry per line: beside it a legend takes half a phone's width, and two columns of
    # Russian labels are wider than a phone.
    config.legend = alt.LegendConfig(
        orient="bottom", columns=1, labelFontSize=FONT_PX, titleFontSize=FONT_PX, titleLimit=0, symbolSize=120, **text
    )
    config.header = alt.HeaderConfig(labelFontSize=FONT_PX, titleFontSize=FONT_PX, labelColor=TEXT_COLOR)
    config.text = alt.MarkConfig(fontSize=FONT_PX, color=TEXT_COLOR)
    chart.config = config
    return chart


def _title_text(title) -> tuple[str | None, str | None]:
    """(text, subtitle) of an Altair title: a string, an alt.Title, or none."""
    if title is alt.Undefined or title is None:
        return None, None
    if isinstance(title, str):
        return title, None
    text, subtitle = title.text, getattr(title, "subtitle", alt.Undefined)
    return str(text), None if subtitle is alt.Undefined else str(subtitle)


def show(chart: alt.TopLevelMixin, *, key: str | None = None, height: int | None = None, width="stretch") -> None:
    """Draw a chart the one way every page does: its title and subtitle as page text above it (text wraps on any
    screen, where a chart's own title is clipped at its edge), then finished(chart) at the content's width."""
    title, subtitle = _title_text(chart.title)
    if title or subtitle:  # one element: Streamlit's gap between two would push the chart down by a line
        st.markdown("  \n".join(part for part in (title and f"**{title}**", subtitle and f":gray[{subtitle}]") if part))
    chart = finished(chart)
    chart.title = alt.Undefined
    # A keyed chart sits in a keyed container: its CSS class (st-key-<key>_box) lets the browser tests find it.
    with st.container(key=f"{key}_box") if key else st.container():
        st.altair_chart(chart, width=width, height=height or "content", key=key)


def value_title(column: str, short: bool = False) -> str:
    """The axis title of a score column; `short` for a vertical axis (the long one ran past a 300 px chart)."""
    if column == "probability":
        return t("axis.probability_short" if short else "axis.probability")
    return t("axis.logit")


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


def distribution_chart(bins: pd.DataFrame, marks: pd.DataFrame, column: str, edges: np.ndarray) -> alt.LayerChart:
    """One histogram row per group on a shared x axis, in ONE (unfaceted) chart so it stretches to any width: a
    projector's or a phone's. Each row is scaled to its own tallest bar, so a group spread over many bins (real
    digits) is as visible as one piled in a single bin (noise); the exact shares are in the tooltip and the table.
    Above the rows, one lane per marked image (`marks`: label, value, color): a dot at its score, named beside it,
    and a dashed rule through every row in the same colour.

    bins: histogram_bins' output; marks: one row per marked image (the notebook's examples, the student's own).
    """
    groups = list(dict.fromkeys(bins["group"]))
    lanes = len(marks)
    # y in row units, 0 at the bottom: group i (from the top) fills [G-1-i, G-i), the lanes sit above the rows.
    top_of_rows = float(len(groups))
    base = {g: top_of_rows - 1 - i for i, g in enumerate(groups)}
    tallest = bins.groupby("group")["share"].transform("max").replace(0, 1)
    shown = bins.assign(y=bins["group"].map(base), height=bins["share"] / tallest * BAR_SHARE_OF_ROW)
    shown = shown[shown["count"] > 0].assign(y2=lambda f: f["y"] + f["height"])  # empty bins: not sent at all
    lane = LANE_PX / ROW_PX
    marks = marks.reset_index(drop=True)
    lane_y = top_of_rows + lane * (lanes - np.arange(lanes) - 0.5)
    domain = [float(edges[0]), float(edges[-1])]
    x = marks["value"].clip(*domain)  # a mark off the axis sits at its end
    # The rules' y span as columns, not alt.datum: a datum beside the bars' field crashes Vega-Lite's axis merge.
    dots = marks.assign(y=lane_y, floor=0.0, ceiling=top_of_rows, x=x, right=x > (domain[0] + domain[1]) / 2)
    names = pd.DataFrame({"group": groups, "x": domain[0], "y": [base[g] + LABEL_Y for g in groups]})
    x_scale = alt.Scale(domain=domain, nice=False)
    y_scale = alt.Scale(domain=[0, top_of_rows + lane * lanes], nice=False, zero=True)
    y_none = alt.Y("y:Q", scale=y_scale, axis=None)
    colors = alt.Color("label:N", scale=alt.Scale(domain=list(marks["label"]), range=list(marks["color"])), legend=None)
    bars = (
        alt.Chart(shown)
        .mark_bar(color=COLOR, opacity=0.85)
        .encode(
            x=alt.X(
                "start:Q", title=value_title(column), scale=x_scale, axis=alt.Axis(tickCount=10, labelOverlap=True)
            ),
            x2="end:Q",
            y=y_none,
            y2="y2:Q",
            tooltip=[
                alt.Tooltip("group:N", title=t("chart.group")),
                alt.Tooltip("start:Q", title=t("chart.from"), format=".3f"),
                alt.Tooltip("end:Q", title=t("chart.to"), format=".3f"),
                alt.Tooltip("count:Q", title=t("chart.count")),
                alt.Tooltip("share:Q", title=t("chart.share"), format=".1%"),
            ],
        )
    )
    row_names = (
        alt.Chart(names)
        .mark_text(align="left", baseline="middle", dx=4, fontSize=FONT_PX, fontWeight="bold", color=TEXT_COLOR)
        .encode(x=alt.X("x:Q", scale=x_scale), y=y_none, text="group:N")
    )
    layers = [bars, row_names]
    if lanes:
        tips = [
            alt.Tooltip("label:N", title=t("chart.image")),
            alt.Tooltip("value:Q", title=value_title(column), format=".4f"),
        ]
        rules = (
            alt.Chart(dots)
            .mark_rule(strokeWidth=2, strokeDash=[4, 2])
            .encode(
                x=alt.X("x:Q", scale=x_scale),
                y=alt.Y("floor:Q", scale=y_scale, axis=None),
                y2="ceiling:Q",
                color=colors,
                tooltip=tips,
            )
        )
        points = (
            alt.Chart(dots)
            .mark_point(filled=True, size=90, opacity=1)
            .encode(x=alt.X("x:Q", scale=x_scale), y=y_none, color=colors, tooltip=tips)
        )
        text = alt.Text("label:N")
        left = alt.Chart(dots[dots["right"]]).mark_text(align="right", baseline="middle", dx=-9, fontSize=FONT_PX)
        right = alt.Chart(dots[~dots["right"]]).mark_text(align="left", baseline="middle", dx=9, fontSize=FONT_PX)
        layers += [rules, points] + [
            part.encode(x=alt.X("x:Q", scale=x_scale), y=y_none, text=text, color=colors) for part in (left, right)
        ]
    height = int(ROW_PX * len(groups) + LANE_PX * lanes + X_AXIS_PX)
    return alt.layer(*layers).properties(
        height=height, title=alt.Title(t("dist.chart_title"), subtitle=t("dist.chart_subtitle"))
    )


def partial_distribution_chart(scores: pd.DataFrame, column: str) -> alt.LayerChart:
    """distribution_chart of `scores` (group, index, probability, logit) with no marked images, on edges of its
    own: what a page draws while its scores are still arriving (dashboard/progressive.py)."""
    edges = edges_for(column, scores[column].to_numpy())
    bins = histogram_bins(scores, column, edges, {g: t(f"group.{g}") for g in scores["group"].unique()})
    return distribution_chart(bins, own_marks([], []), column, edges)


def example_marks(example_scores: pd.DataFrame, column: str) -> pd.DataFrame:
    """The notebook's examples as distribution_chart marks (label, value, color): each keeps its own colour in every
    language. example_scores: cache.notebook_examples' table (name, probability, logit)."""
    return pd.DataFrame(
        {
            "label": [t(f"example.{name}") for name in example_scores["name"]],
            "value": example_scores[column].to_numpy(float),
            "color": [EXAMPLE_COLORS[name] for name in example_scores["name"]],
        }
    )


def own_marks(labels: list[str], values: np.ndarray) -> pd.DataFrame:
    """The student's images as marks, coloured by position (never one of the examples' colours)."""
    colors = [OWN_COLORS[i % len(OWN_COLORS)] for i in range(len(labels))]
    return pd.DataFrame({"label": labels, "value": np.asarray(values, float), "color": colors})


def path_chart(path: pd.DataFrame, alpha: float, column: str = "probability") -> alt.LayerChart:
    """D's score along the interpolation path (alpha on x) with the current alpha marked by a rule and a point."""
    base = alt.Chart(path).encode(
        x=alt.X("alpha:Q", title=t("axis.alpha"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y(
            f"{column}:Q",
            title=value_title(column, short=True),
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
        .properties(title=title, height=with_room(260, len(series)))
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
