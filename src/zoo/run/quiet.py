"""Library messages that a zoo user cannot act on, silenced here, each by its own text."""

from __future__ import annotations

import logging
import warnings

WARNINGS = (
    # the task keeps sequence lengths on the CPU (where packing wants them) on purpose
    r"You have overridden `transfer_batch_to_device` in `LightningModule` but have passed in",
    # Lightning's own use of a torch API that torch deprecated
    r"`isinstance\(treespec, LeafSpec\)` is deprecated",
)
MESSAGES = (
    "💡 Tip: For seamless cloud",  # advertisements for Lightning's cloud services
    "Trainer already configured with model summary callbacks",  # zoo's summary is the one
)
RANK_ZERO_LOG = "pytorch_lightning.utilities.rank_zero"


def _not_noise(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith(MESSAGES)


def quiet_libraries() -> None:
    """Install the filters (idempotent)."""
    for message in WARNINGS:
        warnings.filterwarnings("ignore", message=message)
    logging.getLogger(RANK_ZERO_LOG).addFilter(_not_noise)
