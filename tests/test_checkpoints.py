"""Safe checkpoints: written atomically, loaded weights-only through zoo's one loader, and
every file that is not a zoo checkpoint is the same one sentence for zoo-train and zoo-eval."""

from __future__ import annotations

import os
import sys

import pytest
import torch
from conftest import compose_train, run_cli, train_quick
from hydra.utils import get_class
from omegaconf import OmegaConf

from zoo.atomic_file import AtomicCheckpointIO, write_atomically
from zoo.checkpoints import CONFIG_KEY, LoadedRun, load_run
from zoo.config.check import moved, translate_moved
from zoo.config.data import DATA_SCHEMAS
from zoo.errors import ZooError
from zoo.run_record import write_record
from zoo.training import build_trainer, train

TINY = ["data.T=6", "data.n_train=32", "data.n_val=16", "data.n_test=16", "cell.hidden_size=8",
        "trainer.max_epochs=1"]


class Payload:
    """Pickles to a call of os.mkdir(marker): loading it must never make the folder."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return os.mkdir, (self.marker,)


@pytest.fixture(scope="module")
def real_checkpoint(tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    train_quick(TINY, root / "run")
    return root / "run" / "checkpoints" / "last.ckpt"


def _bad_file(kind: str, folder, real_checkpoint):
    path = folder / f"{kind}.ckpt"
    if kind == "truncated":
        path.write_bytes(real_checkpoint.read_bytes()[:2000])
    elif kind == "random bytes":
        path.write_bytes(torch.randint(0, 256, (4096,), dtype=torch.uint8,
                                       generator=torch.Generator().manual_seed(0)).numpy().tobytes())
    elif kind == "foreign":
        torch.save({"weights": torch.zeros(3)}, path)
    elif kind == "payload":
        torch.save({"state_dict": Payload(folder / "payload_ran")}, path)
    return path


KINDS = ["missing", "truncated", "random bytes", "foreign", "payload"]
MESSAGES = {
    "missing": "does not exist; give a .ckpt file or a run folder",
    "truncated": "cannot be read as a checkpoint: it is damaged or incomplete",
    "random bytes": "is not a checkpoint (not a file torch.save writes)",
    "foreign": "is not a zoo checkpoint",
    "payload": "holds Python objects that safe (weights-only) loading refuses",
}


@pytest.mark.parametrize("kind", KINDS)
def test_zoo_train_reads_a_bad_checkpoint_as_zoo_eval_does(kind, tmp_path, real_checkpoint):
    path = _bad_file(kind, tmp_path, real_checkpoint)
    with pytest.raises(ZooError) as by_eval:
        load_run(path)
    cfg = compose_train(["logger=none", *TINY, f"ckpt_path={path}"], tmp_path / "out")
    with pytest.raises(ZooError) as by_train:
        train(cfg, tmp_path / "out")
    assert str(by_train.value) == str(by_eval.value)
    assert MESSAGES[kind] in str(by_eval.value)
    assert not (tmp_path / "payload_ran").exists()


@pytest.mark.parametrize("kind", ["random bytes", "payload"])
def test_zoo_train_and_zoo_eval_print_the_same_sentence(kind, tmp_path, real_checkpoint):
    path = _bad_file(kind, tmp_path, real_checkpoint)
    lines = []
    for command in ("zoo-train", "zoo-eval"):
        proc = run_cli(command, f"ckpt_path={path}", cwd=tmp_path, check=False)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        lines.append(proc.stderr.strip().splitlines()[-1])
    assert lines[0] == lines[1] and MESSAGES[kind] in lines[0]
    assert not (tmp_path / "payload_ran").exists()


def test_an_interrupted_write_leaves_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "last.ckpt"
    write_atomically(path, b"epoch 1")

    def killed(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, b"epoch 2, half written")
    assert path.read_bytes() == b"epoch 1"
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_the_trainer_writes_checkpoints_atomically(tmp_path):
    cfg = compose_train(["logger=none", "optimized_mode=min", *TINY], tmp_path)
    trainer = build_trainer(cfg, tmp_path)
    assert isinstance(trainer.strategy.checkpoint_io, AtomicCheckpointIO)


def test_metrics_json_is_written_atomically(tmp_path, monkeypatch):
    write_record(tmp_path / "metrics.json", status="ok")
    monkeypatch.setattr(os, "replace", lambda *a: sys.exit(1))
    with pytest.raises(SystemExit):
        write_record(tmp_path / "metrics.json", status="failed")
    assert '"ok"' in (tmp_path / "metrics.json").read_text()


# saved data configs of runs recorded before the data options were renamed, and what they read
# as now (eng_fra's max_length kept "fewer than N" words, max_len keeps "at most N")
OLD_DATA = {
    "eng_fra": ({"max_length": 10, "reverse": True, "val_fraction": 0.1, "test_fraction": 0.1},
                {"max_len": 9, "swap_columns": True, "val_size": 0.1, "test_size": 0.1}),
    "airline": ({"scaling": "standard", "val_fraction": 0.165, "test_fraction": 0.165,
                 "target": "many_to_many"},
                {"scale": "standard", "val_size": 0.165, "test_size": 0.165, "aligned": True}),
    "mnist": ({"val_split": 5000}, {"val_size": 5000}),
    "addition": ({"reverse": True}, {"reverse": True}),  # addition's reverse keeps its name
    "names": ({"val_fraction": 0.2, "test_fraction": 0.1}, {"val_size": 0.2, "test_size": 0.1}),
    # keys csv and text_classification gained since: the values those runs were read with
    "csv": ({"val_fraction": 0.2}, {"val_size": 0.2, "multiline": True, "quoting": "minimal"}),
    "text_classification": ({"val_fraction": 0.2}, {"val_size": 0.2, "task": "classify",
                                                    "stratify": False, "multiline": True,
                                                    "quoting": "minimal"}),
}
# the flat module path of each (zoo.data.<module>.<Class>) before zoo.data was cut into parts
MODULES = {"eng_fra": "eng_fra.EngFra", "airline": "airline.Airline", "mnist": "mnist.Mnist",
           "addition": "addition.Addition", "names": "names.Names",
           "csv": "csv_sequences.CsvSequences",
           "text_classification": "text_classification.TextClassification"}


def _old_config(name: str) -> dict:
    data = {"_target_": f"zoo.data.{MODULES[name]}", "name": name, "seed": "${seed}",
            **OLD_DATA[name][0]}
    return {"seed": 3, "paths": {"output_dir": "elsewhere"}, "data": data}


@pytest.mark.parametrize("name", sorted(OLD_DATA))
@pytest.mark.parametrize("where", ["run folder", "checkpoint"])
def test_a_run_recorded_before_the_renames_loads_in_todays_spelling(tmp_path, name, where):
    run = tmp_path / "run"
    (run / ".hydra").mkdir(parents=True)
    if where == "run folder":
        OmegaConf.save(OmegaConf.create(_old_config(name)), run / ".hydra" / "config.yaml")
        loaded = LoadedRun(None, run / "checkpoints" / "last.ckpt", run, {})
    else:
        loaded = LoadedRun(None, tmp_path / "lone.ckpt", None, {CONFIG_KEY: _old_config(name)})
    data = loaded.config().data
    old, new = OLD_DATA[name]
    assert {k: data[k] for k in new} == new
    assert not (set(old) - set(new)) & set(data)
    assert data.seed == 3  # the rest as it was, resolved
    assert data._target_ == DATA_SCHEMAS[name]._target_  # its module's path since the move
    assert get_class(data._target_).__name__ == MODULES[name].rpartition(".")[2]


@pytest.mark.parametrize("name", sorted(DATA_SCHEMAS))
def test_every_datamodule_is_found_by_its_path_before_the_move(name):
    target = DATA_SCHEMAS[name]._target_
    module, _, cls = target.rpartition(".")
    before = f"zoo.data.{module.rpartition('.')[2]}.{cls}"
    assert before != target and moved(before) == target
    assert get_class(target).__module__ == module and moved(target) == target
    data = OmegaConf.create({"_target_": before, "name": name})
    assert translate_moved(data) == before and data._target_ == target


def test_an_old_target_given_as_an_override_is_read_at_its_new_path(tmp_path):
    loaded = LoadedRun(None, tmp_path / "lone.ckpt", None, {CONFIG_KEY: _old_config("names")})
    data = loaded.config(["data._target_=zoo.data.mnist.FashionMnist"]).data
    assert data._target_ == "zoo.data.datasets.mnist.FashionMnist"


def test_an_old_name_in_the_overrides_of_an_old_run_names_its_new_spelling(tmp_path):
    loaded = LoadedRun(None, tmp_path / "lone.ckpt", None, {CONFIG_KEY: _old_config("eng_fra")})
    assert loaded.config(["data.val_size=0.2"]).data.val_size == 0.2
    with pytest.raises(ZooError, match=r"^data\.max_length was renamed data\.max_len \(.*\); "
                                       r"write data\.max_len=11\.$"):
        loaded.config(["data.max_length=12"])
