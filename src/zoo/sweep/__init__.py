"""Sweeps: resuming a sweep in its folder (zoo.sweep.resume: mixed into zoo's launchers, which
live in hydra_plugins.zoo_launchers as Hydra requires) and the check that a sweep folder holds
one command's jobs (zoo.sweep.folder)."""
