"""Server-side times: each page's script run and each lesson interaction, with Streamlit's AppTest in one process
(no browser, no network), and the direct cost of the heaviest cache misses.

Run by benchmarks.run in a subprocess with GAN_OOD_WARM_UP=0, so "cold" means nothing but the shipped models
is cached (the state a page is in when the server's warm-up has not reached it). AppTest reruns the whole page even
where the browser reruns only an st.fragment, so interaction times here are upper bounds.
`python -m benchmarks.server_side` prints one JSON object.
"""

import json
import logging
import os
import sys
import time
from pathlib import Path

os.environ["GAN_OOD_WARM_UP"] = "0"
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

APP = str(ROOT / "dashboard" / "app.py")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _example_upload() -> tuple:
    path = min((ROOT / "data" / "examples").glob("*.png"))
    return (path.name, path.read_bytes(), "image/png")


def measure() -> dict:
    from streamlit.testing.v1 import AppTest

    from dashboard import pages, warm_up

    logging.getLogger("streamlit").setLevel(logging.ERROR)  # "missing ScriptRunContext" chatter
    out = {"page_cold": {}, "page_cached": {}, "interaction": {}}

    # "after the models are cached": every shipped model, as GAN_OOD_WARM_UP=models loads them
    out["models_load_s"] = _timed(warm_up.load_models)
    at = AppTest.from_file(APP, default_timeout=600)
    out["app_first_run_s"] = _timed(at.run)
    for entry in pages.PAGES:
        out["page_cold"][entry.name] = _timed(lambda entry=entry: at.switch_page(entry.file).run())
        out["page_cached"][entry.name] = _timed(at.run)
        if at.exception:
            raise RuntimeError(f"{entry.name}: {[e.value for e in at.exception]}")

    act = out["interaction"]
    at.switch_page("views/interpolation.py").run()
    act["alpha"] = min(
        _timed(lambda a=a: at.select_slider(key="interp_alpha").set_value(a).run()) for a in (0.6, 0.7, 0.8)
    )
    at.switch_page("views/distributions.py").run()
    act["dist_n_500_to_1000_cold"] = _timed(lambda: at.select_slider(key="dist_n").set_value(1000).run())
    act["dist_n_back_to_500_cached"] = _timed(lambda: at.select_slider(key="dist_n").set_value(500).run())
    act["dist_n_2000_cold"] = _timed(lambda: at.select_slider(key="dist_n").set_value(2000).run())
    at.select_slider(key="dist_n").set_value(500).run()
    act["dist_n_2000_cached"] = _timed(lambda: at.select_slider(key="dist_n").set_value(2000).run())
    at.switch_page("views/your_images.py").run()
    act["upload_one_image"] = _timed(lambda: at.file_uploader[0].set_value([_example_upload()]).run())
    at.switch_page("views/feature_space.py").run()
    act["pca_fit_all"] = _timed(lambda: at.radio(key="fs_fit").set_value("all").run())
    act["pca_fit_own"] = _timed(lambda: at.radio(key="fs_fit").set_value("own").run())
    act["feature_space_n_1000_cold"] = _timed(lambda: at.select_slider(key="fs_n").set_value(1000).run())
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return out


def main() -> None:
    print(json.dumps(measure()))


if __name__ == "__main__":
    main()
