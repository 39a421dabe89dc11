"""The shipped discriminators as judges, grouped by training scheme: one table the Weights page and the zoo share."""

import pandas as pd
import streamlit as st

from dashboard.i18n import styled, t

NUMBERS = ("real", "generated", "auroc")  # the measured columns, 3 decimals


def show(judges: pd.DataFrame, key: str) -> None:
    """judges: dashboard.model_files.judges() (file, scheme, seed, epochs, default, real, generated, auroc);
    key: the table's widget key on its page."""
    st.subheader(t("judges.title"))
    st.markdown(t("judges.text"))
    if judges.empty or judges["auroc"].isna().all():
        st.info(t("judges.missing"))
        return
    st.dataframe(
        styled(
            judges.assign(scheme=judges["scheme"].map(lambda s: t(f"scheme.{s}"))),
            dict.fromkeys(NUMBERS, ".3f"),
        ),
        hide_index=True,
        column_config={
            "file": t("judges.file"),
            "scheme": t("judges.scheme"),
            "seed": t("judges.seed"),
            "epochs": t("judges.epochs"),
            "default": st.column_config.CheckboxColumn(t("judges.default")),
            **{name: st.column_config.Column(t(f"judges.{name}"), help=t(f"judges.{name}_help")) for name in NUMBERS},
        },
        key=key,
    )
