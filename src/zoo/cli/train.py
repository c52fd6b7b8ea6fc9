"""`zoo-train`: compose the config, train, test with the best checkpoint, write metrics.json."""

from __future__ import annotations

import sys

import hydra
from omegaconf import DictConfig

from zoo.cli.config_dir import config_dir
from zoo.cli.errors import user_errors
from zoo.cli.listing import listing
from zoo.cli.plugins import check_plugins
from zoo.cli.run_entry import run_entry
from zoo.resume import resume_args
from zoo.training import train


@hydra.main(version_base="1.3", config_path=config_dir(), config_name="train")
def train_app(cfg: DictConfig) -> float | None:
    return run_entry(cfg, train)


def main() -> None:
    """`--list` prints the options; `ckpt_path=RUN` continues that run in its own folder
    (zoo.resume); then Hydra runs."""
    if "--list" in sys.argv[1:]:
        print(listing())
        return
    with user_errors():
        check_plugins(sys.argv[1:])
        sys.argv[1:] = resume_args(sys.argv[1:])
        train_app()


if __name__ == "__main__":
    main()
