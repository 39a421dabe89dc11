"""Charts of the discriminator's feature space and the discriminator zoo (Altair), and the tiny PNG thumbnails
their tooltips show. Pure numpy / pandas: the numbers come from dashboard.cache."""

import altair as alt
import numpy as np
import pandas as pd

from dashboard.i18n import t

# Thumbnails (pictures.data_url) travel at the model's 28 px; the browser draws them 3x with hard pixel edges.
TOOLTIP_CSS = "<style>#vg-tooltip-element img {width: 84px; height: 84px; image-rendering: pixelated;}</style>"
SIDE = 440  # the PCA chart is square with equal axis spans: the arrow's angle and the boundary are true
PALETTE = {
    "real": "#1f77b4",
    "generated": "#2ca02c",
    "gaussian": "#d62728",
    "binary": "#9467bd",
    "uniform": "#ff7f0e",
    "natural": "#8c564b",
    "fashion": "#e377c2",
}
MINE_COLOR, FOOL_COLOR = "#111111", "#00a6b8"  # black diamonds; a cyan no group uses


def group_scale(groups: list[str]) -> alt.Scale:
    """Fixed colours per group (labels translated), the student's images and the fooling path last."""
    labels = [t(f"group.{g}") for g in groups] + [t("fs.mine"), t("fs.fooling")]
    colors = [PALETTE.get(g, "#7f7f7f") for g in groups] + [MINE_COLOR, FOOL_COLOR]
    return alt.Scale(domain=labels, range=colors)


def _tooltip(extra: list | None = None) -> list:
    # The field titled exactly "image" holding a data URL is drawn as a picture by Vega's tooltip handler.
    return [
        alt.Tooltip("thumb:N", title="image"),
        alt.Tooltip("label:N", title=t("chart.group")),
        alt.Tooltip("probability:Q", title="D(x)", format=".4f"),
        alt.Tooltip("logit:Q", title=t("table.logit"), format=".3f"),
        *(extra or []),
    ]


def square_domain(xy: np.ndarray, pad: float = 0.06) -> tuple[list[float], list[float]]:
    """Equal-span x and y domains around the points (N, 2), so one unit is as long on both axes."""
    xy = np.asarray(xy, float)
    xy = xy[np.isfinite(xy).all(axis=1)]
    if xy.size == 0:
        return [-1.0, 1.0], [-1.0, 1.0]
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2, 1e-6) * (1 + pad)
    return [centre[0] - half, centre[0] + half], [centre[1] - half, centre[1] + half]


def head_overlay(pca, w: np.ndarray, b: float, xdom: list, ydom: list) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The head in the plane: an arrow from the fitted mean (the origin) along C w, a quarter of the chart
    long (its length is not to scale), and the D = 0.5 line clipped to the chart (None where it misses or
    does not exist). Returns (arrow: x, y, x2, y2, angle for the arrow head), boundary (x, y, order)."""
    direction = pca.project_direction(w)
    norm = float(np.linalg.norm(direction))
    length = 0.25 * (xdom[1] - xdom[0])
    tip = direction / norm * length if norm > 0 else np.zeros(2)
    # Vega rotates a symbol clockwise from "up"; with equal axis spans data angles are screen angles.
    angle = float(np.degrees(np.arctan2(tip[0], tip[1])))
    arrow = pd.DataFrame(
        {
            "x": [0.0],
            "y": [0.0],
            "x2": [tip[0]],
            "y2": [tip[1]],
            "angle": [angle],
            "share": [norm / max(float(np.linalg.norm(w)), 1e-300)],
        }
    )
    segment = pca.boundary_segment(w, b, tuple(xdom), tuple(ydom))
    boundary = None if segment is None else pd.DataFrame({"x": segment[:, 0], "y": segment[:, 1], "order": [0, 1]})
    return arrow, boundary


def _layers_for_extras(mine: pd.DataFrame | None, path: pd.DataFrame | None, x: str, y: str, xs, ys) -> list:
    layers = []
    if path is not None and len(path):
        layers.append(
            alt.Chart(path)
            .mark_line(color=FOOL_COLOR, strokeWidth=2.5, point=alt.OverlayMarkDef(color=FOOL_COLOR, size=22))
            .encode(
                x=alt.X(f"{x}:Q", scale=xs),
                y=alt.Y(f"{y}:Q", scale=ys),
                order="step:Q",
                tooltip=_tooltip([alt.Tooltip("step:Q", title=t("fs.step"))]),
            )
        )
    if mine is not None and len(mine):
        layers.append(
            alt.Chart(mine)
            .mark_point(shape="diamond", size=160, filled=True, stroke="white", strokeWidth=1.5)
            .encode(
                x=alt.X(f"{x}:Q", scale=xs),
                y=alt.Y(f"{y}:Q", scale=ys),
                color=alt.value(MINE_COLOR),
                tooltip=_tooltip([alt.Tooltip("name:N", title=t("table.name"))]),
            )
        )
    return layers


def pca_chart(
    points: pd.DataFrame,
    fit: str,
    pca,
    w: np.ndarray,
    b: float,
    groups: list[str],
    mine: pd.DataFrame | None = None,
    path: pd.DataFrame | None = None,
) -> tuple[alt.LayerChart, bool]:
    """Scatter of the groups in the PCA plane `fit` ("own" | "all"), coloured by group with an image tooltip,
    the head direction as an arrow and the D = 0.5 line; the student's images as diamonds, the fooling path
    as a line. points / mine / path carry <fit>_pc1, <fit>_pc2, label, thumb, probability, logit.
    Returns (chart, whether the D = 0.5 line crosses the chart)."""
    x, y = f"{fit}_pc1", f"{fit}_pc2"
    everything = [frame[[x, y]].to_numpy(float) for frame in (points, mine, path) if frame is not None and len(frame)]
    xdom, ydom = square_domain(np.concatenate(everything))
    ratio = pca.explained_variance_ratio_
    xs, ys = alt.Scale(domain=xdom, nice=False, zero=False), alt.Scale(domain=ydom, nice=False, zero=False)
    scatter = (
        alt.Chart(points)
        .mark_circle(size=26, opacity=0.65)
        .encode(
            x=alt.X(f"{x}:Q", scale=xs, title=t("fs.pc", i=1, pct=100 * ratio[0])),
            y=alt.Y(f"{y}:Q", scale=ys, title=t("fs.pc", i=2, pct=100 * ratio[1])),
            color=alt.Color(
                "label:N",
                scale=group_scale(groups),
                title=t("chart.group"),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=200),
            ),
            tooltip=_tooltip(),
        )
    )
    layers = [scatter]
    arrow, boundary = head_overlay(pca, w, b, xdom, ydom)
    if boundary is not None:
        layers.append(
            alt.Chart(boundary)
            .mark_line(color="black", strokeDash=[6, 4], strokeWidth=1.5)
            .encode(x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), order="order:Q")
        )
    head_tip = [alt.Tooltip("share:Q", title=t("fs.arrow_share"), format=".1%")]
    layers.append(
        alt.Chart(arrow)
        .mark_rule(color="black", strokeWidth=2.5)
        .encode(x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), x2="x2:Q", y2="y2:Q", tooltip=head_tip)
    )
    layers.append(
        alt.Chart(arrow)
        .mark_point(shape="triangle", size=140, filled=True, color="black", opacity=1)
        .encode(
            x=alt.X("x2:Q", scale=xs),
            y=alt.Y("y2:Q", scale=ys),
            angle=alt.Angle("angle:Q", scale=None),
            tooltip=head_tip,
        )
    )
    layers += _layers_for_extras(mine, path, x, y, xs, ys)
    chart = alt.layer(*layers).properties(
        width=SIDE, height=SIDE, title=alt.Title(t("fs.pca_title"), subtitle=t("fs.pca_subtitle"))
    )
    return chart, boundary is not None


def decomposition_chart(
    points: pd.DataFrame, groups: list[str], mine: pd.DataFrame | None = None, path: pd.DataFrame | None = None
) -> alt.LayerChart:
    """Logit (w.phi + b) against the length of phi's component orthogonal to w, per point: no PCA involved.
    The rule at logit 0 is D = 0.5."""
    frames = [f for f in (points, mine, path) if f is not None and len(f)]
    xmax = max(float(f["orthogonal_norm"].max()) for f in frames) * 1.05
    xs = alt.Scale(domain=[0, xmax], nice=False)
    ys = alt.Scale(zero=False)
    scatter = (
        alt.Chart(points)
        .mark_circle(size=26, opacity=0.65)
        .encode(
            x=alt.X("orthogonal_norm:Q", scale=xs, title=t("fs.orthogonal")),
            y=alt.Y("logit:Q", scale=ys, title=t("axis.logit")),
            color=alt.Color(
                "label:N",
                scale=group_scale(groups),
                title=t("chart.group"),
                legend=alt.Legend(orient="bottom", columns=2),
            ),  # 3 columns clipped the Russian labels
            tooltip=_tooltip([alt.Tooltip("orthogonal_norm:Q", title=t("fs.orthogonal"), format=".1f")]),
        )
    )
    half = alt.Chart(pd.DataFrame({"logit": [0.0]})).mark_rule(color="black", strokeDash=[6, 4]).encode(y="logit:Q")
    layers = [scatter, half, *_layers_for_extras(mine, path, "orthogonal_norm", "logit", xs, ys)]
    return alt.layer(*layers).properties(
        height=SIDE, title=alt.Title(t("fs.decomp_title"), subtitle=t("fs.decomp_subtitle"))
    )


def fooling_chart(path: pd.DataFrame) -> alt.Chart:
    """D(x) per gradient step, with the 0.9 target as a rule."""
    line = (
        alt.Chart(path)
        .mark_line(color=FOOL_COLOR, point=alt.OverlayMarkDef(color=FOOL_COLOR, size=18))
        .encode(
            x=alt.X("step:Q", title=t("fs.step")),
            y=alt.Y("probability:Q", title=t("axis.probability"), scale=alt.Scale(domain=[0, 1])),
            tooltip=[
                alt.Tooltip("step:Q", title=t("fs.step")),
                alt.Tooltip("probability:Q", title="D(x)", format=".4f"),
                alt.Tooltip("logit:Q", title=t("table.logit"), format=".3f"),
            ],
        )
    )
    target = alt.Chart(pd.DataFrame({"p": [0.9]})).mark_rule(color="gray", strokeDash=[4, 3]).encode(y="p:Q")
    return alt.layer(line, target).properties(height=240)  # titled by the page: a chart title got clipped here


def zoo_chart(summary: pd.DataFrame, groups: list[str], column: str = "mean") -> alt.Chart:
    """Mean D(x) (column "mean") or mean logit ("mean_logit") per group, one bar per discriminator side by
    side. summary: group, label (discriminator), mean, mean_logit, share_above_half."""
    order = [t(f"group.{g}") for g in groups]
    frame = summary.assign(group_label=summary["group"].map(lambda g: t(f"group.{g}")))
    y_title = t("table.mean") if column == "mean" else t("table.mean_logit")
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("group_label:N", sort=order, title=None, axis=alt.Axis(labelAngle=-20, labelLimit=200)),
            xOffset=alt.XOffset("label:N"),
            y=alt.Y(f"{column}:Q", title=y_title, scale=alt.Scale(domain=[0, 1]) if column == "mean" else alt.Scale()),
            color=alt.Color(
                "label:N", title=t("zoo.discriminator"), legend=alt.Legend(orient="bottom", columns=2, labelLimit=420)
            ),
            tooltip=[
                alt.Tooltip("label:N", title=t("zoo.discriminator")),
                alt.Tooltip("group_label:N", title=t("chart.group")),
                alt.Tooltip("mean:Q", title=t("table.mean"), format=".4f"),
                alt.Tooltip("mean_logit:Q", title=t("table.mean_logit"), format=".3f"),
                alt.Tooltip("share_above_half:Q", title=t("table.share_above_half"), format=".1%"),
            ],
        )
        .properties(height=340, title=alt.Title(t("zoo.chart_title"), subtitle=t("zoo.chart_subtitle")))
    )
