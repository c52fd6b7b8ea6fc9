"""zoo: a declarative model zoo of recurrent neural networks."""

__version__ = "0.1.0"
