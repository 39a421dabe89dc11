"""`gan-ood` command line: train, sample, score, notebook, ood-report, explain."""

import argparse
import sys
from pathlib import Path


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
        from .weights import load_generator

        generator = load_generator(args.generator)
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
    from .weights import load_discriminator, load_generator

    return load_generator(args.generator), load_discriminator(args.discriminator)


def _notebook(args) -> int:
    import json

    from .notebook import run_notebook
    from .preprocess import prepare_image

    generator, discriminator = _load_pair(args)
    image = prepare_image(Path(args.image).read_bytes(), "notebook").tensor if args.image else None
    print(json.dumps(run_notebook(generator, discriminator, image)))
    return 0


def _score(args) -> int:
    import pandas as pd

    from .preprocess import prepare_image
    from .scoring import score_batch
    from .weights import load_discriminator

    discriminator = load_discriminator(args.discriminator)
    rows = []
    for path in args.paths:
        row = {"path": path, "probability": None, "logit": None, "error": ""}
        try:
            scores = score_batch(discriminator, prepare_image(Path(path).read_bytes(), args.pipeline).tensor)
            row.update(probability=round(float(scores["probability"][0]), 6), logit=round(float(scores["logit"][0]), 6))
        except Exception as exc:  # one bad file must not stop the batch: report it in its row
            row["error"] = " ".join(str(exc).split()) or type(exc).__name__
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
    from .weights import load_generator

    generator = load_generator(args.generator)  # sampling needs no discriminator
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gan-ood", description=__doc__)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch intra-op threads (default 1: 2-thread OpenMP collapses on a busy 2-core box; "
        "with 1, batches run on $GAN_OOD_WORKERS one-thread workers instead, default 2)",
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
    score.add_argument("--pipeline", choices=["notebook", "mnist"], default="notebook")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    import torch

    from .seeding import use_single_thread

    if args.threads == 1:
        use_single_thread()
    else:
        torch.set_num_threads(args.threads)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
