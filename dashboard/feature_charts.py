"""Charts of the discriminator's feature space and the discriminator zoo (Altair), and the tiny PNG thumbnails
their tooltips show. Pure numpy / pandas: the numbers come from dashboard.cache."""

import altair as alt
import numpy as np
import pandas as pd

from dashboard.charts import with_room
from dashboard.i18n import t

# Thumbnails (pictures.data_url) travel at the model's 28 px; the browser draws them 3x with hard pixel edges.
TOOLTIP_CSS = "<style>#vg-tooltip-element img {width: 84px; height: 84px; image-rendering: pixelated;}</style>"
# The PCA chart is square with equal axis spans (the arrow's angle and the boundary are true), so it cannot stretch:
# 300 px fits a phone and half of a projector's content. The other planes stretch and are this tall.
SIDE, PLANE_HEIGHT = 300, 400
PALETTE = {
    "real": "#1f77b4",
    "generated": "#2ca02c",
    "gaussian": "#d62728",
    "binary": "#9467bd",
    "uniform": "#ff7f0e",
    "natural": "#8c564b",
    "fashion": "#e377c2",
    "cat": "#bcbd22",
}
MINE_COLOR, FOOL_COLOR = "#111111", "#00a6b8"  # black diamonds; a cyan no group uses
# Long names (groups, discriminators) one per line under the chart: two columns of Russian labels are wider than a
# phone, and a legend at the side takes half of the plot there.
GROUP_LEGEND = alt.Legend(orient="bottom", columns=1)


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
    legend: bool = True,
) -> tuple[alt.LayerChart, bool]:
    """Scatter of the groups in the PCA plane `fit` ("own" | "all"), coloured by group with an image tooltip
    (legend=False where a chart beside it already names the same colours),
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
                legend=GROUP_LEGEND if legend else None,
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


def score_plane_chart(
    points: pd.DataFrame,
    plane,
    groups: list[str],
    mine: pd.DataFrame | None = None,
    path: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """The score plane: across, the exact logit w.phi + b (score_pc1); up, the first principal component of phi
    orthogonal to w (score_pc2), fitted on real + generated. A point's x position is its score, not an
    approximation; the rule at logit 0 is D = 0.5."""
    xs, ys = alt.Scale(zero=False), alt.Scale(zero=False)
    scatter = (
        alt.Chart(points)
        .mark_circle(size=26, opacity=0.65)
        .encode(
            x=alt.X("score_pc1:Q", scale=xs, title=t("fs.score_x")),
            y=alt.Y("score_pc2:Q", scale=ys, title=t("fs.score_y", pct=100 * plane.explained_variance_ratio_)),
            color=alt.Color(
                "label:N",
                scale=group_scale(groups),
                title=t("chart.group"),
                legend=GROUP_LEGEND,
            ),
            tooltip=_tooltip([alt.Tooltip("distance:Q", title=t("fs.distance_short"), format=".1f")]),
        )
    )
    half = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="black", strokeDash=[6, 4]).encode(x="x:Q")
    layers = [scatter, half, *_layers_for_extras(mine, path, "score_pc1", "score_pc2", xs, ys)]
    return alt.layer(*layers).properties(
        height=with_room(PLANE_HEIGHT, len(groups) + 2),
        title=alt.Title(t("fs.score_title"), subtitle=t("fs.score_subtitle")),
    )


def distance_chart(
    points: pd.DataFrame, groups: list[str], mine: pd.DataFrame | None = None, path: pd.DataFrame | None = None
) -> alt.LayerChart:
    """Logit (w.phi + b) against the Mahalanobis distance of phi to the fit digits' features (column distance):
    how far from the digits each input lies, measured. The rule at logit 0 is D = 0.5."""
    xs, ys = alt.Scale(type="log"), alt.Scale(zero=False)
    scatter = (
        alt.Chart(points)
        .mark_circle(size=26, opacity=0.65)
        .encode(
            x=alt.X("distance:Q", scale=xs, title=t("fs.distance")),
            y=alt.Y("logit:Q", scale=ys, title=t("axis.logit")),
            color=alt.Color(
                "label:N",
                scale=group_scale(groups),
                title=t("chart.group"),
                legend=GROUP_LEGEND,
            ),
            tooltip=_tooltip([alt.Tooltip("distance:Q", title=t("fs.distance_short"), format=".1f")]),
        )
    )
    half = alt.Chart(pd.DataFrame({"logit": [0.0]})).mark_rule(color="black", strokeDash=[6, 4]).encode(y="logit:Q")
    layers = [scatter, half, *_layers_for_extras(mine, path, "distance", "logit", xs, ys)]
    return alt.layer(*layers).properties(
        height=with_room(PLANE_HEIGHT, len(groups) + 2),
        title=alt.Title(t("fs.distance_title"), subtitle=t("fs.distance_subtitle")),
    )


def unit_chart(units: pd.DataFrame, groups: list[str]) -> alt.LayerChart:
    """Per group: the real-unit pull (bar up), the fake-unit push (bar down) and the logit they leave with the
    bias (a black tick). units: group, real_units, fake_units, bias, logit (means)."""
    order = [t(f"group.{g}") for g in groups]
    frame = units.assign(group_label=units["group"].map(lambda g: t(f"group.{g}")))
    parts = frame.melt(id_vars=["group_label"], value_vars=["real_units", "fake_units"], var_name="part")
    parts["part_label"] = parts["part"].map(lambda part: t(f"fs.{part}"))
    x = alt.X("group_label:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelOverlap=False))
    bars = (
        alt.Chart(parts)
        .mark_bar(opacity=0.8)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=t("fs.units_axis")),
            color=alt.Color(
                "part_label:N",
                title=None,
                scale=alt.Scale(domain=[t("fs.real_units"), t("fs.fake_units")], range=["#1f77b4", "#d62728"]),
                legend=GROUP_LEGEND,
            ),
            tooltip=[
                alt.Tooltip("group_label:N", title=t("chart.group")),
                alt.Tooltip("part_label:N", title=t("fs.units_part")),
                alt.Tooltip("value:Q", title=t("fs.units_axis"), format="+.2f"),
            ],
        )
    )
    tick = (
        alt.Chart(frame)
        .mark_tick(color="black", thickness=3, size=30)
        .encode(x=x, y="logit:Q", tooltip=[alt.Tooltip("logit:Q", title=t("table.mean_logit"), format="+.2f")])
    )
    return alt.layer(bars, tick).properties(
        height=with_room(300, 2, slanted=True), title=t("fs.units_subtitle")
    )  # the page heads it


def fooling_chart(path: pd.DataFrame) -> alt.Chart:
    """D(x) per gradient step, with the 0.9 target as a rule."""
    line = (
        alt.Chart(path)
        .mark_line(color=FOOL_COLOR, point=alt.OverlayMarkDef(color=FOOL_COLOR, size=18))
        .encode(
            x=alt.X("step:Q", title=t("fs.step")),
            y=alt.Y("probability:Q", title=t("axis.probability_short"), scale=alt.Scale(domain=[0, 1])),
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
    side. summary: group, name (the discriminator, short: legend), label (how it was trained: tooltip), mean,
    mean_logit, share_above_half."""
    order = [t(f"group.{g}") for g in groups]
    frame = summary.assign(group_label=summary["group"].map(lambda g: t(f"group.{g}")))
    y_title = t("table.mean") if column == "mean" else t("table.mean_logit")
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("group_label:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelOverlap=False)),
            xOffset=alt.XOffset("label:N"),
            y=alt.Y(f"{column}:Q", title=y_title, scale=alt.Scale(domain=[0, 1]) if column == "mean" else alt.Scale()),
            color=alt.Color("name:N", title=t("zoo.discriminator"), legend=GROUP_LEGEND),
            tooltip=[
                alt.Tooltip("label:N", title=t("zoo.discriminator")),
                alt.Tooltip("group_label:N", title=t("chart.group")),
                alt.Tooltip("mean:Q", title=t("table.mean"), format=".4f"),
                alt.Tooltip("mean_logit:Q", title=t("table.mean_logit"), format=".3f"),
                alt.Tooltip("share_above_half:Q", title=t("table.share_above_half"), format=".1%"),
            ],
        )
        .properties(
            height=with_room(340, summary["label"].nunique(), slanted=True),
            title=alt.Title(t("zoo.chart_title"), subtitle=t("zoo.chart_subtitle")),
        )
    )


def batchnorm_chart(effect: pd.DataFrame) -> alt.Chart:
    """Mean D(x) per group in eval mode next to train mode on homogeneous batches, side by side.
    effect: group, n, eval_mean, train_mean (cache.batchnorm_view)."""
    groups = list(effect["group"])
    order = [t(f"group.{g}") for g in groups]
    frame = effect.assign(group_label=effect["group"].map(lambda g: t(f"group.{g}"))).melt(
        id_vars=["group_label"], value_vars=["eval_mean", "train_mean"], var_name="mode", value_name="mean"
    )
    frame["mode_label"] = frame["mode"].map({"eval_mean": t("bn.eval"), "train_mean": t("bn.train")})
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("group_label:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelOverlap=False)),
            xOffset=alt.XOffset("mode_label:N"),
            y=alt.Y("mean:Q", title=t("table.mean"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "mode_label:N",
                title=t("bn.mode"),
                scale=alt.Scale(domain=[t("bn.eval"), t("bn.train")], range=["#1f77b4", "#ff7f0e"]),
                legend=GROUP_LEGEND,
            ),
            tooltip=[
                alt.Tooltip("group_label:N", title=t("chart.group")),
                alt.Tooltip("mode_label:N", title=t("bn.mode")),
                alt.Tooltip("mean:Q", title=t("table.mean"), format=".4f"),
            ],
        )
        .properties(height=with_room(300, 2, slanted=True), title=t("bn.chart_title"))
    )


def time_chart(history: pd.DataFrame, epoch: int) -> alt.LayerChart:
    """One discriminator's mean D(x) per group after every epoch (lines), the chosen epoch as a rule.
    history: epoch, group, mean_probability, mean_logit (rows of scores_over_time.csv for one model)."""
    groups = list(dict.fromkeys(history["group"]))
    frame = history.assign(label=history["group"].map(lambda g: t(f"group.{g}")))
    labels = [t(f"group.{g}") for g in groups]
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=24))
        .encode(
            x=alt.X("epoch:Q", title=t("time.epoch"), axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("mean_probability:Q", title=t("table.mean"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "label:N",
                title=t("chart.group"),
                scale=alt.Scale(domain=labels, range=[PALETTE.get(g, "#7f7f7f") for g in groups]),
                legend=GROUP_LEGEND,
            ),
            tooltip=[
                alt.Tooltip("label:N", title=t("chart.group")),
                alt.Tooltip("epoch:Q", title=t("time.epoch")),
                alt.Tooltip("mean_probability:Q", title=t("table.mean"), format=".4f"),
                alt.Tooltip("mean_logit:Q", title=t("table.mean_logit"), format=".3f"),
            ],
        )
    )
    rule = alt.Chart(pd.DataFrame({"epoch": [epoch]})).mark_rule(color="black", strokeDash=[6, 4]).encode(x="epoch:Q")
    return alt.layer(lines, rule).properties(height=with_room(320, len(groups)), title=t("time.chart_title"))
