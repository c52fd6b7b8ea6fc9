"""A checkpoint or a run folder from someone else never runs code (zoo.config.trust).

Each gadget is made only of dicts and strings, so it passes torch's weights-only loading;
before the fix zoo handed it to Hydra's `instantiate`, which called what it names. Every
command and the API must refuse it in one sentence naming the key and the `_target_`, before
any call: the file the gadget would create never appears."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
import torch
import yaml
from omegaconf import OmegaConf

import zoo
from zoo.errors import ZooError
from zoo.run.checkpoints import CONFIG_KEY

from .conftest import says

TINY = ["data.T=8", "data.n_train=64", "data.n_val=32", "data.n_test=32",
        "cell.hidden_size=8", "trainer.max_epochs=1", "logger=none",
        "trainer.enable_progress_bar=false", "~callbacks.progress_bar",
        "~callbacks.model_summary"]


class OpenOnLoad:
    """A pickle that creates a file when it is loaded (what an attacker's code would do)."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """A real zoo run folder (.hydra/, checkpoints/, metrics.json)."""
    return zoo.train(zoo.compose(*TINY), output_dir=tmp_path_factory.mktemp("run") / "run").folder


def _best(run: Path) -> Path:
    return next(p for p in (run / "checkpoints").glob("best-*.ckpt"))


def _copy(trained: Path, tmp_path: Path) -> Path:
    run = tmp_path / "shared_run"
    shutil.copytree(trained, run)
    return run


def _print_to(victim: Path) -> dict:
    return {"_target_": "builtins.print", "_partial_": True,
            "file": {"_target_": "builtins.open", "file": str(victim), "mode": "w"}}


def _load_pickle(victim: Path, tmp_path: Path) -> dict:
    payload = tmp_path / "payload.pkl"
    payload.write_bytes(pickle.dumps(OpenOnLoad(victim)))
    return {"_target_": "torch.load", "f": str(payload), "weights_only": False}


def _tamper(ckpt: Path, where: str, gadget: dict) -> None:
    checkpoint = torch.load(ckpt, weights_only=True)
    node = checkpoint
    *parents, last = where.split(".")
    for key in parents:
        node = node[key]
    node[last] = gadget
    torch.save(checkpoint, ckpt)


def _commands(target: Path) -> list[tuple[str, ...]]:
    return [("zoo-eval", f"ckpt_path={target}"),
            ("zoo-predict", f"ckpt_path={target}", "input=0.5,1,0.2,0"),
            ("zoo-sample", f"ckpt_path={target}")]


@pytest.mark.parametrize("gadget", ["print_open", "torch_load_pickle"])
@pytest.mark.parametrize("inside_run_folder", [True, False], ids=["run_folder", "ckpt_file"])
def test_a_model_config_that_names_foreign_code_is_refused_everywhere(
        trained, tmp_path, refusal, gadget, inside_run_folder):
    run = _copy(trained, tmp_path)
    ckpt = _best(run)
    if not inside_run_folder:
        ckpt = Path(shutil.copy(ckpt, tmp_path / "model.ckpt"))
    victim = tmp_path / "PWNED"
    made = _print_to(victim) if gadget == "print_open" else _load_pickle(victim, tmp_path)
    _tamper(ckpt, "hyper_parameters.topology", made)
    target = run if inside_run_folder else ckpt
    expected = "builtins.print" if gadget == "print_open" else "torch.load"
    for command in _commands(target):
        sentence = refusal(*command)
        says(sentence, rf"'{expected}' \(topology._target_\)", "not one of zoo's own",
             "trust_run=true")
        assert not victim.exists(), command
    with pytest.raises(ZooError, match="trust_run=true"):
        zoo.load(target)
    assert not victim.exists()


def test_a_data_target_in_a_checkpoints_config_is_refused(trained, tmp_path, refusal):
    ckpt = Path(shutil.copy(_best(trained), tmp_path / "model.ckpt"))  # outside a run folder
    victim = tmp_path / "PWNED"
    _tamper(ckpt, f"{CONFIG_KEY}.data",
            {"_target_": "builtins.open", "file": str(victim), "mode": "w"})
    sentence = refusal("zoo-eval", f"ckpt_path={ckpt}")
    says(sentence, r"'builtins.open' \(data._target_\)", str(ckpt))
    assert not victim.exists()
    with pytest.raises(ZooError, match="builtins.open"):
        zoo.load(ckpt).eval()
    assert not victim.exists()


@pytest.mark.parametrize("target", ["builtins.open", "zoo.data.base.os.system"])
def test_a_data_target_in_a_run_folders_config_is_refused(trained, tmp_path, refusal, target):
    run = _copy(trained, tmp_path)
    victim = tmp_path / "PWNED"
    saved = run / ".hydra" / "config.yaml"
    cfg = OmegaConf.load(saved)
    cfg.data = {"_target_": target, "file": str(victim), "mode": "w"}
    OmegaConf.save(cfg, saved)
    sentence = refusal("zoo-eval", f"ckpt_path={run}")
    says(sentence, rf"'{target}' \(data._target_\)", "config.yaml")
    assert not victim.exists()


@pytest.mark.parametrize("recorded, named", [
    ("data={_target_: builtins.open, file: VICTIM, mode: w}", "builtins.open"),
    ("+data.extra={_target_: builtins.open, file: VICTIM, mode: w}", "builtins.open"),
    ("+hydra.callbacks.x={_target_: builtins.open, file: VICTIM, mode: w}", "Hydra's own"),
    ("hydra.searchpath=[file:///tmp]", "Hydra's own"),
    ("debug=../../../../../../../../tmp/evil/x", "as a path"),
    ("+cell@hydra.callbacks.pwn=../../../../tmp/evil/x", "@hydra.callbacks.pwn"),
    ("callbacks.lr_monitor.logging_interval="
     "'\\${oc.create:{_target_:builtins.open,file:VICTIM,mode:w}}'", "interpolation"),
    ("+logger.evil.save_dir=VICTIM", "elsewhere"),
    ("+logger.evil._target_=pytorch_lightning.loggers.CSVLogger", "CSVLogger"),
])
def test_resuming_a_run_whose_recorded_overrides_name_foreign_code_is_refused(
        trained, tmp_path, refusal, recorded, named):
    run = _copy(trained, tmp_path)
    victim = tmp_path / "PWNED"
    saved = run / ".hydra" / "overrides.yaml"
    overrides = [*yaml.safe_load(saved.read_text()), recorded.replace("VICTIM", str(victim))]
    saved.write_text(yaml.safe_dump(overrides))
    sentence = refusal("zoo-train", f"ckpt_path={run}")
    says(sentence, "overrides.yaml", named, "trust_run=true")
    assert not victim.exists()


def test_a_users_own_topology_needs_trust_run(tmp_path, refusal):
    cfg = zoo.compose(*TINY, "topology._target_=bad_inputs.own_topology.MyManyToOne")
    run = zoo.train(cfg, output_dir=tmp_path / "mine")  # the caller's own run: trusted
    assert run.eval()["test/mse"] == pytest.approx(run.metrics["test/mse"])
    sentence = refusal("zoo-eval", f"ckpt_path={run.folder}")
    says(sentence, r"'bad_inputs.own_topology.MyManyToOne' \(topology._target_\)")
    with pytest.raises(ZooError, match="trust_run=true"):
        zoo.load(run.folder)
    again = zoo.load(run.folder, trust_run=True)
    assert again.eval()["test/mse"] == pytest.approx(run.metrics["test/mse"])
    assert refusal("zoo-eval", f"ckpt_path={run.folder}", "trust_run=maybe").startswith(
        "trust_run='maybe' is not true or false")


def test_zoos_own_targets_are_known():
    from zoo.config.trust import is_known_target, named_targets

    assert {"zoo.cells.stack.RecurrentStack", "torch.optim.lr_scheduler.StepLR"} <= \
        named_targets()
    for known in ("zoo.topologies.seq2seq.Seq2Seq", "zoo.data.synthetic.adding.Adding",
                  "torch.optim.AdamW", "pytorch_lightning.Trainer"):
        assert is_known_target(known), known
    for foreign in ("builtins.exec", "torch.load", "os.system", "zoo.data.base.os.system",
                    "zoo.topologies.base.Topology", "pytorch_lightning.loggers.CSVLogger",
                    "torch.optim.Optimizer",
                    "subprocess.Popen", "zoo.cells.stack.torch.load", 42):
        assert not is_known_target(foreign), foreign


@pytest.mark.parametrize("where, value", [
    ("hyper_parameters.spec", {"input_kind": "nonsense"}),
    ("hyper_parameters.cell", {"hidden_size": "many"}),
    ("state_dict", {"model.weight": torch.zeros(1)}),
])
def test_an_altered_model_config_is_one_sentence(trained, tmp_path, refusal, where, value):
    ckpt = Path(shutil.copy(_best(trained), tmp_path / "model.ckpt"))
    _tamper(ckpt, where, value)
    says(refusal("zoo-predict", f"ckpt_path={ckpt}", "input=0.5,1"), str(ckpt),
         "cannot rebuild|not a zoo checkpoint|hidden_size")


def test_records_and_checkpoints_carry_the_schema_version_and_a_newer_one_is_refused(
        trained, tmp_path, refusal):
    from zoo.config.migrate import SCHEMA_VERSION

    assert zoo.load(trained).record["schema_version"] == SCHEMA_VERSION
    ckpt = Path(shutil.copy(_best(trained), tmp_path / "model.ckpt"))
    assert torch.load(ckpt, weights_only=True)["hyper_parameters"]["schema_version"] == \
        SCHEMA_VERSION
    _tamper(ckpt, "hyper_parameters.schema_version", SCHEMA_VERSION + 1)
    says(refusal("zoo-eval", f"ckpt_path={ckpt}"), "newer zoo",
         f"schema_version {SCHEMA_VERSION + 1}")



def _made_node(victim: Path) -> str:
    """An interpolation that makes a node naming foreign code when it is resolved."""
    return "${oc.create:{_target_:builtins.open,file:'" + str(victim) + "',mode:w}}"


@pytest.mark.parametrize("inside_run_folder", [True, False], ids=["run_folder", "ckpt_file"])
def test_an_interpolation_in_a_checkpoints_model_config_is_refused(
        trained, tmp_path, refusal, inside_run_folder):
    """A known class with an extra key whose interpolation makes a foreign node."""
    run = _copy(trained, tmp_path)
    ckpt = _best(run)
    if not inside_run_folder:
        ckpt = Path(shutil.copy(ckpt, tmp_path / "model.ckpt"))
    victim = tmp_path / "PWNED"
    _tamper(ckpt, "hyper_parameters.topology",
            {"_target_": "zoo.topologies.many_to_one.ManyToOne", "evil": _made_node(victim)})
    for command in _commands(run if inside_run_folder else ckpt):
        says(refusal(*command), "interpolation at topology.evil", "trust_run=true")
        assert not victim.exists(), command
    with pytest.raises(ZooError, match="interpolation"):
        zoo.load(run if inside_run_folder else ckpt)
    assert not victim.exists()


def test_an_interpolation_that_resolves_to_another_is_refused(trained, tmp_path, refusal):
    """An escaped interpolation resolves to a live one: in .hydra/config.yaml and in the
    config a checkpoint holds."""
    run = _copy(trained, tmp_path)
    victim = tmp_path / "PWNED"
    saved = run / ".hydra" / "config.yaml"
    saved.write_text(saved.read_text().replace(
        "\ndata:\n", "\ndata:\n  evil: '\\" + _made_node(victim).replace("'", "''") + "'\n", 1))
    assert "evil" in OmegaConf.load(saved).data
    says(refusal("zoo-eval", f"ckpt_path={run}"), "interpolation at data.evil")
    with pytest.raises(ZooError, match="interpolation"):
        zoo.load(run).eval()
    ckpt = Path(shutil.copy(_best(trained), tmp_path / "model.ckpt"))
    _tamper(ckpt, f"{CONFIG_KEY}.data.evil", "\\" + _made_node(victim))
    says(refusal("zoo-eval", f"ckpt_path={ckpt}"), "interpolation at data.evil")
    _tamper(ckpt, f"{CONFIG_KEY}.data.evil", _made_node(victim))  # resolved once: a node
    says(refusal("zoo-eval", f"ckpt_path={ckpt}"), r"'builtins.open' \(data.evil._target_\)")
    assert not victim.exists()
