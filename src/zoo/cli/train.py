"""`zoo-train`: compose the config, train, test with the best checkpoint, write metrics.json."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from zoo.cli.config_dir import config_dir
from zoo.cli.run_entry import run_entry
from zoo.training import train


@hydra.main(version_base="1.3", config_path=config_dir(), config_name="train")
def main(cfg: DictConfig) -> float | None:
    return run_entry(cfg, train)


if __name__ == "__main__":
    main()
