"""`SequenceTask`: the one LightningModule for every (data, cell, direction, topology).

Its hyperparameters are plain dicts (the run's configs and the data's Spec), so a
checkpoint describes itself and loads with weights-only loading.
"""

from __future__ import annotations

import hydra
import pytorch_lightning as pl
import torch

from zoo.config.migrate import SCHEMA_VERSION
from zoo.config.model import typed_model_config
from zoo.spec import Spec
from zoo.task.bleu import CorpusBleu, StandardBleu, has_sacrebleu
from zoo.task.objective import Objective
from zoo.task.tbptt import clip_gradients, step_schedulers, truncated_training_step
from zoo.task.train_loss import TrainLoss
from zoo.topologies import build_model


def logged_metrics(spec: Spec, topology: type, exact_match: bool, split: str,
                   bleu: bool = False, bleu_beam: int = 1) -> list[str]:
    """The epoch metrics a `SequenceTask` logs for `split`, known before it is built: the
    loss, the objective's metrics, and exact match and BLEU where `_step` scores them."""
    names = [f"{split}/loss", *Objective(spec).metrics[f"{split}_"].keys()]
    if split == "train" or not topology.can_generate:
        return names
    names += [f"{split}/exact_match"] * exact_match + [f"{split}/bleu"] * bleu
    return names + ["test/bleu_beam"] * (bleu and bleu_beam > 1 and split == "test")


def target_sequences(batch: dict, eos_id: int | None) -> list[list[int]]:
    """Each example's target ids up to its length, without the end token."""
    y, lengths = batch["y"], batch.get("y_len")
    out = []
    for i in range(y.size(0)):
        ref = y[i, : int(lengths[i]) if lengths is not None else y.size(1)].tolist()
        out.append(ref[:-1] if ref and ref[-1] == eos_id else ref)
    return out


class SequenceTask(pl.LightningModule):
    def __init__(self, spec: dict, cell: dict, direction: dict, topology: dict,
                 optimizer: dict, scheduler: dict | None = None, exact_match: bool = True,
                 tbptt: dict | None = None, bleu: bool = False, bleu_beam: int = 1,
                 schema_version: int = SCHEMA_VERSION):  # saved with the rest (migrate.py)
        super().__init__()
        self.save_hyperparameters()
        self.spec = Spec.from_dict(spec)
        self.model = build_model(self.spec, *typed_model_config(cell, direction, topology))
        self.objective = Objective(self.spec)
        self.stateful = self.spec.stateful
        self._carried = {}
        # splits whose metric objects are logged this epoch: Lightning computes a logged metric
        # object over the whole epoch at its end and resets it, so logging it once is enough
        # (logging it at every step costs milliseconds each in Lightning's bookkeeping)
        self._metrics_logged: set[str] = set()
        self._train_loss = TrainLoss()  # logged only where read (zoo.task.train_loss)
        self.tbptt = tbptt  # truncated BPTT within each batch (zoo.task.tbptt): manual optimisation
        self.automatic_optimization = not tbptt
        # corpus BLEU of greedy decodes (val, test) and of beam search (test); sacreBLEU's
        # standard score of the test decodes where the data carries the reference text (a
        # run's checkpoint loads without sacrebleu; training and zoo-eval ask for it)
        scored = ("val", "test", "test_beam") if bleu_beam > 1 else ("val", "test")
        self.bleu = torch.nn.ModuleDict(
            {name: CorpusBleu(self.spec) for name in scored}) if bleu else {}
        self.sacrebleu = torch.nn.ModuleDict(
            {name: StandardBleu(self.spec) for name in scored if name != "val"}
        ) if bleu and has_sacrebleu() else {}

    def forward(self, batch, state=None):
        return self.model(batch, state)

    def transfer_batch_to_device(self, batch, device, dataloader_idx):
        """The inputs and targets move to `device`; lengths stay on the CPU, where packing
        wants them, and so do the extras only metrics read (`TensorSequences`)."""
        if not isinstance(batch, dict):
            return super().transfer_batch_to_device(batch, device, dataloader_idx)
        return {k: v.to(device) if k in ("x", "y") and torch.is_tensor(v) else v
                for k, v in batch.items()}

    def _step(self, split: str, batch: dict) -> torch.Tensor | dict:
        """The training loss; in val and test also the scored outputs and targets (the real
        steps' `logits` and `target`), which callbacks read instead of running the model
        again."""
        state = self._carried.get(split) if self.stateful else None
        logits, state = self.model(batch, state)
        if self.stateful:  # truncated BPTT across consecutive chunks: keep state, cut graph
            self._carried[split] = self.model.detach_state(state)
        logits, target = self.objective.select(logits, batch)
        loss = self.score(split, logits, target)
        if split == "train":
            return loss
        if self.model.can_generate:
            self._score_generation(split, batch)
        return {"loss": loss, "logits": logits, "target": target}

    def score(self, split: str, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """The loss of the real steps' `logits` against their `target`
        (`Objective.select`); logs it and updates the metrics."""
        loss = self.objective.loss(logits, target)
        n = target.size(0)
        if split == "train":
            self._train_loss.add(loss, n)  # logged at the end of the step where it is read
        else:
            self.log(f"{split}/loss", loss, on_epoch=True, prog_bar=split == "val", batch_size=n)
        metrics = self.objective.update(split, logits, target)
        if split not in self._metrics_logged:  # once an epoch: see `_metrics_logged`
            self._metrics_logged.add(split)
            self.log_dict(metrics, on_step=False, on_epoch=True, prog_bar=split == "val",
                          batch_size=n)
        return loss

    def _score_generation(self, split: str, batch: dict) -> None:
        """Greedy decodes scored as whole sequences (exact match, up to the end token) and as
        corpus BLEU; on test, beam search too when `bleu_beam` > 1, and both as sacreBLEU
        against the reference text where the batch carries it."""
        if not (self.hparams.exact_match or self.bleu):
            return
        max_len = batch["y"].size(1) + 2
        decoded = self.model.generate(batch, max_len=max_len, greedy=True)
        targets = target_sequences(batch, self.spec.eos_id)
        n = len(decoded)
        if self.hparams.exact_match:
            hits = sum(float(seq == ref) for seq, ref in zip(decoded, targets, strict=True))
            self.log(f"{split}/exact_match", hits / n, on_epoch=True, batch_size=n,
                     prog_bar=split == "val")
        if split in self.bleu:
            self.bleu[split].update_ids(decoded, targets)
            self.log(f"{split}/bleu", self.bleu[split], on_epoch=True, batch_size=n)
            self._score_sacrebleu(split, "", decoded, batch)
        if split == "test" and "test_beam" in self.bleu:
            beams = self.model.generate(batch, max_len=max_len, beam=self.hparams.bleu_beam)
            self.bleu["test_beam"].update_ids(beams, targets)
            self.log("test/bleu_beam", self.bleu["test_beam"], on_epoch=True, batch_size=n)
            self._score_sacrebleu(split, "_beam", beams, batch)

    def _score_sacrebleu(self, split: str, suffix: str, decoded: list, batch: dict) -> None:
        """`test/sacrebleu{suffix}` of `decoded` where the batch carries its reference text."""
        name = split + suffix
        if name in self.sacrebleu and "y_text" in batch:
            metric = self.sacrebleu[name]
            metric.update(decoded, batch["y_text"], batch["y_text_len"])
            self.log(f"{split}/sacrebleu{suffix}", metric, on_epoch=True, batch_size=len(decoded))

    def sacrebleu_signature(self) -> str | None:
        """sacrebleu's signature of `test/sacrebleu`, once a test logged it."""
        return self.sacrebleu["test"].signature() if "test" in self.sacrebleu else None

    def on_train_epoch_start(self):
        self._carried.clear()
        self._train_loss = TrainLoss(self.trainer)
        self._metrics_logged.discard("train")

    def on_validation_epoch_start(self):
        self._carried.pop("val", None)
        self._metrics_logged.discard("val")

    def on_test_epoch_start(self):
        self._carried.pop("test", None)
        self._metrics_logged.discard("test")

    def training_step(self, batch, batch_idx):
        loss = None
        if self.tbptt:
            state = truncated_training_step(self, batch, self._carried.get("train"))
            if self.stateful:
                self._carried["train"] = state
        else:
            loss = self._step("train", batch)
        read = self._train_loss.due(self.trainer, batch_idx)  # once a batch (tbptt: windows)
        if read is not None:
            mean, count = read
            self.log("train/loss", mean, on_step=True, on_epoch=True, prog_bar=True,
                     batch_size=count)
        return loss

    def on_before_optimizer_step(self, optimizer):
        if self.tbptt:  # after the callbacks saw the raw gradients, as Lightning clips
            clip_gradients(self, optimizer)

    def on_train_epoch_end(self):
        if self.tbptt:
            step_schedulers(self, "epoch")

    def validation_step(self, batch, batch_idx):
        return self._step("val", batch)

    def test_step(self, batch, batch_idx):
        return self._step("test", batch)

    def configure_optimizers(self):
        optimizer = hydra.utils.instantiate(self.hparams.optimizer)(params=self.parameters())
        sched = self.hparams.scheduler or {}
        if not sched.get("fn"):
            return optimizer
        scheduler = hydra.utils.instantiate(sched["fn"])(optimizer=optimizer)
        config = {"scheduler": scheduler, "interval": sched["interval"]}
        if sched.get("monitor"):
            config["monitor"] = sched["monitor"]
        return {"optimizer": optimizer, "lr_scheduler": config}

    def count_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters() if p.requires_grad)
