"""zoo's Hydra sweeper on Optuna's current API (`hydra/sweeper=zoo_optuna`, used by
`hparams_search=optuna`). Written here because the hydra-optuna-sweeper plugin pins
optuna<3, and with it SQLAlchemy<2, and on resume restarts its job numbers (a resumed study
overwrites the earlier trials' folders) and, with a seeded sampler, replays the same trials."""
