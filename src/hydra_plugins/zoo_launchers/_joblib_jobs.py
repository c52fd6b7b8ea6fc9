"""joblib's launcher (jobs side by side on this machine, `pip install "zoo[scale]"`), resuming
its sweep: the plugin's own job runner, given each job's number. One job at a time (`submit`)
goes to the same pool of loky worker processes that joblib's Parallel uses, as a future."""

from __future__ import annotations

import joblib
from hydra.core.singleton import Singleton
from hydra.core.utils import configure_log, setup_globals
from hydra_plugins.hydra_joblib_launcher._core import execute_job, process_joblib_cfg
from hydra_plugins.hydra_joblib_launcher.joblib_launcher import (
    JoblibLauncher as HydraJoblibLauncher,
)
from joblib import Parallel, delayed
from joblib.externals.loky import get_reusable_executor

from zoo.sweep.resume import Job, ResumingLauncher


class JoblibLauncher(ResumingLauncher, HydraJoblibLauncher):
    def run_numbered(self, jobs: list[Job]):
        setup_globals()
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        options = {**self.joblib, "backend": "loky"}  # as the plugin: Hydra needs processes
        process_joblib_cfg(options)
        state = Singleton.get_state()
        return Parallel(**options)(
            delayed(execute_job)(
                number, overrides, self.hydra_context, self.config, self.task_function, state
            )
            for number, overrides in jobs
        )

    def submit(self, job: Job):
        setup_globals()
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        workers = joblib.effective_n_jobs(self.joblib.get("n_jobs"))
        number, overrides = job
        return get_reusable_executor(max_workers=workers).submit(
            execute_job,
            number,
            overrides,
            self.hydra_context,
            self.config,
            self.task_function,
            Singleton.get_state(),
        )
