"""`gan-ood` command line: train, sample, score, notebook, ood-report."""
import argparse
import sys
from pathlib import Path


def _train(args) -> int:
    from . import data, training
    from .weights import save_state_dict

    real = data.real_digits_with_labels("all")[0]
    out = Path(args.out)
    if args.phase == "dcgan":
        generator, discriminator, log = training.train_dcgan(
            real, epochs=args.epochs, seed=args.seed, batch_size=args.batch_size, device=args.device,
            checkpoint_dir=out / "checkpoints")
        save_state_dict(generator, out / "generator.pt")
        save_state_dict(discriminator, out / "discriminator_joint.pt")
        print(f"saved {out / 'generator.pt'}, {out / 'discriminator_joint.pt'}, "
              f"loss log {log.save_csv(out / 'dcgan_loss.csv')}")
    else:
        from .weights import load_generator

        generator = load_generator(args.generator)
        discriminator, log = training.train_discriminator(
            generator, real, epochs=args.epochs, seed=args.seed, batch_size=args.batch_size, device=args.device)
        save_state_dict(discriminator, out)
        print(f"saved {out}, loss log {log.save_csv(out.with_suffix('.loss.csv'))}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gan-ood", description=__doc__)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch intra-op threads (default 1: 2-thread OpenMP collapses on a busy 2-core box)")
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="phase 1 (dcgan) or phase 2 (discriminator vs a finished generator)")
    train.add_argument("phase", choices=["dcgan", "discriminator"])
    train.add_argument("--epochs", type=int, required=True)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--batch-size", type=int, default=64)
    train.add_argument("--device", default=None, help="cpu or cuda (default: cuda when present)")
    train.add_argument("--generator", help="phase 2: the finished generator's weights")
    train.add_argument("--out", required=True, help="phase 1: a folder; phase 2: the discriminator file")
    train.set_defaults(func=_train)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
