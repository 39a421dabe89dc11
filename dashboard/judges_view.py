"""The shipped discriminators as judges, grouped by training scheme: one table the Weights page and the zoo share."""

import pandas as pd
import streamlit as st

from dashboard.i18n import styled, t


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
            {"real": ".3f", "generated": ".3f", "auroc": ".3f"},
        ),
        hide_index=True,
        column_config={
            "file": t("judges.file"),
            "scheme": t("judges.scheme"),
            "seed": t("judges.seed"),
            "epochs": t("judges.epochs"),
            "default": st.column_config.CheckboxColumn(t("judges.default")),
            "real": t("judges.real"),
            "generated": t("judges.generated"),
            "auroc": t("judges.auroc"),
        },
        key=key,
    )
