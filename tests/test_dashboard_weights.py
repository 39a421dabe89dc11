"""Weights page (AppTest): shipped choices, uploads that become active in this session only, refused files that
leave the active weights alone, the model card / loss logs / sample grid."""

import io
import pickle
import re

import pytest
import torch
from apptest import discriminator_for, open_app
from streamlit.testing.v1 import AppTest

from dashboard.i18n import TEXT
from gan_core import notebook
from gan_core.models import ConvDiscriminator, ConvGenerator, init_dcgan_weights
from gan_core.seeding import set_seed
from gan_core.weights import WEIGHTS_DIR, load_model, shipped_weights

PAGE = "views/weights.py"


def open_page(**state) -> AppTest:
    return open_app(PAGE, **state)


def shown_scores(at) -> list[float]:
    """The metrics' numbers; the page is in Russian here, so each is written with a decimal comma."""
    assert all("," in m.value and "." not in m.value for m in at.metric)
    return [float(m.value.replace(",", ".")) for m in at.metric]


def expected_scores(generator, discriminator) -> list[float]:
    result = notebook.run_notebook(generator, discriminator)
    return [result[f"{name}_prob"] for name in ("noise", "binary", "generated", "cat")]


def uploader(at, kind: str):
    return next(u for u in at.file_uploader if u.key == f"weights_file_{kind}")


def fresh(model_class, seed: int):
    set_seed(seed)
    model = model_class()
    model.apply(init_dcgan_weights)
    return model.eval()


def pt_bytes(model) -> bytes:
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def shipped_generator():
    return load_model(WEIGHTS_DIR / "generator.pt", "generator")


def test_lists_the_shipped_weights_and_scores_with_the_default(shipped_generator):
    at = open_page()
    assert at.title[0].value == TEXT["weights.title"]["ru"]
    assert at.selectbox(key="weights_pick_generator").options[0].startswith("generator.pt")
    disc = at.selectbox(key="weights_pick_discriminator")
    assert [o.split(" ")[0] for o in disc.options] == list(shipped_weights(kind="discriminator"))
    default = load_model(WEIGHTS_DIR / "discriminator.pt", "discriminator")
    assert shown_scores(at) == pytest.approx(expected_scores(shipped_generator, default), abs=1e-4)


def test_choosing_another_shipped_discriminator_scores_with_it(shipped_generator):
    at = open_page()
    other = list(shipped_weights(kind="discriminator"))[1]
    at.selectbox(key="weights_pick_discriminator").set_value(other).run()
    assert not at.exception
    assert at.selectbox(key="weights_pick_discriminator").value == other
    expected = expected_scores(shipped_generator, load_model(WEIGHTS_DIR / other, "discriminator"))
    assert shown_scores(at) == pytest.approx(expected, abs=1e-4)


def test_an_uploaded_discriminator_becomes_active_in_this_session_only(shipped_generator):
    mine = fresh(ConvDiscriminator, 5)
    at = open_page()
    default_scores = shown_scores(at)
    uploader(at, "discriminator").set_value(("my_disc.pt", pt_bytes(mine), "application/octet-stream")).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="weights_pick_discriminator").value.startswith("upload:")
    assert shown_scores(at) == pytest.approx(expected_scores(shipped_generator, mine), abs=1e-4)
    assert shown_scores(at) != pytest.approx(default_scores, abs=1e-4)
    other_session = open_page()  # a second browser session: shipped default, its cache untouched
    assert other_session.selectbox(key="weights_pick_discriminator").value == "discriminator.pt"
    assert not any(o.startswith("upload:") for o in other_session.selectbox(key="weights_pick_discriminator").options)
    assert shown_scores(other_session) == pytest.approx(default_scores, abs=1e-6)


def test_an_uploaded_safetensors_generator_changes_the_generated_digit():
    from safetensors.torch import save

    mine = fresh(ConvGenerator, 6)
    default = load_model(WEIGHTS_DIR / "discriminator.pt", "discriminator")
    at = open_page()
    payload = save({k: v.contiguous() for k, v in mine.state_dict().items()})
    uploader(at, "generator").set_value(("gen.safetensors", payload, "application/octet-stream")).run()
    assert not at.exception and not at.error
    assert shown_scores(at) == pytest.approx(expected_scores(mine, default), abs=1e-4)


@pytest.mark.parametrize(
    "payload, code",
    [
        (b"", "empty"),
        (b"definitely not weights", "not_weights"),
        (None, "keys"),  # a generator's state_dict offered as a discriminator
    ],
)
def test_a_refused_file_keeps_the_active_weights(payload, code):
    at = open_page()
    before = shown_scores(at)
    payload = pt_bytes(fresh(ConvGenerator, 1)) if payload is None else payload
    uploader(at, "discriminator").set_value(("bad.pt", payload, "application/octet-stream")).run()
    assert not at.exception
    message = at.error[0].value
    assert "bad.pt" in message and "Traceback" not in message
    assert TEXT[f"error.weights.{code}"]["ru"].split("{")[0].strip(" .") in message
    assert at.selectbox(key="weights_pick_discriminator").value == "discriminator.pt"
    assert shown_scores(at) == before


class _Exploit:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_pickle_that_would_run_code_is_refused_and_runs_nothing(tmp_path):
    target = tmp_path / "pwned.txt"
    at = open_page(lang="en")
    payload = pickle.dumps({"layers.0.weight": _Exploit(str(target))}, protocol=2)
    uploader(at, "discriminator").set_value(("evil.pt", payload, "application/octet-stream")).run()
    assert not at.exception
    assert TEXT["error.weights.unsafe"]["en"].split(";")[0] in at.error[0].value
    assert not target.exists()
    assert at.selectbox(key="weights_pick_discriminator").value == "discriminator.pt"


def test_card_loss_curves_and_sample_grid():
    at = open_page()
    infos = [i.value for i in at.info]
    assert (TEXT["weights.no_card"]["ru"] in infos) != (WEIGHTS_DIR / "README.md").is_file()
    logs = list(WEIGHTS_DIR.glob("*loss.csv"))
    assert (TEXT["weights.no_logs"]["ru"] in infos) != bool(logs)
    assert len(at.get("vega_lite_chart")) == len(logs) + 1  # one per loss log, plus the BatchNorm view
    assert not at.warning, [w.value for w in at.warning]  # scores.csv is not taken for a loss log
    card_text = [m.value for m in at.markdown if "Карточка моделей" in m.value]  # the Russian card
    assert card_text and "![" not in card_text[0]  # image links cannot resolve in the browser
    assert at.image[-1].captions[0] in (TEXT["weights.grid_file"]["ru"], TEXT["weights.grid_live"]["ru"])


def test_switching_language_changes_the_title():
    at = open_page()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == TEXT["weights.title"]["en"]
    assert at.selectbox(key="weights_pick_discriminator").label == TEXT["weights.active_discriminator"]["en"]


def test_the_batchnorm_view_shows_eval_and_train_mode_scores():
    from gan_core import batchnorm_effect, explain
    from gan_core.weights import load_discriminator, load_generator

    at = open_app(PAGE)
    shown = next(d.value for d in at.dataframe if "train_mean" in d.value.columns)
    n = shown.set_index("group")["n"][TEXT["group.real"]["ru"]]
    groups = explain.explain_images(load_generator(), int(n), 0)
    groups = {g: groups[g] for g in ("real", "generated")}
    expected = batchnorm_effect.summarise_effect(batchnorm_effect.batchnorm_effect(load_discriminator(), groups))
    for row in expected.itertuples():
        got = shown[shown["group"] == TEXT[f"group.{row.group}"]["ru"]].iloc[0]
        assert got["eval_mean"] == pytest.approx(row.eval_mean, abs=1e-5)
        assert got["train_mean"] == pytest.approx(row.train_mean, abs=1e-5)
    assert shown["train_mean"].between(0, 1).all()


def test_the_judges_table_groups_the_discriminators_by_scheme():
    at = open_app(PAGE)
    judges = next(d.value for d in at.dataframe if "auroc" in d.value.columns)
    schemes = list(judges["scheme"])
    labels = [TEXT[f"scheme.{s}"]["ru"] for s in ("separate", "mixed", "joint")]
    assert schemes == sorted(schemes, key=labels.index) and set(schemes) == set(labels)
    assert judges["auroc"].between(0.5, 1).all()


def test_the_model_card_follows_the_language():
    at = open_page()
    assert any(m.value.startswith("# Карточка моделей") for m in at.markdown)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert any(m.value.startswith("# Model card") for m in at.markdown)
    assert not any("Карточка моделей" in m.value for m in at.markdown)


def _block(text: str, name: str) -> str:
    return text.split(f"<!-- {name} -->")[1].split(f"<!-- /{name} -->")[0]


def _numbers(block: str, lang: str) -> list[str]:
    """Every number in a generated block: thousands separators dropped (1,000 / 1 000), decimal commas read as
    points."""
    if lang == "en":
        block = re.sub(r"(\d),(\d{3})\b", r"\1\2", block)
    else:
        block = re.sub(r"(\d) (\d{3})\b", r"\1\2", block).replace(",", ".")
    return re.findall(r"\d+(?:\.\d+)?", block)


def test_the_russian_card_carries_the_english_cards_numbers():
    english = (WEIGHTS_DIR / "README.md").read_text(encoding="utf-8")
    russian = (WEIGHTS_DIR / "README.ru.md").read_text(encoding="utf-8")
    for name in ("quality", "scores"):
        ru, en = _block(russian, name), _block(english, name)
        assert len(_numbers(en, "en")) > 40
        assert _numbers(ru, "ru") == _numbers(en, "en")  # a regenerated English table must be carried over
        assert re.search(r"\d\.\d", ru) is None  # Russian: decimal commas only


@pytest.mark.parametrize("scheme", ["default", "joint", "mixed"])
def test_the_batchnorm_sentence_follows_the_table_of_the_active_discriminator(scheme):
    """The sentence under the BatchNorm chart states real and generated means in both modes: the numbers of the
    table the page shows, for whichever discriminator is active."""
    from dashboard.i18n import t

    at = open_app(PAGE, weights_active={"discriminator": discriminator_for(scheme)})
    shown = next(d.value for d in at.dataframe if "train_mean" in d.value.columns).set_index("group")
    real, fake = (shown.loc[TEXT[f"group.{g}"]["ru"]] for g in ("real", "generated"))
    expected = t(
        "bn.reading",
        "ru",
        real_eval=real["eval_mean"],
        real_train=real["train_mean"],
        gen_eval=fake["eval_mean"],
        gen_train=fake["train_mean"],
    )
    assert expected in [m.value for m in at.markdown]
