"""Every value is checked before training (issue 19, section 3), and a search never maximises
a loss (section 6): each row is a command's arguments and the one sentence they give."""

from __future__ import annotations

import pytest
from conftest import QUICK, cell_sweep, compose_train, config_dir
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra

from hydra_plugins.zoo_optuna_sweeper.sweeper import study_direction
from zoo.cli.plugins import check_launcher
from zoo.errors import ZooError
from zoo.run.validate import validate

from .conftest import says

# zoo-train overrides -> the sentence validate refuses them with, before any data
# loads (the same check zoo-train runs first)
TRAIN_VALUES = [
    (["optimizer.lr=nan"], r"^optimizer\.lr=nan must be positive and finite"),
    (["optimizer.lr=inf"], r"^optimizer\.lr=inf must be positive and finite"),
    (["optimizer.lr=0"], r"^optimizer\.lr=0(\.0)? must be positive"),
    (["seed=-1"], r"^seed=-1 is out of range; give a number >= 0 and <= 4294967295\.$"),
    (["seed=4294967296"], r"^seed=4294967296 is out of range"),
    # torch's own range, from building the optimizer on a dummy parameter
    (
        ["optimizer=sgd", "optimizer.momentum=-0.1"],
        r"^optimizer\.momentum=-0\.1 is refused by torch\.optim\.SGD \(Invalid momentum value",
    ),
    (
        ["optimizer.weight_decay=-1"],
        r"^optimizer\.weight_decay=-1(\.0)? is refused by torch\.optim\.Adam",
    ),
    (["optimizer=rmsprop", "optimizer.momentum=-1"], r"^optimizer\.momentum=-1(\.0)? is refused"),
    (["optimizer.betas=[1.5,0.9]"], r"^optimizer\.betas=\[1\.5, 0\.9\] is refused .*beta"),
    (
        ["trainer.gradient_clip_val=-1"],
        r"^trainer\.gradient_clip_val=-1(\.0)? is out of range; give a number >= 0\.$",
    ),
    (["trainer.gradient_clip_val=nan"], r"^trainer\.gradient_clip_val=nan is out of range"),
    (["trainer.limit_train_batches=0"], r"^trainer\.limit_train_batches=0 trains nothing"),
    (["trainer.limit_train_batches=0.0"], r"^trainer\.limit_train_batches=0\.0 trains nothing"),
    # Lightning's own rule for a batch limit
    (
        ["trainer.limit_train_batches=1.5"],
        r"^trainer\.limit_train_batches=1\.5 is refused by Lightning \(.*\[0\.0, 1\.0\] or an int",
    ),
    (["trainer.limit_val_batches=-2"], r"^trainer\.limit_val_batches=-2 is refused by Lightning"),
    (
        ["trainer.check_val_every_n_epoch=0"],
        r"^trainer\.check_val_every_n_epoch=0 is out of range; give a positive number \(>= 1\)",
    ),
    (
        ["scheduler=step", "scheduler.fn.step_size=0"],
        r"^scheduler\.fn\.step_size=0 is out of range; give a positive number",
    ),
    (["scheduler=cosine", "scheduler.fn.T_max=0"], r"^scheduler\.fn\.T_max=0 is out of range"),
    (["scheduler=cosine", "scheduler.fn.T_max=-3"], r"^scheduler\.fn\.T_max=-3 is out of range"),
    (
        ["scheduler=cosine", "trainer.max_epochs=-1", "trainer.max_steps=50"],
        r"^scheduler\.fn\.T_max=-1 \(from \$\{trainer\.max_epochs\}\) is out of range",
    ),
    (
        ["scheduler=plateau", "scheduler.fn.factor=2"],
        r"^scheduler\.fn\.factor=2 is refused by torch\.optim\.lr_scheduler\.ReduceLROnPlateau",
    ),
    (
        ["callbacks=early_stopping", "callbacks.early_stopping.patience=-1"],
        r"^callbacks\.early_stopping\.patience=-1 is out of range; give a number >= 0\.$",
    ),
    (
        ["optimized_metric=val/loss", "optimized_mode=max"],
        r"^optimized_mode=max contradicts optimized_metric=val/loss, for which lower is better; "
        r"set optimized_mode=min or optimized_mode=auto\.$",
    ),
    (
        ["optimized_metric=val/acc", "optimized_mode=min"],
        r"^optimized_mode=min contradicts optimized_metric=val/acc, for which higher is better",
    ),
]


@pytest.mark.parametrize("overrides, sentence", TRAIN_VALUES)
def test_train_values_are_refused_before_data_loads(tmp_path, overrides, sentence):
    cfg = compose_train(overrides, tmp_path)
    with pytest.raises(ZooError) as error:
        validate(cfg)
    says(str(error.value), sentence)
    assert "\n" not in str(error.value)
    assert not (tmp_path / "data_cache").exists()


@pytest.mark.parametrize(
    "overrides",
    [
        ["optimizer=sgd", "optimizer.momentum=0.9", "optimizer.weight_decay=1e-4"],
        ["scheduler=plateau"],  # its mode follows optimized_mode=auto, resolved later
        ["scheduler=step"],
        ["scheduler=cosine"],
        ["trainer.limit_train_batches=0.1", "trainer.limit_val_batches=0"],
        ["train=false", "trainer.limit_train_batches=0"],  # evaluation only
        ["seed=4294967295", "trainer.gradient_clip_val=0"],
        ["optimized_metric=val/loss", "optimized_mode=min"],
    ],
)
def test_values_in_range_pass(tmp_path, overrides):
    validate(compose_train(overrides, tmp_path))


# the same through the real zoo-train (run folder in tmp_path): one sentence, exit 2
CLI_VALUES = [
    (["optimizer.lr=nan"], r"^optimizer\.lr=nan must be positive and finite"),
    (["optimizer=sgd", "optimizer.momentum=-0.5"], r"^optimizer\.momentum=-0\.5 is refused"),
    (["trainer.check_val_every_n_epoch=0"], r"^trainer\.check_val_every_n_epoch=0 is out"),
    (["optimized_metric=val/loss", "optimized_mode=max"], r"^optimized_mode=max contradicts"),
    # known once the data says what the run logs (as for optimized_metric), before training
    (
        ["callbacks=early_stopping", "callbacks.early_stopping.monitor=val/nothing"],
        r"^callbacks\.early_stopping\.monitor=val/nothing is not logged by this run; choose one "
        r"of val/loss, .*val/mse, .*train/loss",
    ),
    (
        ["scheduler=plateau", "scheduler.monitor=val/acc"],
        r"^scheduler\.monitor=val/acc is not logged by this run",
    ),
]


@pytest.mark.parametrize("overrides, sentence", CLI_VALUES)
def test_zoo_train_refuses_in_one_sentence(refusal, tmp_path, overrides, sentence):
    run_dir = tmp_path / "run"
    said = refusal(
        "zoo-train",
        *QUICK,
        "data.n_train=64",
        "data.n_val=32",
        "data.n_test=32",
        "trainer.max_epochs=1",
        *overrides,
        f"hydra.run.dir={run_dir}",
    )
    says(said, sentence)
    assert not list(run_dir.glob("checkpoints/*.ckpt"))  # nothing trained


# multirun sizes: refused before any job starts or any sweep folder is made
SWEEP_VALUES = [
    (
        ["hparams_search=optuna", "hydra.sweeper.n_trials=0"],
        r"^hydra\.sweeper\.n_trials=0 cannot run a study; give hydra\.sweeper\.n_trials=1 or more",
    ),
    (["hparams_search=optuna", "hydra.sweeper.n_jobs=0"], r"^hydra\.sweeper\.n_jobs=0 cannot"),
    (
        ["hparams_search=optuna", "hydra.sweeper.seeds=0"],
        r"^hydra\.sweeper\.seeds=0 cannot run a study; give hydra\.sweeper\.seeds=1 or more",
    ),
    (
        ["hparams_search=optuna", "hydra.sweeper.seeds=2", "seed=choice(0,1)"],
        r"^hydra\.sweeper\.seeds=2 runs each trial with seeds 0 to 1; drop the search over seed",
    ),
    (
        ["hparams_search=optuna", "hydra.sweeper.slots=eager"],
        r"^hydra\.sweeper\.slots=eager is not a way zoo fills its slots; give async \(the next "
        r"trial as soon as one ends\) or batch\.$",
    ),
    (
        ["hparams_search=optuna",
         "hydra.launcher._target_=hydra._internal.core_plugins.basic_launcher.BasicLauncher"],
        r"^hparams_search=optuna runs its trials through zoo's launchers, not BasicLauncher; "
        r"choose hydra/launcher=basic, joblib, submitit_local or submitit_slurm\.$",
    ),
    (
        ["hydra/launcher=joblib", "hydra.launcher.n_jobs=0", "seed=0,1"],
        r"^hydra\.launcher\.n_jobs=0 is refused by joblib \(n_jobs == 0 .*\); give a count",
    ),
    (
        ["hydra/launcher=submitit_local", "hydra.launcher.cpus_per_task=0", "seed=0,1"],
        r"^hydra\.launcher\.cpus_per_task=0 is out of range; give a positive number \(>= 1\)",
    ),
    (
        ["hydra/launcher=submitit_local", "hydra.launcher.timeout_min=0", "seed=0,1"],
        r"^hydra\.launcher\.timeout_min=0 is out of range",
    ),
    (
        ["hydra/launcher=submitit_slurm", "hydra.launcher.timeout_min=0", "seed=0,1"],
        r"^hydra\.launcher\.timeout_min=0 is out of range",
    ),
    (
        ["hparams_search=optuna", "optimized_metric=val/loss", "optimized_mode=max"],
        r"^optimized_mode=max contradicts optimized_metric=val/loss",
    ),
]


@pytest.mark.parametrize("overrides, sentence", SWEEP_VALUES)
def test_sweep_sizes_are_refused_before_any_job(refusal, tmp_path, overrides, sentence):
    pytest.importorskip("optuna")
    pytest.importorskip("hydra_plugins.hydra_joblib_launcher")
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    sweep = tmp_path / "sweep"
    said = refusal("zoo-train", "-m", *QUICK, *overrides, f"hydra.sweep.dir={sweep}")
    says(said, sentence)
    assert not sweep.exists()


def _search(*overrides: str):
    """The composed search config, with Hydra's own node (the sweeper's settings)."""
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=config_dir(), version_base="1.3"):
        return compose(
            config_name="train",
            overrides=["hparams_search=optuna", *overrides],
            return_hydra_config=True,
        )


@pytest.mark.parametrize(
    "overrides, metric, way",
    [
        # tagger_bilstm says optimized_mode: max, for its val/acc: the search's val/loss is
        # minimised all the same (it maximised it before: every trial kept its worst epoch)
        (["experiment=tagger_bilstm"], "val/loss", "minimize"),
        (["experiment=keras_imdb_bilstm"], "val/loss", "minimize"),
        (["experiment=airline_gru"], "val/loss", "minimize"),
        (["experiment=tagger_bilstm", "optimized_metric=val/acc"], "val/acc", "maximize"),
    ],
)
def test_a_search_over_a_preset_optimises_its_own_metric_the_right_way(overrides, metric, way):
    cfg = _search(*overrides)
    sweeper = cfg.hydra.sweeper
    assert (sweeper.metric, study_direction(sweeper.direction, sweeper.metric)) == (metric, way)
    assert (cfg.optimized_metric, cfg.optimized_mode) == (metric, "auto")


def test_a_study_that_maximises_a_loss_is_refused():
    with pytest.raises(ZooError, match="optimized_mode=max contradicts optimized_metric=val/loss"):
        study_direction("maximize", "val/loss")


# the other commands' options: refused before the run is read (no checkpoint needed)
OPTION_VALUES = [
    (
        "zoo-predict",
        ["input=Ivanov", "top=0"],
        r"^top=0 is out of range; give a positive number \(>= 1\)\.$",
    ),
    ("zoo-predict", ["input=Ivanov", "top=-1"], r"^top=-1 is out of range"),
    ("zoo-predict", ["input=Ivanov", "top=abc"], r"^top='abc' is not a whole number; give a "),
    ("zoo-predict", ["input=Ivanov", "top=2.5"], r"^top=2\.5 is not a whole number"),
    ("zoo-sample", ["temperature=-1"], r"^temperature=-1 is out of range; give a number >= 0\.$"),
    ("zoo-sample", ["temperature=nan"], r"^temperature=nan is not a finite number"),
    ("zoo-sample", ["temperature=hot"], r"^temperature='hot' is not a finite number"),
    ("zoo-sample", ["n=0"], r"^n=0 is out of range; give a positive number \(>= 1\)\.$"),
    ("zoo-sample", ["n=1.5"], r"^n=1\.5 is not a whole number"),
    ("zoo-sample", ["n=abc"], r"^n='abc' is not a whole number"),
    ("zoo-sample", ["top_k=0"], r"^top_k=0 is out of range; give a positive number \(>= 1\)"),
    ("zoo-sample", ["top_k=-5"], r"^top_k=-5 is out of range"),
    ("zoo-sample", ["top_k=many"], r"^top_k='many' is not a whole number; .*, or null\.$"),
    ("zoo-sample", ["beam=0"], r"^beam=0 is out of range"),
    ("zoo-sample", ["max_len=0"], r"^max_len=0 is out of range"),
    ("zoo-sample", ["seed=-1"], r"^seed=-1 is out of range; give a number >= 0"),
]


@pytest.mark.parametrize("command, args, sentence", OPTION_VALUES)
def test_inference_options_are_one_sentence(refusal, tmp_path, command, args, sentence):
    says(refusal(command, f"ckpt_path={tmp_path / 'no_run'}", *args), sentence)


@pytest.fixture
def sweep(tmp_path):
    return cell_sweep(tmp_path / "sweep")


TABLE_VALUES = [
    (["--digits", "0"], r"^argument --digits: '0' is not a whole number from 1 to 17"),
    (["--digits", "-2"], r"^argument --digits: '-2' is not a whole number from 1 to 17"),
    (["--digits", "40"], r"^argument --digits: '40' is not a whole number from 1 to 17"),
    (["--digits", "abc"], r"^argument --digits: 'abc' is not .*; see zoo-table --help\.$"),
    (
        ["--maximize", "test/nothing"],
        r"^--maximize test/nothing names no metric of the table; name one of test/acc, test/loss",
    ),
    (["--minimize", "bleu"], r"^--minimize bleu names no metric of the table"),
    (
        ["--maximize", "test/acc", "--minimize", "test/acc"],
        r"^test/acc is given to both --maximize and --minimize",
    ),
    (["--format", "html"], r"^argument --format: invalid choice: 'html'"),
]


@pytest.mark.parametrize("args, sentence", TABLE_VALUES)
def test_zoo_table_options_are_one_sentence(refusal, sweep, args, sentence):
    says(refusal("zoo-table", str(sweep), *args), sentence)


def test_zoo_table_marks_a_metric_named_by_maximize(sweep, capsys):
    from zoo.cli.table import main

    assert main([str(sweep), "--maximize", "test/acc", "--format", "csv", "--digits", "2"]) == 0
    assert "test/acc_best" in capsys.readouterr().out


@pytest.fixture
def plot_sweep(sweep):
    pytest.importorskip("matplotlib")
    return sweep


def test_zoo_plot_to_a_folder_is_one_sentence(refusal, plot_sweep, tmp_path):
    folder = tmp_path / "figures.png"
    folder.mkdir()
    said = refusal("zoo-plot", str(plot_sweep), "--metric", "test/acc", "-o", str(folder))
    says(said, rf"^-o {folder} is a folder; name the figure's file, e\.g\. -o {folder}/zoo-plot")
    assert not list(folder.iterdir())


@pytest.mark.parametrize("where", ["under_a_file", "proc"])
def test_zoo_plot_to_an_unwritable_path_is_one_sentence(refusal, plot_sweep, tmp_path, where):
    (tmp_path / "a_file").write_text("not a folder")
    out = tmp_path / "a_file" / "fig.png" if where == "under_a_file" else "/proc/zoo-fig.png"
    said = refusal("zoo-plot", str(plot_sweep), "--metric", "test/acc", "-o", str(out))
    says(
        said,
        rf"^-o {out}: the figure cannot be written there \(.+\); name a file in a "
        "folder you may write to\\.$",
    )
    assert (tmp_path / "a_file").read_text() == "not a folder"


def test_zoo_plot_wrong_type_is_one_sentence(refusal, plot_sweep):
    says(
        refusal("zoo-plot", str(plot_sweep), "--step", "last"),
        r"^argument --step: invalid int value: 'last'; see zoo-plot --help\.$",
    )


@pytest.mark.parametrize(
    "args",
    [
        ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
        ["hydra/launcher=joblib"],  # n_jobs=-1: one per core
        ["hydra/launcher=submitit_local"],  # cpus_per_task=null: all cores
        ["hydra/launcher=submitit_slurm", "hydra.launcher.timeout_min=5"],
    ],
)
def test_launcher_sizes_that_can_run_pass(args):
    pytest.importorskip("hydra_plugins.hydra_joblib_launcher")
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    check_launcher(args)
