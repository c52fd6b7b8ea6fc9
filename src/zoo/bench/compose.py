"""zoo's composed configs and the IMDB reviews for the benchmark (synthetic ones, with the same
length distribution, where the data is absent)."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import torch
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.utils import instantiate
from omegaconf import DictConfig, open_dict
from pytorch_lightning import seed_everything

from zoo.config.conf_dir import config_dir
from zoo.data.batches import TensorSequences
from zoo.data.datasets.imdb import Imdb
from zoo.errors import ZooError
from zoo.spec import Layout, Spec

log = logging.getLogger(__name__)


def zoo_config(overrides, output_dir: Path) -> DictConfig:
    """The `train` config exactly as `zoo-train` composes it from `overrides`."""
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=config_dir(), version_base="1.3"):
        cfg = compose(config_name="train", overrides=list(overrides))
    with open_dict(cfg):
        cfg.paths.output_dir = str(output_dir)
    return cfg


class SyntheticReviews(Imdb):
    """Random word ids with IMDB's length distribution: log-normal words per review (median
    180, sigma 0.75, as the Keras-tokenised reviews), cut at maxlen; random labels."""

    cacheable = False

    def build(self):
        g = torch.Generator().manual_seed(self.seed)
        maxlen, words = self.cfg.maxlen or 2500, self.cfg.num_words or 88587
        splits = {}
        for split in ("train", "test"):
            lengths = (torch.randn(25000, generator=g) * 0.75).exp().mul(180).long()
            lengths = lengths.clamp(10, maxlen)
            x = torch.randint(3, words, (25000, int(lengths.max())), generator=g, dtype=torch.int32)
            x[torch.arange(x.size(1))[None, :] >= lengths[:, None]] = 0
            y = torch.randint(0, 2, (25000,), generator=g)
            splits[split] = TensorSequences(x, y, x_len=lengths)
        splits["val"] = splits["test"]
        spec = Spec(Layout("sequence", "single"), "tokens", words, "class", 2, pad_id=0,
                    target_vocab=["neg", "pos"])
        return spec, splits


def subset(data: TensorSequences, n: int | None) -> TensorSequences:
    """`n` examples drawn at random (seed 0, so the same for splits of one size)."""
    if n is None or n >= len(data):
        return data
    keep = torch.randperm(len(data), generator=torch.Generator().manual_seed(0))[:n]
    return TensorSequences(**{k: v[keep] for k, v in data.tensors.items()})


def reviews(cfg: DictConfig, reviews_per_split: int | None):
    """The datamodule of `cfg.data` (IMDB) and a note saying which reviews it holds."""
    try:
        datamodule = instantiate(cfg.data)
        datamodule.setup()
        note = f"IMDB reviews ({cfg.data.root or 'zoo cache'})"
    except (ZooError, OSError) as exc:
        log.info("IMDB is not available (%s): synthetic reviews", exc)
        datamodule = instantiate(cfg.data, _target_=f"{__name__}.SyntheticReviews")
        datamodule.setup()
        note = "synthetic reviews (IMDB absent), IMDB's length distribution"
    datamodule.splits = {k: subset(v, reviews_per_split) for k, v in datamodule.splits.items()}
    return datamodule, note


def imdb_overrides(root: str | None, maxlen: int, extra=()) -> list[str]:
    found = ["experiment=keras_imdb_bilstm", f"data.maxlen={maxlen}", *extra]
    return found + ([f"data.root={root}"] if root else [])


def imdb_reviews(settings, imdb_root: str | None, maxlen: int):
    """(the keras_imdb_bilstm config at `maxlen`, its reviews, a note on where they came
    from), seeded as a run is."""
    with tempfile.TemporaryDirectory() as tmp:
        extra = [*settings.model_overrides, *settings.imdb_overrides]
        cfg = zoo_config(imdb_overrides(imdb_root, maxlen, extra), Path(tmp))
        datamodule, note = reviews(cfg, settings.reviews)
    seed_everything(cfg.seed)
    return cfg, datamodule, note
