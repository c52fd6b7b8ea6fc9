"""`zoo-train`: compose the config, train, test with the best checkpoint, write metrics.json."""

from __future__ import annotations

import sys

import hydra
from omegaconf import DictConfig

from zoo.cli.listing import listing
from zoo.cli.plugins import check_plugins
from zoo.cli.user_errors import user_errors
from zoo.config.conf_dir import config_dir
from zoo.run.entry import run_entry
from zoo.run.lock import run_lock
from zoo.run.resume import resume_args, run_folder
from zoo.run.train import train_and_test
from zoo.sweep.folder import refuse_another_sweep


@hydra.main(version_base="1.3", config_path=config_dir(), config_name="train")
def train_app(cfg: DictConfig) -> float | None:
    return run_entry(cfg, train_and_test)


def main() -> None:
    """`--list` prints the options; `ckpt_path=RUN` continues that run in its own folder
    (zoo.run.resume); then Hydra runs, holding the run folder's lock (zoo.run.lock)."""
    if "--list" in sys.argv[1:]:
        print(listing())
        return
    with user_errors():
        check_plugins(sys.argv[1:])
        with run_lock(run_folder(sys.argv[1:])):  # one zoo-train at a time in a run folder
            sys.argv[1:] = resume_args(sys.argv[1:])
            refuse_another_sweep(sys.argv[1:])
            train_app()


if __name__ == "__main__":
    main()
