"""Safe checkpoints: written atomically, loaded weights-only through zoo's one loader, and
every file that is not a zoo checkpoint is the same one sentence for zoo-train and zoo-eval."""

from __future__ import annotations

import os
import sys

import pytest
import torch
from conftest import compose_train, run_cli, train_quick

from zoo.atomic_file import AtomicCheckpointIO, write_atomically
from zoo.errors import ZooError
from zoo.run.checkpoints import load_run
from zoo.run.record import RunRecord, write_record
from zoo.run.train import build_trainer, train_and_test

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
        train_and_test(cfg, tmp_path / "out")
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
    trainer, _ = build_trainer(cfg, tmp_path)
    assert isinstance(trainer.strategy.checkpoint_io, AtomicCheckpointIO)


def test_metrics_json_is_written_atomically(tmp_path, monkeypatch):
    write_record(tmp_path / "metrics.json", RunRecord(status="ok"))
    monkeypatch.setattr(os, "replace", lambda *a: sys.exit(1))
    with pytest.raises(SystemExit):
        write_record(tmp_path / "metrics.json", RunRecord(status="failed"))
    assert '"ok"' in (tmp_path / "metrics.json").read_text()
