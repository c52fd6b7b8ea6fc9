"""`hparams_search=optuna`: a study in the sweep folder's SQLite file, resumed by the same
command; failed trials are pruned and the study goes on."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from conftest import cli, cli_env, read_csv, read_metrics, run_cli, table
from omegaconf import OmegaConf

optuna = pytest.importorskip("optuna")

from hydra_plugins.zoo_optuna_sweeper.search_space import search_space  # noqa: E402

TINY = [
    "data.n_train=64",
    "data.n_val=32",
    "data.n_test=32",
    "data.T=10",
    "trainer.max_epochs=1",
    "logger=none",
    "trainer.enable_progress_bar=false",
    "cell=lstm",
    "cell.num_layers=1",
    "cell.dropout=0",
]
# a negative rate fails its run: those trials must be pruned, not end the study
SPACE = ["optimizer.lr=choice(-1.0,0.01)", "cell.hidden_size=choice(4,8)"]


def test_the_space_is_the_config_plus_command_line_sweeps_minus_fixed_keys():
    params = {
        "optimizer.lr": "tag(log, interval(1e-4, 1e-1))",
        "cell": "choice(rnn, gru)",
        "cell.num_layers": "int(interval(1, 3))",
    }
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
    study.add_trial(
        optuna.trial.create_trial(value=0.0, intermediate_values={0: 0.0, 1: 0.0, 2: 0.0})
    )
    run_cli(
        "zoo-train",
        "-m",
        "hparams_search=optuna",
        *TINY,
        *SPACE[1:],
        "optimizer.lr=0.01",
        "trainer.max_epochs=3",
        "hydra.sweeper.pruner=median",
        "hydra.sweeper.startup_trials=1",
        "hydra.sweeper.n_trials=2",
        cwd=tmp_path,
    )
    trial = optuna.load_study(study_name="zoo", storage=storage).trials[1]
    record = read_metrics(folder / "1")
    assert trial.state.name == "PRUNED" and record["status"] == "pruned"
    value = record["metrics"]["val/loss"]
    assert record["pruned"] == {"epoch": 0, "metric": "val/loss", "value": value}
    assert trial.intermediate_values == {0: pytest.approx(value)}
    assert len(record["epoch_s"]) == 1 and "test/loss" not in record["metrics"]
    assert list((folder / "1" / "checkpoints").glob("best-epoch000.ckpt"))  # kept


def test_an_unknown_pruner_is_refused_in_one_sentence(tmp_path):
    proc = run_cli(
        "zoo-train",
        "-m",
        "hparams_search=optuna",
        *TINY,
        "hydra.sweeper.pruner=bogus",
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "error: hydra.sweeper.pruner=bogus is not a pruner zoo knows; give none, median, "
        "successive_halving or hyperband."
    )


def test_the_random_start_up_is_a_quarter_of_the_budget_and_each_phase_is_logged(tmp_path):
    proc = run_cli(
        "zoo-train",
        "-m",
        "hparams_search=optuna",
        *TINY,
        *SPACE[1:],
        "optimizer.lr=0.01",
        "hydra.sweeper.n_trials=4",
        cwd=tmp_path,
    )
    log = proc.stdout + proc.stderr
    assert "trial 0: random start-up (1 of 1)" in log  # 4 trials: 1 random, 3 TPE
    assert all(f"trial {n}: TPE" in log for n in (1, 2, 3))


def test_a_brute_force_search_ends_when_every_point_is_tried(tmp_path):
    """Optuna's grid and brute-force samplers call study.stop() once the space is exhausted,
    which ask-and-tell refuses: the sweep ends there, with every trial told. Each trial holds
    one intermediate value an epoch, none for the best checkpoint's validation after training
    (epoch 1's, as it is kept every second epoch)."""
    proc = run_cli(
        "zoo-train",
        "-m",
        "hparams_search=optuna",
        *TINY,
        *SPACE[1:],
        "optimizer.lr=0.01",
        "trainer.max_epochs=3",
        "+callbacks.model_checkpoint.every_n_epochs=2",
        "hydra.sweeper.sampler._target_=optuna.samplers.BruteForceSampler",
        "~hydra.sweeper.sampler.n_startup_trials",
        "hydra.sweeper.n_trials=4",
        cwd=tmp_path,
    )
    assert "BruteForceSampler has tried every point of the space" in proc.stdout + proc.stderr
    folder = tmp_path / "multirun" / "optuna" / "zoo"
    trials = optuna.load_study(study_name="zoo", storage=f"sqlite:///{folder / 'optuna.db'}").trials
    assert sorted(t.params["cell.hidden_size"] for t in trials) == [4, 8]  # 2 points, 2 trials
    assert all(t.state.name == "COMPLETE" for t in trials)
    assert all(sorted(t.intermediate_values) == [0, 1, 2] for t in trials)
    assert (folder / "optimization_results.yaml").is_file()


def test_two_objectives_make_a_pareto_front_of_the_records_values(tmp_path):
    run_cli(
        "zoo-train",
        "-m",
        "hparams_search=optuna",
        *TINY,
        *SPACE[1:],
        "optimizer.lr=0.01",
        "hydra.sweeper.metric=[val/loss,params]",
        "hydra.sweeper.direction=[min,min]",
        "hydra.sweeper.n_trials=3",
        cwd=tmp_path,
    )
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
        dominated = any(
            a <= loss and b <= params and (a, b) != (loss, params)
            for other, (a, b) in values.items()
            if other != number
        )
        assert (number in on_front) == (not dominated)
    pytest.importorskip("matplotlib")
    plot = run_cli("zoo-plot", str(folder), "-o", str(tmp_path / "front.png"), cwd=tmp_path)
    numbers = ", ".join(str(entry.trial) for entry in front)  # as the sweep chose them
    assert f"Pareto front (val/loss min, params min): trials {numbers}\n" in plot.stdout


def test_several_objectives_need_a_direction_each(tmp_path):
    proc = run_cli(
        "zoo-train",
        "-m",
        "hparams_search=optuna",
        *TINY,
        "hydra.sweeper.metric=[val/loss,params]",
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "needs one direction each: give hydra.sweeper.direction=[min,min]" in proc.stderr


def test_two_sweepers_of_one_study_make_exactly_n_trials_together(tmp_path):
    command = [
        cli("zoo-train"),
        "-m",
        "hparams_search=optuna",
        *TINY,
        *SPACE[1:],
        "optimizer.lr=0.01",
        "data.n_train=4000",
        "data.batch_size=8",
        "trainer.max_epochs=5",
        "hydra.sweeper.n_trials=8",
    ]  # about 4 s a trial
    first = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
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
    proc = run_cli(
        "zoo-train",
        "-m",
        "hparams_search=optuna",
        *TINY,
        "hydra.sweeper.metric=val/mse",
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "error: hydra.sweeper.metric=val/mse is not the run's optimized_metric (val/loss), "
        "which each trial returns; set optimized_metric=val/mse instead."
    )


def test_a_study_is_resumed_only_with_its_own_objectives(tmp_path):
    folder = tmp_path / "multirun" / "optuna" / "zoo"
    folder.mkdir(parents=True)
    optuna.create_study(
        study_name="zoo", storage=f"sqlite:///{folder / 'optuna.db'}", direction="maximize"
    )
    proc = run_cli("zoo-train", "-m", "hparams_search=optuna", *TINY, cwd=tmp_path, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert (
        "optimises val/loss (maximize); keep its hydra.sweeper.metric and direction" in proc.stderr
    )
    assert not (folder / "0").exists()


def new_study(folder, trials: list[dict]):
    """The study a sweep in `folder` will resume, with `trials` (params) queued first."""
    folder.mkdir(parents=True)
    study = optuna.create_study(
        study_name="zoo", storage=f"sqlite:///{folder / 'optuna.db'}", direction="minimize"
    )
    for params in trials:
        study.enqueue_trial(params)
    return study


# the batch contrast (what the async assertion would see without full slots) is slow
@pytest.mark.parametrize("slots", ["async", pytest.param("batch", marks=pytest.mark.slow)])
def test_a_free_slot_takes_the_next_trial_before_the_slowest_ends(tmp_path, slots):
    """Two slots, a slow trial and three quick ones: kept full (async), the quick ones run one
    after another beside the slow one; in batches, the third trial waits for the slow one."""
    pytest.importorskip("hydra_plugins.hydra_joblib_launcher")
    folder = tmp_path / "multirun" / "optuna" / "zoo"
    slow, quick = (
        {"trainer.max_epochs": 20, "data.n_train": 2000},
        {"trainer.max_epochs": 1, "data.n_train": 64},
    )
    new_study(folder, [slow, quick, quick, quick])
    run_cli(
        "zoo-train",
        "-m",
        "hparams_search=optuna",
        *TINY,
        *SPACE[1:],
        "optimizer.lr=0.01",
        "data.batch_size=8",
        "trainer.max_epochs=choice(1,20)",
        "data.n_train=choice(64,2000)",
        "hydra/launcher=joblib",
        "hydra.launcher.n_jobs=2",
        "hydra.sweeper.n_jobs=2",
        f"hydra.sweeper.slots={slots}",
        "hydra.sweeper.n_trials=4",
        cwd=tmp_path,
    )
    trials = optuna.load_study(study_name="zoo", storage=f"sqlite:///{folder / 'optuna.db'}").trials
    assert [t.state.name for t in trials] == ["COMPLETE"] * 4
    assert [t.params["trainer.max_epochs"] for t in trials] == [20, 1, 1, 1]
    slow_ends = trials[0].datetime_complete
    if slots == "async":
        assert trials[2].datetime_start < slow_ends and trials[3].datetime_start < slow_ends
    else:
        assert trials[2].datetime_start >= slow_ends


def test_each_trial_runs_each_seed_and_its_objective_is_their_mean(tmp_path, capsys):
    folder = tmp_path / "multirun" / "optuna" / "zoo"
    new_study(folder, [{"cell.hidden_size": 4}, {"cell.hidden_size": 8}])
    command = ["-m", "hparams_search=optuna", *TINY, *SPACE[1:], "optimizer.lr=0.01", "seed=3"]
    run_cli("zoo-train", *command, "hydra.sweeper.seeds=2", "hydra.sweeper.n_trials=2",
            cwd=tmp_path)  # fmt: skip
    first = (folder / "0_seed3" / "metrics.json").stat().st_mtime_ns
    # resumed: one more trial in new folders, the first ones left as they are
    run_cli("zoo-train", *command, "hydra.sweeper.seeds=2", "hydra.sweeper.n_trials=3",
            cwd=tmp_path)  # fmt: skip
    assert (folder / "0_seed3" / "metrics.json").stat().st_mtime_ns == first
    study = optuna.load_study(study_name="zoo", storage=f"sqlite:///{folder / 'optuna.db'}")
    assert [t.number for t in study.trials] == [0, 1, 2]
    for trial in study.trials:
        records = {seed: read_metrics(folder / f"{trial.number}_seed{seed}") for seed in (3, 4)}
        values = {seed: r["metrics"]["val/loss"] for seed, r in records.items()}
        assert {r["seed"] for r in records.values()} == {3, 4}
        assert trial.user_attrs["seed_values"] == {
            str(s): pytest.approx(v) for s, v in values.items()
        }
        assert trial.value == pytest.approx((values[3] + values[4]) / 2)
    code, out, _ = table(capsys, folder, "--metric", "val/loss", "--format", "csv")
    rows = read_csv(out)  # one row per configuration: trial 2 drew 4 or 8 again
    assert code == 0 and sorted(r["cell.hidden_size"] for r in rows) == ["4", "8"]
    assert sorted(int(r["n"]) for r in rows) == [2, 4]


def test_a_seed_told_to_stop_prunes_its_trial_and_its_other_seeds_do_not_run(tmp_path):
    folder = tmp_path / "multirun" / "optuna" / "zoo"
    study = new_study(folder, [])
    study.add_trial(optuna.trial.create_trial(value=0.0, intermediate_values={0: 0.0, 1: 0.0}))
    run_cli(
        "zoo-train",
        "-m",
        "hparams_search=optuna",
        *TINY,
        *SPACE[1:],
        "optimizer.lr=0.01",
        "trainer.max_epochs=2",
        "hydra.sweeper.pruner=median",
        "hydra.sweeper.seeds=2",
        "hydra.sweeper.startup_trials=1",
        "hydra.sweeper.n_trials=2",
        cwd=tmp_path,
    )
    trial = optuna.load_study(study_name="zoo", storage=f"sqlite:///{folder / 'optuna.db'}").trials[
        1
    ]
    record = read_metrics(folder / "1_seed0")
    assert trial.state.name == "PRUNED" and record["status"] == "pruned"
    assert trial.intermediate_values == {0: pytest.approx(record["metrics"]["val/loss"])}
    assert trial.user_attrs["pruned"] == {"seed": 0, "epoch": 0}
    assert not (folder / "1_seed1").exists()


def test_a_seeds_report_is_the_mean_of_its_trials_seeds_so_far(tmp_path, monkeypatch):
    from zoo.run.callbacks import study_report

    storage = f"sqlite:///{tmp_path / 'optuna.db'}"
    study = optuna.create_study(study_name="zoo", storage=storage)
    trial = study.ask()
    monkeypatch.setenv(study_report.STORAGE, storage)
    monkeypatch.setenv(study_report.STUDY, "zoo")
    monkeypatch.setenv(study_report.TRIAL, str(trial._trial_id))
    report = study_report.StudyReport("val/loss")
    report._study, report._storage, report._trial_id = study_report._study()
    for seed, epoch, value, mean in [(0, 0, 1.0, 1.0), (0, 1, 0.5, 0.5), (1, 0, 3.0, 2.0)]:
        monkeypatch.setenv(study_report.SEED, str(seed))
        assert report._report(epoch, value) is False  # NopPruner
        assert study.trials[0].intermediate_values[epoch] == pytest.approx(mean)
    trial.set_user_attr("pruned", {"seed": 1, "epoch": 1})
    assert report._report(2, 0.1) is True  # a sibling seed was told to stop


@pytest.mark.slow
def test_a_killed_sweeper_with_full_slots_resumes_with_new_trial_numbers(tmp_path):
    """A sweeper killed while its two slots run: run again, it fails the trials it left
    running, retries them as new trials (new numbers, new folders) and stops at n_trials."""
    pytest.importorskip("hydra_plugins.hydra_joblib_launcher")
    command = [
        cli("zoo-train"),
        "-m",
        "hparams_search=optuna",
        *TINY,
        *SPACE[1:],
        "optimizer.lr=0.01",
        "data.n_train=4000",
        "data.batch_size=8",
        "trainer.max_epochs=5",
        "hydra/launcher=joblib",
        "hydra.launcher.n_jobs=2",
        "hydra.sweeper.n_jobs=2",
        "hydra.sweeper.n_trials=3",
    ]
    first = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    folder = tmp_path / "multirun" / "optuna" / "zoo"
    deadline = time.monotonic() + 120
    while not (folder / "1" / ".hydra").is_dir():  # both slots run
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)  # the sweeper and its worker processes
    first.wait()
    run_cli("zoo-train", *command[1:], cwd=tmp_path)
    study = optuna.load_study(study_name="zoo", storage=f"sqlite:///{folder / 'optuna.db'}")
    states = {t.number: t.state.name for t in study.trials}
    failed = [n for n, s in states.items() if s == "FAIL"]  # running when killed
    complete = [n for n, s in states.items() if s == "COMPLETE"]
    assert failed and set(failed) <= {0, 1}
    kept = sorted({0, 1} - set(failed))  # ended before the kill
    assert complete == kept + list(range(2, 5 - len(kept)))  # 3 in all, none renumbered
    assert all(read_metrics(folder / str(n))["status"] == "ok" for n in complete)


def test_seeds_side_by_side_stop_together_when_their_trial_is_pruned(tmp_path):
    """Two seeds of a hopeless trial run in two slots: whichever is told to stop first, its
    sibling stops too, at its own next validation, and both records say pruned."""
    pytest.importorskip("hydra_plugins.hydra_joblib_launcher")
    folder = tmp_path / "multirun" / "optuna" / "zoo"
    study = new_study(folder, [])
    study.add_trial(optuna.trial.create_trial(value=0.0, intermediate_values={0: 0.0, 1: 0.0}))
    run_cli(
        "zoo-train", "-m", "hparams_search=optuna", *TINY, *SPACE[1:], "optimizer.lr=0.01",
        "trainer.max_epochs=3", "hydra.sweeper.pruner=median", "hydra.sweeper.seeds=2",
        "hydra.sweeper.startup_trials=1", "hydra.sweeper.n_trials=2", "hydra/launcher=joblib",
        "hydra.launcher.n_jobs=2", "hydra.sweeper.n_jobs=2", cwd=tmp_path,
    )  # fmt: skip
    study = optuna.load_study(study_name="zoo", storage=f"sqlite:///{folder / 'optuna.db'}")
    trial = study.trials[1]
    records = [read_metrics(folder / f"1_seed{seed}") for seed in (0, 1)]
    assert trial.state.name == "PRUNED" and trial.user_attrs["pruned"]["epoch"] == 0
    assert [r["status"] for r in records] == ["pruned", "pruned"]
    assert all(r["pruned"]["epoch"] <= 1 and len(r["epoch_s"]) <= 2 for r in records)
