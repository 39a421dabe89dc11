"""Class mode's server-side costs with a full room (200 students x 20 images, one guess each), on SQLite and on
PostgreSQL: what one teacher-view refresh (every 2 s) and one pooled image cost the server, and the paper pipeline
on a 12 MP phone photo. Median of `--rounds` after one warm-up round, one thread.

    OMP_NUM_THREADS=1 python -m benchmarks.class_mode [--postgres URL] [--rounds 7]
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard import class_charts  # noqa: E402
from gan_core import paper, rooms  # noqa: E402
from gan_core.seeding import use_single_thread  # noqa: E402


def timed(fn, rounds: int) -> float:
    """Median seconds of `rounds` calls after one untimed call."""
    fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def full_room(store: rooms.RoomStore, students: int, images_each: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    keys = store.create_room()
    for s in range(students):
        student = f"s{s}"
        store.join(keys.code, student, student)
        store.add_guess(keys.code, student, "noise", float(rng.uniform()))
        for _ in range(images_each):
            x = rng.uniform(-1, 1, (28, 28)).astype(np.float32)
            p = float(rng.uniform())
            store.add_image(keys.code, student, x, p, float(np.log(p / (1 - p + 1e-9) + 1e-9)), "d.pt", "upload")
    return keys


def refresh(store: rooms.RoomStore, code: str) -> None:
    """What the teacher's live fragment does every 2 s, up to the charts' specs (Streamlit's own work aside)."""
    store.room(code)
    store.student_count(code)
    values = np.array([g["value"] for g in store.guesses(code)])
    images = store.images(code)
    class_charts.guess_chart(values, 0.5).to_dict()
    class_charts.image_chart(class_charts.image_points(images)).to_dict()


def measure(url: str, rounds: int, students: int, images_each: int) -> dict:
    store = rooms.RoomStore(url)
    start = time.perf_counter()
    keys = full_room(store, students, images_each)
    fill_s = time.perf_counter() - start
    x = np.zeros((28, 28), np.float32)
    other = store.create_room()  # the full room takes no more students
    counter = iter(range(10**6))

    def add_one() -> None:  # a fresh student each time: the 20-image cap is per student
        student = f"x{next(counter)}"
        store.join(other.code, student, student)
        store.add_image(other.code, student, x, 0.5, 0.0, "d.pt", "camera")

    return {
        "images_in_room": students * images_each,
        "fill_s_per_image": fill_s / (students * (images_each + 2)),
        "teacher_refresh_s": timed(lambda: refresh(store, keys.code), rounds),
        "read_images_s": timed(lambda: store.images(keys.code), rounds),
        "join_and_add_image_s": timed(add_one, rounds),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="a postgresql:// URL of an empty database (default: SQLite only)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--students", type=int, default=rooms.MAX_STUDENTS)
    parser.add_argument("--images", type=int, default=rooms.MAX_IMAGES_PER_STUDENT)
    args = parser.parse_args(argv)
    use_single_thread()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = measure(f"sqlite:///{folder}/rooms.sqlite3", args.rounds, args.students, args.images)
    if args.postgres:
        url = rooms.database_url({"GAN_OOD_DATABASE_URL": args.postgres})
        results["postgresql"] = measure(url, args.rounds, args.students, args.images)
    rng = np.random.default_rng(0)
    photo = np.clip(rng.normal(200, 8, (4032, 3024)), 0, 255).astype(np.uint8)
    photo[1500:2500, 1400:1600] = 40
    results["paper_pipeline_12mp_s"] = timed(lambda: paper.paper_pipeline(photo), args.rounds)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
