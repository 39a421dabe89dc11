"""`gan-ood` command line: train, sample, score, notebook, ood-report, explain, dashboard, room."""

import argparse
import sys
from pathlib import Path

# Exit codes (also in --help and the README). An expected failure is one line on stderr, never a traceback.
EXIT_OK = 0
EXIT_SOME_FILES_FAILED = 1  # score: at least one image could not be scored (its row says why)
EXIT_USAGE = 2  # a wrong option or value
EXIT_WEIGHTS = 3  # a weights file was refused (gan_core.weights.WeightsError)
EXIT_IMAGE = 4  # an image was refused (gan_core.preprocess.ImageError)
EXIT_FILE = 5  # a file is missing, unreadable or cannot be written (OSError)
EXIT_INTERRUPTED = 130  # Ctrl-C
EXIT_CODES = f"""exit codes:
  {EXIT_OK}    done
  {EXIT_SOME_FILES_FAILED}    score: at least one image could not be scored (its CSV row says why)
  {EXIT_USAGE}    a wrong option or value (room: an unknown or closed room code)
  {EXIT_WEIGHTS}    a weights file was refused (damaged, not a state_dict, code inside, wrong shapes, checksum)
  {EXIT_IMAGE}    an image was refused (not an image, damaged, too large)
  {EXIT_FILE}    a file is missing, unreadable or cannot be written
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
every failure is one line on stderr: gan-ood COMMAND: FILE: REASON"""


class FileFailure(Exception):
    """A refused or unreadable input file: `path` and the exception that says why."""

    def __init__(self, path: str | Path, error: Exception):
        super().__init__(f"{path}: {error}")
        self.path, self.error = Path(path), error


def _load(kind: str, path: str | None):
    """The model of `kind` at `path` (the shipped default when None); a refusal names the file."""
    from .weights import WeightsError, default_weights_path, load_model

    try:
        resolved = Path(path) if path else default_weights_path(kind)
        return load_model(resolved, kind)
    except (WeightsError, OSError) as exc:
        raise FileFailure(path or getattr(exc, "filename", None) or kind, exc) from None
    except Exception as exc:  # a tensor the checks do not know yet (sparse, float8, meta): still this file's fault
        reason = f"the file could not be used as {kind} weights ({type(exc).__name__}: {_first_line(exc)})"
        raise FileFailure(path or kind, WeightsError("other", reason)) from None


def _read_image(path: str, pipeline: str):
    """(1, 1, 28, 28) model input from an image file: a regular file of at most MAX_BYTES (gan_core.files), decoded
    in the sandbox (gan_core.sandbox); a refusal names the file."""
    from . import sandbox
    from .files import read_untrusted_file
    from .preprocess import MAX_BYTES, ImageError

    try:
        return sandbox.prepare_image(read_untrusted_file(path, MAX_BYTES, ImageError), pipeline).tensor
    except (ImageError, OSError) as exc:
        raise FileFailure(path, exc) from None
    except Exception as exc:  # a decoder failure the checks do not know yet: still this file's fault
        raise FileFailure(path, ImageError("corrupt", reason=f"{type(exc).__name__}: {_first_line(exc)}")) from None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


def _train(args) -> int:
    from . import data, training
    from .weights import save_state_dict

    real = data.real_digits_with_labels(args.split)[0]  # "fit" by default: the holdout digits only evaluate
    out = Path(args.out)
    if args.phase == "dcgan":
        generator, discriminator, log = training.train_dcgan(
            real,
            epochs=args.epochs,
            seed=args.seed,
            batch_size=args.batch_size,
            device=args.device,
            checkpoint_dir=out / "checkpoints",
            scheme=args.batches,
        )
        save_state_dict(generator, out / "generator.pt")
        save_state_dict(discriminator, out / "discriminator_joint.pt")
        print(
            f"saved {out / 'generator.pt'}, {out / 'discriminator_joint.pt'}, "
            f"loss log {log.save_csv(out / 'dcgan_loss.csv')}"
        )
    else:
        generator = _load("generator", args.generator)
        discriminator, log = training.train_discriminator(
            generator,
            real,
            epochs=args.epochs,
            seed=args.seed,
            batch_size=args.batch_size,
            device=args.device,
            checkpoint_dir=Path(args.checkpoints) if args.checkpoints else None,
            scheme=args.batches,
        )
        save_state_dict(discriminator, out)
        print(f"saved {out}, loss log {log.save_csv(out.with_suffix('.loss.csv'))}")
    return 0


def _load_pair(args):
    return _load("generator", args.generator), _load("discriminator", args.discriminator)


def _notebook(args) -> int:
    import json

    from .notebook import run_notebook

    generator, discriminator = _load_pair(args)
    image = _read_image(args.image, "notebook") if args.image else None
    print(json.dumps(run_notebook(generator, discriminator, image)))
    return 0


def _score(args) -> int:
    import math

    import pandas as pd

    from .scoring import score_batch

    discriminator = _load("discriminator", args.discriminator)
    rows = []
    for path in args.paths:
        row = {"path": path, "probability": None, "logit": None, "error": ""}
        try:
            scores = score_batch(discriminator, _read_image(path, args.pipeline))
            probability, logit = float(scores["probability"][0]), float(scores["logit"][0])
            if not (math.isfinite(probability) and math.isfinite(logit)):  # never a blank score with exit 0
                raise ArithmeticError(f"the score is not a finite number (logit {logit})")
            row.update(probability=round(probability, 6), logit=round(logit, 6))
        except (FileFailure, ArithmeticError) as exc:  # one bad file must not stop the batch: its row says why
            reason = exc.error if isinstance(exc, FileFailure) else exc  # the path is in the row already
            row["error"] = " ".join(str(reason).split()) or type(reason).__name__
        rows.append(row)
    table = pd.DataFrame(rows, columns=["path", "probability", "logit", "error"])
    if args.out:
        table.to_csv(args.out, index=False)
    print(table.to_csv(index=False), end="")
    return 1 if (table["error"] != "").any() else 0


def _explain(args) -> int:
    from .explain import explain

    generator, discriminator = _load_pair(args)
    table = explain(discriminator, generator, n=args.n, seed=args.seed)
    if args.out:
        table.to_csv(args.out, index=False)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


def _sample(args) -> int:
    from .data import generated_digits
    from .grid import save_grid

    generator = _load("generator", args.generator)  # sampling needs no discriminator
    print(f"saved {save_grid(generated_digits(generator, args.n, args.seed), args.out)}")
    return 0


def _ood_report(args) -> int:
    from .ood_report import ood_report

    generator, discriminator = _load_pair(args)
    table = ood_report(generator, discriminator, n=args.n, seed=args.seed)
    if args.out:
        table.to_csv(args.out, index=False)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


def _dashboard(args) -> int:
    from .server import serve

    serve(args.streamlit_args)  # does not return: the process becomes the server
    return EXIT_OK


def _room(args) -> int:
    """Class mode's rooms on $GAN_OOD_DATABASE_URL (else the SQLite file under $GAN_OOD_DATA_DIR)."""
    import json

    from .rooms import RoomError, RoomStore

    store = RoomStore()
    try:
        if args.action == "create":
            keys = store.create_room()
            made = {"code": keys.code, "teacher_key": keys.teacher_key}
            print(json.dumps(made) if args.json else f"room {keys.code}, teacher key {keys.teacher_key}")
        elif args.action == "show":
            summary = store.summary(args.code)
            counts = {name: len(summary[name]) for name in ("guesses", "images")}
            text = f"{summary['students']} students, {counts['guesses']} guesses, {counts['images']} images"
            print(json.dumps(summary) if args.json else text)
        else:
            store.delete_room(args.code)
            print(f"closed {args.code}")
    except RoomError as exc:
        print(f"gan-ood room: {exc}", file=sys.stderr)
        return 2
    return 0


def _add_room_commands(sub) -> None:
    room = sub.add_parser("room", help="class mode: create, show or close a room (see README, Class mode)")
    actions = room.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="a new room: its student code and teacher key")
    create.add_argument("--json", action="store_true", help='print {"code": ..., "teacher_key": ...}')
    show = actions.add_parser("show", help="the room's students, guesses and images with their scores")
    show.add_argument("code")
    show.add_argument("--json", action="store_true", help='print {"students": n, "guesses": [...], "images": [...]}')
    close = actions.add_parser("close", help="delete the room and everything in it")
    close.add_argument("code")
    room.set_defaults(func=_room)


class _Parser(argparse.ArgumentParser):
    """A wrong option is one line (argparse prints its usage block first): `gan-ood score: error: ...`."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from .preprocess import PIPELINES

    parser = _Parser(
        prog="gan-ood", description=__doc__, epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch intra-op threads (default 1, see gan_core/workers.py; with 1, batches run on "
        "$GAN_OOD_WORKERS one-thread workers instead, default 2)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="phase 1 (dcgan) or phase 2 (discriminator vs a finished generator)")
    train.add_argument("phase", choices=["dcgan", "discriminator"])
    train.add_argument("--epochs", type=int, required=True)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--batch-size", type=int, default=64)
    train.add_argument(
        "--split",
        choices=["fit", "all"],
        default="fit",
        help="real digits to train on (default fit: the 4,000 that exclude the 1,000 holdout digits)",
    )
    train.add_argument("--device", default=None, help="cpu or cuda (default: cuda when present)")
    train.add_argument(
        "--batches",
        choices=["separate", "mixed"],
        default="separate",
        help="D's batches: separate (an all-real and an all-fake batch, the notebook's recipe; default) or mixed "
        "(real and generated shuffled into one batch)",
    )
    train.add_argument("--generator", help="phase 2: the finished generator's weights")
    train.add_argument("--checkpoints", help="phase 2: also save discriminator_epochNN.pt per epoch in this folder")
    train.add_argument("--out", required=True, help="phase 1: a folder; phase 2: the discriminator file")
    train.set_defaults(func=_train)

    nb = sub.add_parser("notebook", help="reproduce the course notebook's numbers (JSON)")
    nb.add_argument("--generator")
    nb.add_argument("--discriminator")
    nb.add_argument("--image", help="an image to use instead of the cat (notebook pipeline)")
    nb.set_defaults(func=_notebook)

    score = sub.add_parser("score", help="score image files; CSV path,probability,logit,error")
    score.add_argument("paths", nargs="+")
    score.add_argument("--discriminator")
    score.add_argument("--pipeline", choices=PIPELINES, default="notebook")
    score.add_argument("--out", help="also write the CSV here")
    score.set_defaults(func=_score)

    sample = sub.add_parser("sample", help="a grid of generated digits as PNG")
    sample.add_argument("--n", type=int, default=64)
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--generator")
    sample.add_argument("--out", default="grid.png")
    sample.set_defaults(func=_sample)

    report = sub.add_parser("ood-report", help="AUROC / FPR95 of the raw score and feature-space detectors")
    report.add_argument("--n", type=int, default=1000)
    report.add_argument("--seed", type=int, default=0)
    report.add_argument("--generator")
    report.add_argument("--discriminator")
    report.add_argument("--out", help="also write the table as CSV")
    report.set_defaults(func=_ood_report)

    why = sub.add_parser(
        "explain",
        help="per group: mean logit = real-unit pull + fake-unit push + bias, feature norm, Mahalanobis distance "
        "to the fit digits, share of w in the PCA plane, eval vs train-mode mean score",
    )
    why.add_argument("--n", type=int, default=1000, help="images per group (real: the first n holdout digits)")
    why.add_argument("--seed", type=int, default=0)
    why.add_argument("--generator")
    why.add_argument("--discriminator")
    why.add_argument("--out", help="also write the table as CSV")
    why.set_defaults(func=_explain)
    dash = sub.add_parser(
        "dashboard",
        help="serve the dashboard (the settings of scripts/dashboard.sh); any Streamlit option after it, "
        "e.g. --server.port 8599",
    )
    dash.set_defaults(func=_dashboard, streamlit_args=[])
    _add_room_commands(sub)
    return parser


def _one_line(error: BaseException) -> str:
    if isinstance(error, FileExistsError) and error.filename and Path(error.filename).is_file():
        return "is a file, not a folder"  # mkdir of an output's folder
    if isinstance(error, OSError) and error.strerror:  # "[Errno 2] No such file or directory: 'x'" -> the reason
        return error.strerror
    return " ".join(str(error).split()) or type(error).__name__


def _exit_code(error: BaseException) -> int:
    from .preprocess import ImageError
    from .weights import WeightsError

    if isinstance(error, WeightsError):
        return EXIT_WEIGHTS
    if isinstance(error, ImageError):
        return EXIT_IMAGE
    return EXIT_FILE


def _run(args) -> int:
    """args.func(args); an expected failure becomes one line on stderr and its exit code."""
    from .preprocess import ImageError
    from .weights import WeightsError

    prog = f"gan-ood {args.command}"
    try:
        return args.func(args)
    except FileFailure as failure:
        print(f"{prog}: {failure.path}: {_one_line(failure.error)}", file=sys.stderr)
        return _exit_code(failure.error)
    except (WeightsError, ImageError, OSError) as exc:  # e.g. an --out that cannot be written
        where = f"{exc.filename}: " if isinstance(exc, OSError) and exc.filename else ""
        print(f"{prog}: {where}{_one_line(exc)}", file=sys.stderr)
        return _exit_code(exc)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "dashboard":  # everything after it is Streamlit's; no torch in this process
        from .server import check_streamlit_args

        try:
            check_streamlit_args(extra)
        except ValueError as exc:
            parser.exit(EXIT_USAGE, f"gan-ood dashboard: error: {exc}\n")
        args.streamlit_args = extra
        return _run(args)
    if extra:
        parser.exit(
            EXIT_USAGE,
            f"gan-ood {args.command}: error: unrecognized arguments: {' '.join(extra)} "
            f"(see gan-ood {args.command} --help)\n",
        )
    import torch

    from .seeding import use_single_thread

    if args.threads == 1:
        use_single_thread()
    else:
        torch.set_num_threads(args.threads)
    return _run(args)


if __name__ == "__main__":
    sys.exit(main())
