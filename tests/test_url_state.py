"""dashboard/url_state.py: the parsers validate and clamp; AppTest opens pages with query parameters (a teacher's
link) and gets that view, bad values fall back to the defaults without an error, and the view goes back into the
URL."""

from apptest import APP, TIMEOUT
from streamlit.testing.v1 import AppTest

from dashboard import url_state
from dashboard.pages import DEFAULTS
from gan_core.weights import default_weights_name, shipped_weights


def test_integer_clamps_and_refuses_text():
    parse = url_state.integer(0, 100)
    assert parse("7") == 7 and parse(" 42 ") == 42
    assert parse("-5") == 0 and parse("10000") == 100
    assert parse("seven") is None and parse("") is None and parse("1.5") is None


def test_number_clamps_snaps_and_refuses_non_finite():
    parse = url_state.number(0.0, 1.0, 0.025)
    assert parse("0.25") == 0.25 and parse("0.26") == 0.25 and parse("0.27") == 0.275
    assert parse("-3") == 0.0 and parse("7") == 1.0
    assert parse("nan") is None and parse("inf") is None and parse("half") is None


def test_choice_takes_only_the_options():
    parse = url_state.choice((50, 100, 500))
    assert parse("100") == 100
    assert parse("101") is None and parse("logit") is None


def open_with(page: str, **params) -> AppTest:
    """The app opened by a link with `params`, then on `page` (AppTest starts on the default page)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_link_opens_the_distributions_view_it_names():
    at = open_with("views/distributions.py", dist_n="50", dist_seed="7", dist_axis="logit", lang="en")
    assert at.select_slider(key="dist_n").value == 50
    assert at.number_input(key="dist_seed").value == 7
    assert at.radio(key="dist_axis").value == "logit"
    assert at.query_params["dist_seed"] == "7" and at.query_params["dist_axis"] == "logit"
    at.number_input(key="dist_seed").set_value(8).run()
    assert at.query_params["dist_seed"] == "8"  # the widget's value goes back into the link
    at.number_input(key="dist_seed").set_value(DEFAULTS.distributions.seed).run()
    assert "dist_seed" not in at.query_params  # defaults stay out of it


def test_bad_values_fall_back_to_the_defaults_without_an_error():
    at = open_with("views/distributions.py", dist_n="51", dist_seed="many", dist_axis="<script>")
    assert at.select_slider(key="dist_n").value == DEFAULTS.distributions.n
    assert at.number_input(key="dist_seed").value == DEFAULTS.distributions.seed
    assert at.radio(key="dist_axis").value == "probability"
    assert not at.error
    assert not {"dist_n", "dist_seed", "dist_axis"} & set(at.query_params)  # and they leave the URL


def test_an_out_of_range_seed_is_clamped():
    at = open_with("views/zoo.py", zoo_n="100", zoo_seed="-4", zoo_axis="mean_logit")
    assert at.select_slider(key="zoo_n").value == 100
    assert at.number_input(key="zoo_seed").value == 0
    assert at.radio(key="zoo_axis").value == "mean_logit"


def test_a_link_opens_the_interpolation_view_it_names():
    at = open_with(
        "views/interpolation.py", interp_seed1="3", interp_seed2="9", interp_mode="spherical", interp_alpha="0.26"
    )
    assert [n.value for n in at.number_input] == [3, 9]
    assert at.radio(key="interp_mode").value == "spherical"
    assert at.select_slider(key="interp_alpha").value == 0.25  # snapped to the slider's grid
    assert at.query_params["interp_alpha"] == "0.25"


def test_a_link_picks_shipped_weights_and_ignores_unknown_names():
    other = next(
        name for name in shipped_weights(kind="discriminator") if name != default_weights_name("discriminator")
    )
    at = open_with("views/weights.py", d=other, g="upload:0123456789ab")
    assert at.selectbox(key="weights_pick_discriminator").value == other
    assert at.selectbox(key="weights_pick_generator").value == default_weights_name("generator")
    assert at.query_params["d"] == other and "g" not in at.query_params


def test_the_url_is_read_once_so_the_widget_wins_afterwards():
    at = open_with("views/distributions.py", dist_axis="logit")
    at.radio(key="dist_axis").set_value("probability").run()
    at.switch_page("views/zoo.py").run()
    at.switch_page("views/distributions.py").run()
    assert at.radio(key="dist_axis").value == "probability"


def test_an_upload_takes_the_weights_out_of_the_link():
    import io

    import torch

    from gan_core.models import ConvDiscriminator

    torch.manual_seed(5)
    buffer = io.BytesIO()
    torch.save(ConvDiscriminator().state_dict(), buffer)
    other = next(
        name for name in shipped_weights(kind="discriminator") if name != default_weights_name("discriminator")
    )
    at = open_with("views/weights.py", d=other)
    uploader = next(u for u in at.file_uploader if u.key == "weights_file_discriminator")
    uploader.set_value(("mine.pt", buffer.getvalue(), "application/octet-stream")).run()
    assert at.selectbox(key="weights_pick_discriminator").value.startswith("upload:")
    assert "d" not in at.query_params  # an upload id means nothing in another browser


def test_a_link_opens_the_feature_space_view_it_names():
    at = open_with("views/feature_space.py", fs_n="100", fs_seed="5")
    assert at.select_slider(key="fs_n").value == 100
    assert at.number_input(key="fs_seed").value == 5
