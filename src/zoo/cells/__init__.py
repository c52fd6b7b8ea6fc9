"""Recurrent layer stacks with one signature: forward(x, lengths=None, state=None)."""

from zoo.cells.build_stack import build_stack
from zoo.cells.stack import RecurrentStack

__all__ = ["RecurrentStack", "build_stack"]
