"""joblib's launcher (jobs side by side on this machine, `pip install "zoo[scale]"`), resuming
its sweep: the plugin's own job runner, given each job's number."""

from __future__ import annotations

from hydra.core.singleton import Singleton
from hydra.core.utils import configure_log, setup_globals
from hydra_plugins.hydra_joblib_launcher._core import execute_job, process_joblib_cfg
from hydra_plugins.hydra_joblib_launcher.joblib_launcher import (
    JoblibLauncher as HydraJoblibLauncher,
)
from joblib import Parallel, delayed

from zoo.sweep.resume import Job, ResumingLauncher


class JoblibLauncher(ResumingLauncher, HydraJoblibLauncher):
    def run_numbered(self, jobs: list[Job]):
        setup_globals()
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        options = {**self.joblib, "backend": "loky"}  # as the plugin: Hydra needs processes
        process_joblib_cfg(options)
        state = Singleton.get_state()
        return Parallel(**options)(
            delayed(execute_job)(number, overrides, self.hydra_context, self.config,
                                 self.task_function, state)
            for number, overrides in jobs
        )
