"""`hparams_search=optuna`: a study in the sweep folder's SQLite file, resumed by the same
command; failed trials are pruned and the study goes on."""

from __future__ import annotations

import subprocess
import time

import pytest
from conftest import cli, cli_env, read_metrics, run_cli
from omegaconf import OmegaConf

optuna = pytest.importorskip("optuna")

from hydra_plugins.zoo_optuna_sweeper.search_space import search_space  # noqa: E402

TINY = ["data.n_train=64", "data.n_val=32", "data.n_test=32", "data.T=10",
        "trainer.max_epochs=1", "logger=none", "trainer.enable_progress_bar=false",
        "cell=lstm", "cell.num_layers=1", "cell.dropout=0"]
# a negative rate fails its run: those trials must be pruned, not end the study
SPACE = ["optimizer.lr=choice(-1.0,0.01)", "cell.hidden_size=choice(4,8)"]


def test_the_space_is_the_config_plus_command_line_sweeps_minus_fixed_keys():
    params = {"optimizer.lr": "tag(log, interval(1e-4, 1e-1))", "cell": "choice(rnn, gru)",
              "cell.num_layers": "int(interval(1, 3))"}
    space, fixed = search_space(params, ["cell=gru", "cell.hidden_size=range(8,40,8)"])
    assert fixed == ["cell=gru"]
    assert space["optimizer.lr"] == optuna.distributions.FloatDistribution(1e-4, 1e-1, log=True)
    assert space["cell.num_layers"] == optuna.distributions.IntDistribution(1, 3)
    assert space["cell.hidden_size"] == optuna.distributions.IntDistribution(8, 32, step=8)
    assert "cell" not in space


def test_a_stopped_study_resumes_with_its_earlier_trials(tmp_path):
    command = ["-m", "hparams_search=optuna", *TINY, *SPACE]
    run_cli("zoo-train", *command, "hydra.sweeper.n_trials=3", cwd=tmp_path)
    folder = tmp_path / "multirun" / "optuna" / "zoo"
    storage = f"sqlite:///{folder / 'optuna.db'}"
    first = [t.params for t in optuna.load_study(study_name="zoo", storage=storage).trials]
    assert len(first) == 3
    run_cli("zoo-train", *command, "hydra.sweeper.n_trials=6", cwd=tmp_path)
    trials = optuna.load_study(study_name="zoo", storage=storage).trials
    assert [t.params for t in trials[:3]] == first and len(trials) == 6
    for trial in trials:
        record = read_metrics(folder / str(trial.number))
        failed = trial.params["optimizer.lr"] < 0
        assert trial.state.name == ("PRUNED" if failed else "COMPLETE")
        assert record["status"] == ("failed" if failed else "ok")
        if not failed:
            assert trial.value == pytest.approx(record["metrics"]["val/loss"])
    assert (folder / "optimization_results.yaml").is_file()


def test_a_hopeless_trial_is_pruned_and_recorded(tmp_path):
    """A study whose finished trial reached 0 at every epoch: the median pruner stops the next
    trial after its first validation, which the study and the trial's record say, and the sweep
    ends well. (zoo-table lists pruned runs apart: tests/report/test_table.py.)"""
    folder = tmp_path / "multirun" / "optuna" / "zoo"
    folder.mkdir(parents=True)
    storage = f"sqlite:///{folder / 'optuna.db'}"
    study = optuna.create_study(study_name="zoo", storage=storage, direction="minimize")
    study.add_trial(optuna.trial.create_trial(value=0.0, intermediate_values={0: 0.0, 1: 0.0,
                                                                              2: 0.0}))
    run_cli("zoo-train", "-m", "hparams_search=optuna", *TINY, *SPACE[1:], "optimizer.lr=0.01",
            "trainer.max_epochs=3", "hydra.sweeper.pruner=median",
            "hydra.sweeper.startup_trials=1", "hydra.sweeper.n_trials=2", cwd=tmp_path)
    trial = optuna.load_study(study_name="zoo", storage=storage).trials[1]
    record = read_metrics(folder / "1")
    assert trial.state.name == "PRUNED" and record["status"] == "pruned"
    value = record["metrics"]["val/loss"]
    assert record["pruned"] == {"epoch": 0, "metric": "val/loss", "value": value}
    assert trial.intermediate_values == {0: pytest.approx(value)}
    assert len(record["epoch_s"]) == 1 and "test/loss" not in record["metrics"]
    assert list((folder / "1" / "checkpoints").glob("best-epoch000.ckpt"))  # kept


def test_an_unknown_pruner_is_refused_in_one_sentence(tmp_path):
    proc = run_cli("zoo-train", "-m", "hparams_search=optuna", *TINY,
                   "hydra.sweeper.pruner=bogus", cwd=tmp_path, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "error: hydra.sweeper.pruner=bogus is not a pruner zoo knows; give none, median, "
        "successive_halving or hyperband.")


def test_the_random_start_up_is_a_quarter_of_the_budget_and_each_phase_is_logged(tmp_path):
    proc = run_cli("zoo-train", "-m", "hparams_search=optuna", *TINY, *SPACE[1:],
                   "optimizer.lr=0.01", "hydra.sweeper.n_trials=4", cwd=tmp_path)
    log = proc.stdout + proc.stderr
    assert "trial 0: random start-up (1 of 1)" in log  # 4 trials: 1 random, 3 TPE
    assert all(f"trial {n}: TPE" in log for n in (1, 2, 3))


def test_two_objectives_make_a_pareto_front_of_the_records_values(tmp_path):
    run_cli("zoo-train", "-m", "hparams_search=optuna", *TINY, *SPACE[1:], "optimizer.lr=0.01",
            "hydra.sweeper.metric=[val/loss,params]", "hydra.sweeper.direction=[min,min]",
            "hydra.sweeper.n_trials=3", cwd=tmp_path)
    folder = tmp_path / "multirun" / "optuna" / "zoo"
    study = optuna.load_study(study_name="zoo", storage=f"sqlite:///{folder / 'optuna.db'}")
    assert len(study.directions) == 2 and len(study.trials) == 3
    for trial in study.trials:
        record = read_metrics(folder / str(trial.number))
        assert trial.values == [pytest.approx(record["metrics"]["val/loss"]), record["params"]]
    front = OmegaConf.load(folder / "optimization_results.yaml").pareto_front
    values = {t.number: t.values for t in study.trials}
    on_front = {entry.trial for entry in front}
    assert on_front  # nothing off the front beats a front trial in both objectives
    for number, (loss, params) in values.items():
        dominated = any(a <= loss and b <= params and (a, b) != (loss, params)
                        for other, (a, b) in values.items() if other != number)
        assert (number in on_front) == (not dominated)


def test_several_objectives_need_a_direction_each(tmp_path):
    proc = run_cli("zoo-train", "-m", "hparams_search=optuna", *TINY,
                   "hydra.sweeper.metric=[val/loss,params]", cwd=tmp_path, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "needs one direction each: give hydra.sweeper.direction=[min,min]" in proc.stderr


def test_two_sweepers_of_one_study_make_exactly_n_trials_together(tmp_path):
    command = [cli("zoo-train"), "-m", "hparams_search=optuna", *TINY, *SPACE[1:],
               "optimizer.lr=0.01", "data.n_train=4000", "data.batch_size=8",
               "trainer.max_epochs=5", "hydra.sweeper.n_trials=8"]  # about 4 s a trial
    first = subprocess.Popen(command, cwd=tmp_path, env=cli_env(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    folder = tmp_path / "multirun" / "optuna" / "zoo"
    deadline = time.monotonic() + 120
    while not (folder / "0" / ".hydra").is_dir():  # the study exists: its first trial runs
        assert time.monotonic() < deadline and first.poll() is None, first.stderr.read()
        time.sleep(0.2)
    second = run_cli("zoo-train", *command[1:], cwd=tmp_path)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    study = optuna.load_study(study_name="zoo", storage=f"sqlite:///{folder / 'optuna.db'}")
    assert [t.number for t in study.trials] == list(range(8))
    assert {t.state.name for t in study.trials} == {"COMPLETE"}
    assert len({t.user_attrs["sweeper"] for t in study.trials}) == 2  # both made trials
    assert all(read_metrics(folder / str(n))["status"] == "ok" for n in range(8))
    assert second.returncode == 0


def test_a_sweeper_metric_other_than_the_runs_is_refused(tmp_path):
    proc = run_cli("zoo-train", "-m", "hparams_search=optuna", *TINY,
                   "hydra.sweeper.metric=val/mse", cwd=tmp_path, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "error: hydra.sweeper.metric=val/mse is not the run's optimized_metric (val/loss), "
        "which each trial returns; set optimized_metric=val/mse instead.")


def test_a_study_is_resumed_only_with_its_own_objectives(tmp_path):
    folder = tmp_path / "multirun" / "optuna" / "zoo"
    folder.mkdir(parents=True)
    optuna.create_study(study_name="zoo", storage=f"sqlite:///{folder / 'optuna.db'}",
                        direction="maximize")
    proc = run_cli("zoo-train", "-m", "hparams_search=optuna", *TINY, cwd=tmp_path,
                   check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "optimises val/loss (maximize); keep its hydra.sweeper.metric and direction" in \
        proc.stderr
    assert not (folder / "0").exists()
