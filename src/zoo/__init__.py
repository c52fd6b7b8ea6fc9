"""zoo: a declarative model zoo of recurrent neural networks.

The notebook API (zoo.api), imported on first use so `import zoo` stays cheap:
`zoo.compose(...)`, `zoo.train(cfg)`, `zoo.load(RUN)`, `zoo.table(SWEEP_DIR, by="cell")`.
"""

__version__ = "0.1.0"
API = ("compose", "train", "load", "table")


def __getattr__(name: str):
    if name in API:
        import zoo.api

        return getattr(zoo.api, name)
    raise AttributeError(f"module 'zoo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *API])
