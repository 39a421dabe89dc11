"""One way to open a dashboard page in Streamlit's AppTest, shared by the per-page test files."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
TIMEOUT = 180  # a cold first run computes every group on one thread


def discriminator_for(scheme: str) -> str:
    """A shipped discriminator's file: the default one ("default"), else the first trained by `scheme` ("joint",
    "mixed", "separate"), for the tests that switch weights under a computed sentence."""
    from gan_core.weights import shipped_weights

    if scheme == "default":
        return "discriminator.pt"
    return next(n for n, e in shipped_weights(kind="discriminator").items() if e.get("scheme") == scheme)


def open_app(page: str | None = None, check: bool = True, **state) -> AppTest:
    """Run app.py with `state` preset in session_state, then switch to `page` (views/NAME.py) if given.
    With check, the page must have rendered without an exception."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    if check:
        assert not at.exception, [e.value for e in at.exception]
    return at
