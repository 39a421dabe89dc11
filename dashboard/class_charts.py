"""The teacher's pictures in class mode: the room's QR code, the class's guesses against D's answer, and its images
on the score axis. Binned and thinned here (numpy); the browser gets at most MAX_IMAGES thumbnails."""

import io

import altair as alt
import numpy as np
import pandas as pd
import segno

from dashboard import pictures
from dashboard.charts import COLOR
from dashboard.i18n import t

GUESS_BINS = 20  # 0.05 wide on [0, 1]
MAX_IMAGES = 300  # the newest ones; the count on screen says how many are left out
THUMB_PX = 42


def qr_png(link: str, scale: int = 6) -> bytes:
    """The students' link as a QR code (PNG bytes, medium error correction: a projector's glare is forgiven)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def guess_bins(values: np.ndarray, bins: int = GUESS_BINS) -> pd.DataFrame:
    """Guesses in [0, 1] -> one row per bin: start, end, count."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    counts, _ = np.histogram(np.clip(np.asarray(values, float), 0, 1), edges)
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "count": counts})


def near_answer(values: np.ndarray, answer: float, within: float = 0.1) -> int:
    """How many guesses lie within `within` of D's answer."""
    return int((np.abs(np.asarray(values, float) - answer) <= within).sum())


def guess_chart(values: np.ndarray, answer: float | None) -> alt.LayerChart:
    """Histogram of the guesses; D's actual answer as a rule once it is revealed (answer None: not yet)."""
    bins = guess_bins(values)
    bars = (
        alt.Chart(bins)
        .mark_bar(color="#868e96")
        .encode(
            x=alt.X("start:Q", bin="binned", title=t("class.axis_guess"), scale=alt.Scale(domain=[0, 1])),
            x2="end:Q",
            y=alt.Y("count:Q", title=t("class.axis_students"), axis=alt.Axis(tickMinStep=1)),
            tooltip=[alt.Tooltip("start:Q", format=".2f"), alt.Tooltip("end:Q", format=".2f"), "count:Q"],
        )
    )
    layers = [bars]
    if answer is not None:
        rule = pd.DataFrame({"answer": [answer], "label": [t("class.answer_label", answer=answer)]})
        layers.append(
            alt.Chart(rule)
            .mark_rule(color=COLOR, strokeWidth=3)
            .encode(x="answer:Q", tooltip=[alt.Tooltip("label:N", title=t("class.answer"))])
        )
    return alt.layer(*layers).properties(height=260)


def image_points(images: list[dict], cap: int = MAX_IMAGES) -> pd.DataFrame:
    """The newest `cap` visible images -> rows id, source, probability, logit, row (a fixed jitter), thumb."""
    shown = [im for im in images if not im["hidden"]][-cap:]
    return pd.DataFrame(
        {
            "id": [im["id"] for im in shown],
            "source": [t(f"mine.source_{im['source']}") for im in shown],
            "probability": [im["probability"] for im in shown],
            "logit": [im["logit"] for im in shown],
            "row": [(im["id"] * 0.618034) % 1 for im in shown],  # golden-ratio spread: stable as images arrive
            "thumb": [pictures.data_url(im["model_input"]) for im in shown],
        }
    )


def image_chart(points: pd.DataFrame) -> alt.Chart:
    """Each image drawn as itself at its score D(x) on [0, 1]."""
    return (
        alt.Chart(points)
        .mark_image(width=THUMB_PX, height=THUMB_PX)
        .encode(
            x=alt.X("probability:Q", title=t("axis.probability"), scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("row:Q", axis=None, scale=alt.Scale(domain=[-0.1, 1.1])),
            url="thumb:N",
            tooltip=[
                alt.Tooltip("id:Q", title="#"),
                alt.Tooltip("source:N", title=t("table.source")),
                alt.Tooltip("probability:Q", title=t("table.probability"), format=".4f"),
                alt.Tooltip("logit:Q", title=t("table.logit"), format=".2f"),
            ],
        )
        .properties(height=320)
    )
