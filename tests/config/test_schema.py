"""The config schema: a misspelt key or a wrong-typed value in any group option, preset, a
user's own YAML or the command line fails before training, naming the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf

from zoo.cli.user_errors import explain
from zoo.config.check import check_config
from zoo.config.conf_dir import config_dir

CONF = Path(config_dir())
GROUPS = ("data", "cell", "direction", "topology", "optimizer", "scheduler", "trainer",
          "logger", "callbacks")
# none/many hold no object of their own; tensorboard and wandb pass any other keyword on to
# SummaryWriter / wandb.init, whose keywords zoo cannot know
UNCHECKED_LOGGERS = ("none", "many", "tensorboard", "wandb")
OPTIONS = [(g, p.stem) for g in GROUPS for p in sorted((CONF / g).glob("*.yaml"))
           if not (g == "logger" and p.stem in UNCHECKED_LOGGERS)]
PRESETS = sorted(p.stem for p in (CONF / "experiment").glob("*.yaml"))
# a typed key of each group that a wrong type must trip (logger/callbacks: their targets')
TYPED = {"data": "batch_size", "cell": "hidden_size", "direction": "bidirectional",
         "topology": "embedding_dim", "optimizer": "lr", "trainer": "max_epochs"}


def compose_error(conf_dir: Path, overrides: list[str]) -> str:
    """The one sentence zoo prints for this composition, or '' if it composes and checks."""
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(conf_dir), version_base="1.3"):
            cfg = compose(config_name="train", overrides=overrides)
        OmegaConf.update(cfg, "paths.output_dir", "/tmp", force_add=True)
        check_config(cfg)
    except Exception as exc:
        message = explain(exc)
        assert message is not None, f"not a one-sentence error: {exc!r}"
        return message
    return ""


@pytest.fixture
def conf_copy(tmp_path):
    copy = tmp_path / "conf"
    shutil.copytree(CONF, copy)
    return copy


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + "\n" + text + "\n")


def set_key(path: Path, key: str, value) -> None:
    """Set `key` (dotted) in a YAML file, keeping its `# @package` line."""
    package = [line for line in path.read_text().splitlines() if line.startswith("# @package")]
    node = OmegaConf.load(path)
    OmegaConf.update(node, key, value, force_add=True)
    path.write_text("".join(f"{line}\n" for line in package) + OmegaConf.to_yaml(node))


def selecting(group: str, option: str) -> list[str]:
    extra = {"logger": ["logger=" + option], "callbacks": ["callbacks=" + option]}
    return extra.get(group, [f"{group}={option}"])


def test_the_real_config_composes_and_checks():
    assert compose_error(CONF, []) == ""


@pytest.mark.parametrize(("group", "option"), OPTIONS)
def test_a_misspelt_key_in_any_group_option_is_named(conf_copy, group, option):
    yaml = conf_copy / group / f"{option}.yaml"
    if group in ("logger", "callbacks"):  # a key inside its first object
        entry = next(k for k, v in OmegaConf.load(yaml).items() if k != "defaults" and v)
        set_key(yaml, f"{entry}.misspelt_knob", 3)
    else:
        append(yaml, "misspelt_knob: 3")
    message = compose_error(conf_copy, selecting(group, option))
    assert "misspelt_knob" in message


@pytest.mark.parametrize(("group", "option"), [o for o in OPTIONS if o[0] in TYPED])
def test_a_wrong_typed_value_in_any_group_option_is_named(conf_copy, group, option):
    set_key(conf_copy / group / f"{option}.yaml", TYPED[group], "big")
    message = compose_error(conf_copy, selecting(group, option))
    assert f"{group}.{TYPED[group]}" in message


@pytest.mark.parametrize("preset", PRESETS)
def test_a_misspelt_key_in_any_preset_is_named(conf_copy, preset):
    set_key(conf_copy / "experiment" / f"{preset}.yaml", "cell.hiden_size", 128)
    message = compose_error(conf_copy, [f"experiment={preset}"])
    assert "cell.hiden_size" in message and "did you mean hidden_size" in message


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_composes_and_checks(preset):
    assert compose_error(CONF, [f"experiment={preset}"]) == ""


@pytest.mark.parametrize(("override", "named"), [
    ("cell.hiden_size=128", "did you mean hidden_size"),
    ("+cell.hiden_size=128", "did you mean hidden_size"),
    ("data.n_trian=5", "did you mean n_train"),
    ("optimizer.lrr=0.1", "did you mean lr"),
    ("trainer.max_epoch=3", "did you mean max_epochs"),
    ("+callbacks.model_checkpoint.save_topk=2", "did you mean save_top_k"),
    ("seeed=1", "seeed"),
    ("cell.hidden_size=big", "cell.hidden_size"),
    ("seed=abc", "seed"),
    ("trainer.max_epochs=abc", "trainer.max_epochs"),
    ("cell.num_layers=1.5", "cell.num_layers"),
    ("cell.dropout=1.5", "cell.dropout=1.5 is out of range"),
    ("cell.kind=lstmm", "cell.kind='lstmm' is not known; choose one of rnn"),
    ("data.T=1", "data.T=1 is out of range; give a number >= 2"),
    ("topology.attention=luong", "topology.attention"),
])
def test_command_line_mistakes_are_one_sentence_naming_the_key(override, named):
    assert named in compose_error(CONF, [override])


def test_a_users_own_yaml_is_checked_too(tmp_path):
    """--config-dir YAML: typed by the group (cell) or by its _target_ (data)."""
    (tmp_path / "cell").mkdir()
    (tmp_path / "cell" / "mine.yaml").write_text("kind: gru\nhiden_size: 3\n")
    proc = run_cli("zoo-train", "--config-dir", str(tmp_path), "cell=mine", cwd=tmp_path,
                   check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("error: cell.hiden_size")


def test_an_untyped_data_yaml_is_checked_against_its_targets_schema(conf_copy):
    (conf_copy / "data" / "plain.yaml").write_text(
        "_target_: zoo.data.synthetic.adding.Adding\nname: plain\nT: 10\nn_train: 8\nn_val: 8\n"
        "n_test: 8\nbatch_size: 4\nseed: 0\nn_trian: 3\n")
    assert "data.n_trian" in compose_error(conf_copy, ["data=plain"])
    set_key(conf_copy / "data" / "plain.yaml", "T", "ten")
    set_key(conf_copy / "data" / "plain.yaml", "n_trian", None)
    assert "data.n_trian" in compose_error(conf_copy, ["data=plain"])  # still misspelt
    node = OmegaConf.load(conf_copy / "data" / "plain.yaml")
    del node["n_trian"]
    OmegaConf.save(node, conf_copy / "data" / "plain.yaml")
    assert "data.T" in compose_error(conf_copy, ["data=plain"])


def test_every_knob_that_changes_results_is_in_the_composed_config():
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose(config_name="train", overrides=["experiment=keras_imdb_bilstm"])
    for key in ("data.bucket", "data.eval_batch_size", "data.num_workers", "cell.init",
                "direction.merge", "topology.summary", "optimizer.betas", "trainer.precision"):
        assert OmegaConf.select(cfg, key, default="absent") != "absent", key


def test_a_key_of_one_data_option_is_no_key_of_another():
    assert compose_error(CONF, ["data=addition", "data.reverse=false"]) == ""
    assert "is not a key of data (ParallelTextData)" in compose_error(
        CONF, ["data=parallel_text", "data.reverse=true"])
    assert "did you mean scale?" in compose_error(CONF, ["data=csv", "data.scaling=minmax"])


HELD_OUT = ("names", "shakespeare", "eng_fra", "airline", "csv", "text_classification",
            "tagging", "parallel_text", "text_lm")  # the options that cut val and test parts


@pytest.mark.parametrize("size", ["data.val_size=200", "data.test_size=200"])
def test_a_split_size_is_a_count_or_a_fraction_for_every_held_out_option(size):
    for option in HELD_OUT:
        assert compose_error(CONF, [f"data={option}", size]) == "", option
    assert "data.val_size=-1 is out of range" in compose_error(CONF, ["data=names",
                                                                      "data.val_size=-1"])
