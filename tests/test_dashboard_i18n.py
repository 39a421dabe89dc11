"""The translation table: both languages everywhere, the same placeholders, every key the pages use exists,
error codes of gan_core map to messages, and the browser locale picks the default."""

import re
import string
from pathlib import Path

import numpy as np
import pytest

from dashboard import i18n, pages
from dashboard.i18n import LANGUAGES, TEXT, error_text, t
from gan_core.detectors import DETECTORS
from gan_core.preprocess import ImageError
from gan_core.weights import WeightsError

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']\s*[,)]""")  # whole keys, not prefixes


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXT))
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    entry = TEXT[key]
    assert set(entry) == set(LANGUAGES)
    assert all(entry[lang].strip() for lang in LANGUAGES)
    assert placeholders(entry["ru"]) == placeholders(entry["en"])


def test_russian_texts_are_russian():
    # Proper names, formulas and file names aside, a Russian text with no Cyrillic letter is an untranslated one.
    exempt = {"table.n", "table.probability", "interp.alpha", "interp.caption", "dist.seed", "group.fashion"}
    exempt |= {"badge.generator", "badge.discriminator", "judges.auroc"}  # "G: {label}", a metric's name
    untranslated = [k for k, v in TEXT.items() if k not in exempt and not re.search("[а-яё]", v["ru"], re.I)]
    assert untranslated == []


def test_every_literal_key_used_in_the_dashboard_exists():
    used = {key for path in DASHBOARD.rglob("*.py") for key in LITERAL_KEY.findall(path.read_text())}
    assert used and sorted(used - set(TEXT)) == []


def test_t_fills_placeholders_and_picks_the_language():
    assert t("interp.caption", "en", alpha=0.25, p=0.5) == "α = 0.25 · D = 0.5000"
    assert t("mine.upload_failed", "ru", name="x.png", reason="файл пустой.") == "Файл «x.png» не принят: файл пустой."
    with pytest.raises(KeyError):
        t("no.such.key")


@pytest.mark.parametrize("code", ["empty", "too_large", "too_many_pixels", "unsupported_format", "corrupt"])
def test_every_image_error_code_has_a_message(code):
    details = {"size": 1, "limit": 2, "width": 3, "height": 4, "detected": "tiff", "reason": "x"}
    message = error_text("image", ImageError(code, **details))
    assert message == t(f"error.image.{code}", **details) and "…" not in message


def test_weights_errors_are_worded_with_their_details():
    exc = WeightsError("keys", "x", kind="discriminator", missing=["layers.0.weight"], unexpected=[])
    assert error_text("weights", exc) == (
        "это не веса дискриминатора из блокнота: не хватает ключей layers.0.weight, лишние ключи —."
    )
    shape = WeightsError("shape", "x", key="layers.9.weight", shape=(1, 5), expected=(1, 4096))
    assert "(1, 5)" in error_text("weights", shape) and "(1, 4096)" in error_text("weights", shape)
    assert error_text("weights", ValueError("boom")) == t("error.weights.other")
    assert error_text("image", RuntimeError("cv2 said no")) == t("error.image.other")


@pytest.mark.parametrize(
    "locale, expected", [("en-US", "en"), ("en", "en"), ("ru-RU", "ru"), ("de-DE", "ru"), (None, "ru")]
)
def test_browser_locale_decides_the_default(monkeypatch, locale, expected):
    class Context:
        pass

    context = Context()
    context.locale = locale
    monkeypatch.setattr(i18n.st, "context", context)
    assert i18n.browser_language() == expected


def test_keys_built_from_names_exist():
    from gan_core import data, preprocess

    names = [f"group.{g}" for g in [*data.group_sources(None), "fashion"]]
    names += [f"example.{e}" for e in ("noise", "binary", "generated", "cat")]
    names += [f"mine.pipeline_{p}" for p in preprocess.PIPELINES] + ["mine.source_upload", "mine.source_canvas"]
    names += [f"weights.{w}_{k}" for w in ("active", "help", "upload") for k in ("generator", "discriminator")]
    names += [f"interp.mode_{m}" for m in ("linear", "spherical")] + ["axis.probability", "axis.logit"]
    assert [n for n in names if n not in TEXT] == []


def _registry_keys() -> list[str]:
    """The texts each registry entry needs: a page its navigation label and heading (and its lesson step's title
    and notice), a detector its name."""
    keys = []
    for page in pages.PAGES:
        keys += [page.nav_key, page.heading]
        if page.step:
            keys += [f"step.{page.name}.title", f"step.{page.name}.notice"]
    return keys + [f"fs.det_{name}" for name in DETECTORS]


@pytest.mark.parametrize("key", _registry_keys())
def test_every_registry_entry_has_its_texts_in_both_languages(key):
    assert key in TEXT
    assert all(TEXT[key][lang].strip() for lang in LANGUAGES)


@pytest.mark.parametrize(
    "lang,value,spec,expected",
    [
        ("ru", 0.5, ".1f", "0,5"),
        ("en", 0.5, ".1f", "0.5"),
        ("ru", 12345.678, ",.2f", "12\xa0345,68"),
        ("en", 12345.678, ",.2f", "12,345.68"),
        ("ru", 0.393, ".1%", "39,3\xa0%"),
        ("en", 0.393, ".1%", "39.3%"),
        ("ru", np.float32(0.25), ".4f", "0,2500"),
        ("ru", 7, "", "7"),
    ],
)
def test_numbers_follow_the_language(lang, value, spec, expected):
    assert i18n.number(value, spec, lang) == expected
    assert t("fs.fool_end", lang, k=3, p=0.25).endswith(i18n.number(0.25, ".4f", lang))


@pytest.mark.parametrize(
    "k,ru,en",
    [
        (1, "После 1 шага", "After 1 step"),
        (2, "После 2 шагов", "After 2 steps"),
        (5, "После 5 шагов", "After 5 steps"),
        (21, "После 21 шага", "After 21 steps"),
        (0, "После 0 шагов", "After 0 steps"),
    ],
)
def test_plural_forms_follow_the_language(k, ru, en):
    assert t("fs.fool_end", "ru", k=k, p=0.5).startswith(ru + ":")
    assert t("fs.fool_end", "en", k=k, p=0.5).startswith(en + ":")


def test_text_that_is_not_a_number_is_left_alone():
    assert t("weights.choice_upload", "ru", name="a.b,c.pt") == "Загружен: a.b,c.pt"


def test_chart_number_locale_matches_the_text_formatter():
    ru, en = i18n.number_locale("ru"), i18n.number_locale("en")
    assert (ru["decimal"], ru["thousands"], ru["percent"]) == (",", "\u00a0", "\u00a0%")
    assert (en["decimal"], en["thousands"], en["percent"]) == (".", ",", "%")
    for lang, locale in (("ru", ru), ("en", en)):  # the chart's symbols are the ones t() writes in sentences
        assert i18n.number(12345.5, ",.1f", lang) == f"12{locale['thousands']}345{locale['decimal']}5"
        assert i18n.number(0.25, ".0%", lang) == f"25{locale['percent']}"


def test_styled_tables_show_localised_text_over_numeric_data():
    import pandas as pd

    frame = pd.DataFrame({"group": ["real", "noise"], "mean": [0.22214, float("nan")], "share": [0.393, 1.0]})
    shown = i18n.styled(frame, {"mean": ".4f", "share": ".1%", "missing": ".2f"})
    html = shown.to_html()
    assert "0,2221" in html and "39,3\u00a0%" in html and "100,0\u00a0%" in html  # outside a session: Russian
    assert ">—<" in html and ">nan<" not in html  # a missing value is a dash, never "nan"
    assert shown.data["mean"].iloc[0] == 0.22214  # the data itself is untouched


def _one_image() -> dict:
    """A session image (a crude "1"), so the pages' tables of the student's own images are drawn too."""
    image = np.full((28, 28), -1.0, np.float32)
    image[6:22, 12:16] = 1.0
    blank = np.zeros((28, 28), np.uint8)
    entry = {"id": "test:one", "name": "my_one.png", "source": "upload", "pipeline": "mnist", "model_input": image}
    return entry | {"original": blank, "gray": blank, "notes": [], "format": "PNG"}


def _shown_cells(element) -> list[str]:
    """Every cell of a table or dataframe as the browser writes it: the Styler's text where the page formatted the
    numbers, else the raw values (which the browser prints with a decimal point)."""
    import pyarrow as pa

    styler = element.proto.arrow_data.styler
    frame = pa.ipc.open_stream(styler.display_values).read_pandas() if styler.display_values else element.value
    return [str(v) for v in frame.to_numpy().ravel()] + [str(v) for v in element.value.index]


@pytest.mark.parametrize("entry", pages.PAGES, ids=lambda p: p.name)
def test_every_table_on_every_page_writes_a_decimal_comma_in_russian(entry):
    """Item 7 of issue 12 (a decimal comma everywhere in Russian, tables too), on every page's own tables."""
    from apptest import open_app

    at = open_app(entry.file, my_images=[_one_image()])
    tables = [*at.dataframe, *at.table]
    point = [cell for element in tables for cell in _shown_cells(element) if re.fullmatch(r"[+−-]?\d+\.\d+.*", cell)]
    assert point == [], f"{entry.name}: numbers with a decimal point in Russian: {point[:5]}"
