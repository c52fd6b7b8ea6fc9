"""The thread budget of a job under each launcher (zoo.run.threads)."""

from __future__ import annotations

import pytest
from conftest import compose_train

from zoo.errors import ZooError
from zoo.run.threads import choose_threads
from zoo.run.validate import validate

BASIC = {"_target_": "hydra._internal.core_plugins.basic_launcher.BasicLauncher"}
JOBLIB = "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher"
LOCAL = "hydra_plugins.hydra_submitit_launcher.submitit_launcher.LocalLauncher"
SLURM = "hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher"
ONE = {"strategy": "auto", "devices": 1}
DDP2 = {"strategy": "ddp", "devices": 2, "accelerator": "cpu"}


def threads(launcher=BASIC, trainer=ONE, cores=8, env=None, setting="auto", busy=0.0):
    return choose_threads(setting, launcher, trainer, cores, env or {}, busy)


def test_a_lone_run_takes_every_core():
    assert threads() == 8


def test_a_lone_run_on_a_loaded_machine_takes_the_free_cores():
    assert threads(busy=2.2) == 6
    assert threads(cores=2, busy=2.0) == 1  # oversubscribing spinning threads is far worse
    assert threads(cores=2, busy=9.0) == 1


def test_a_lone_run_follows_omp_num_threads_when_set():
    assert threads(env={"OMP_NUM_THREADS": "3"}) == 3


def test_joblib_splits_the_cores_between_its_jobs():
    assert threads({"_target_": JOBLIB, "n_jobs": 2}) == 4
    assert threads({"_target_": JOBLIB, "n_jobs": 3}) == 2
    assert threads({"_target_": JOBLIB, "n_jobs": 16}) == 1


def test_joblib_minus_one_is_one_job_per_core():
    assert threads({"_target_": JOBLIB, "n_jobs": -1}) == 1
    assert threads({"_target_": JOBLIB, "n_jobs": -2}, cores=8) == 1  # 7 jobs


def test_joblib_ignores_the_workers_omp_num_threads():
    assert threads({"_target_": JOBLIB, "n_jobs": 2}, env={"OMP_NUM_THREADS": "1"}) == 4


@pytest.mark.parametrize("target", [LOCAL, SLURM])
def test_submitit_gives_each_task_its_cpus(target):
    assert threads({"_target_": target, "cpus_per_task": 3}) == 3
    assert threads({"_target_": target, "cpus_per_task": 3}, DDP2) == 3  # a task is a rank


def test_submitit_without_cpus_per_task_is_a_lone_run():
    assert threads({"_target_": LOCAL, "cpus_per_task": None}) == 8


def test_ddp_ranks_share_the_machine():
    assert threads(trainer=DDP2, cores=2) == 1
    assert threads(trainer=DDP2, cores=8) == 4
    assert threads(trainer={**DDP2, "devices": [0, 1, 2, 3]}, cores=8) == 2
    assert threads({"_target_": JOBLIB, "n_jobs": 2}, DDP2, cores=8) == 2


def test_an_int_overrides_and_a_bad_value_is_one_sentence(tmp_path):
    assert threads({"_target_": JOBLIB, "n_jobs": 4}, setting=2) == 2
    for setting, sentence in ((0, "threads=0"), ("many", "threads='many'")):
        with pytest.raises(ZooError, match=sentence):
            validate(compose_train([f"threads={setting}"], tmp_path))
