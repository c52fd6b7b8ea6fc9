"""A confusion-matrix image for classifiers at the end of every validation and test epoch:
a wandb image, a TensorBoard image, or RUN/confusion_matrix/<split>-epoch<N>.png with the
CSV logger (<split>.png for the evaluations after training, which are no epoch). Drawing
needs matplotlib (`pip install 'zoo[plots]'`); without it the callback says so once and does
nothing."""

from __future__ import annotations

import logging

import pytorch_lightning as pl
from torchmetrics.classification import MulticlassConfusionMatrix

from zoo.tracking.publish import publish_figure

log = logging.getLogger(__name__)


def _matplotlib() -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        return False
    return True


class ConfusionMatrixImage(pl.Callback):
    def __init__(self, max_classes: int = 50, numbers_up_to: int = 20):
        self.max_classes = max_classes  # more classes than this: no image
        self.numbers_up_to = numbers_up_to  # write the counts in the cells up to this many
        self.enabled = True
        self._matrix: MulticlassConfusionMatrix | None = None

    def setup(self, trainer, pl_module, stage: str) -> None:
        spec = pl_module.spec
        self.enabled = (
            spec.target_kind == "class"
            and spec.target_size <= self.max_classes
            and bool(trainer.loggers)
        )
        if self.enabled and not _matplotlib():
            log.info(
                "matplotlib is not installed, so no confusion-matrix image is drawn "
                "(pip install 'zoo[plots]')."
            )
            self.enabled = False

    def _start(self, trainer, pl_module) -> None:
        if self.enabled and not trainer.sanity_checking:
            spec = pl_module.spec
            self._matrix = MulticlassConfusionMatrix(spec.target_size).to(pl_module.device)

    def _update(self, outputs) -> None:
        """From the step's own scored outputs (`SequenceTask._step`): no second forward."""
        if self._matrix is not None:
            self._matrix.update(outputs["logits"].argmax(-1), outputs["target"])

    def _finish(self, trainer, pl_module, split: str) -> None:
        if self._matrix is None:
            return
        import matplotlib.pyplot as plt

        matrix, metric, self._matrix = self._matrix.compute(), self._matrix, None
        if not trainer.is_global_zero:
            return
        spec = pl_module.spec
        names = spec.target_vocab or [str(i) for i in range(spec.target_size)]
        figure, axes = metric.plot(
            val=matrix, labels=list(names), add_text=spec.target_size <= self.numbers_up_to
        )
        in_training = trainer.state.fn == "fit"
        suffix = f"-epoch{trainer.current_epoch:03d}" if in_training else ""
        axes.set_title(f"{split}, epoch {trainer.current_epoch}" if in_training else split)
        publish_figure(
            trainer, f"{split}/confusion_matrix", figure, f"confusion_matrix/{split}{suffix}.png"
        )
        plt.close(figure)

    def on_validation_epoch_start(self, trainer, pl_module) -> None:
        self._start(trainer, pl_module)

    def on_test_epoch_start(self, trainer, pl_module) -> None:
        self._start(trainer, pl_module)

    def on_validation_batch_end(
        self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx=0
    ) -> None:
        self._update(outputs)

    def on_test_batch_end(
        self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx=0
    ) -> None:
        self._update(outputs)

    def on_validation_epoch_end(self, trainer, pl_module) -> None:
        self._finish(trainer, pl_module, "val")

    def on_test_epoch_end(self, trainer, pl_module) -> None:
        self._finish(trainer, pl_module, "test")
