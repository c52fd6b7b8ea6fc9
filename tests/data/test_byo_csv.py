"""data=csv: numeric sequences from the user's own CSV, as rows or as a time series."""

from __future__ import annotations

import math
import random
import re

import pytest
import torch
from conftest import compose_train, datamodule, train_quick

from zoo.errors import ZooError
from zoo.run.validate import validate

pytestmark = pytest.mark.usefixtures("one_thread")

QUICK = ["trainer=cpu", "cell.hidden_size=32", "data.batch_size=32", "optimizer.lr=0.01"]


def write_rows(path, n=300, header=True):
    """Rows of 3-6 values around the class id, padded by blank cells, label last."""
    rng = random.Random(0)
    lines = ["v1,v2,v3,v4,v5,v6,label"] if header else []
    for _ in range(n):
        label = rng.randrange(3)
        values = [f"{label + rng.gauss(0, 0.3):.3f}" for _ in range(rng.randint(3, 6))]
        lines.append(",".join(values + [""] * (6 - len(values)) + [f"c{label}"]))
    path.write_text("\n".join(lines) + "\n")
    return path


def write_series(path, n=300):
    rows = ["date,a,b"] + [
        f"d{t},{math.sin(t / 5):.4f},{math.sin(t / 7) + math.cos(t / 3):.4f}" for t in range(n)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_rows_give_padded_feature_sequences_and_named_classes(tmp_path):
    dm = datamodule("csv", path=str(write_rows(tmp_path / "data.csv")), seed=0)
    spec = dm.spec
    assert (spec.input_kind, spec.input_size, spec.target_kind) == ("features", 1, "class")
    assert spec.target_vocab == ["c0", "c1", "c2"]
    assert {s: len(d) for s, d in dm.splits.items()} == {"train": 240, "val": 30, "test": 30}
    train = dm.splits["train"].tensors
    assert train["x"].shape == (240, 6, 1) and train["x"].dtype == torch.float32
    assert set(train["x_len"].tolist()) == {3, 4, 5, 6}
    # standardised with the training split's statistics
    real = torch.cat([x[:n] for x, n in zip(train["x"], train["x_len"], strict=True)])
    assert abs(real.mean().item()) < 1e-4 and abs(real.std(unbiased=False).item() - 1) < 1e-3


def test_rows_with_steps_of_several_features_and_a_value_target(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("0.5,1,2,3,4\n2.5,1,2,3,4,5,6\n" * 10)
    dm = datamodule("csv",
        path=str(path), features_per_step=2, target="value", scale="none", label_column=0, seed=0
    )
    spec = dm.spec
    assert (spec.input_size, spec.target_kind, spec.target_size) == (2, "value", 1)
    x, y, n = (dm.splits["train"].tensors[k] for k in ("x", "y", "x_len"))
    first = int((y[:, 0] == 0.5).nonzero()[0])
    assert x[first, :2].tolist() == [[1, 2], [3, 4]] and n[first] == 2
    assert y.dtype == torch.float32 and y.shape[1] == 1


def test_series_windows_split_in_time_with_train_only_scaling(tmp_path):
    path = write_series(tmp_path / "series.csv", n=100)
    dm = datamodule("csv", path=str(path), format="series", look_back=5, horizon=1, seed=0)
    spec = dm.spec
    assert spec.input_size == 2  # the numeric columns a and b (b is the target too)
    sizes = {s: len(d) for s, d in dm.splits.items()}
    assert sizes == {"train": 75, "val": 10, "test": 10}  # targets in rows 5-79, 80-89, 90-99
    x, y = dm.splits["test"].tensors["x"], dm.splits["test"].tensors["y"]
    b = torch.tensor([math.sin(t / 7) + math.cos(t / 3) for t in range(100)])
    a = torch.tensor([math.sin(t / 5) for t in range(100)])
    assert torch.allclose(spec.feature_scaling.undo(x[-1])[:, 0], a[94:99], atol=1e-3)
    (shift,), (scale,) = spec.target_scaling.shift, spec.target_scaling.scale
    assert torch.allclose(y[:, 0] * scale + shift, b[90:], atol=1e-3)
    assert torch.allclose(x[-1, :, 1] * scale + shift, b[94:99], atol=1e-3)
    assert abs(shift - b[:80].mean().item()) < 1e-3  # fitted on the train rows only

    aligned = datamodule("csv", path=str(path), format="series", look_back=5, aligned=True, seed=0)
    assert aligned.spec.layout.target == "aligned" and aligned.spec.layout.causal
    assert aligned.splits["train"].tensors["y"].shape == (75, 5, 1)


def test_series_horizon_is_a_multi_step_forecast_or_the_last_row(tmp_path):
    path = write_series(tmp_path / "series.csv", n=100)
    ahead = datamodule("csv", path=str(path), format="series", look_back=5, horizon=3, seed=0)
    now = datamodule("csv", path=str(path), format="series", look_back=5, horizon=0, seed=0)
    assert (ahead.spec.target_size, now.spec.target_size) == (3, 1)
    x, y = ahead.splits["test"].tensors["x"], ahead.splits["test"].tensors["y"]
    assert y.shape == (10 - 2, 3)  # windows whose 3 next rows all lie in rows 90-99
    assert torch.equal(y[:-1, 1:], y[1:, :-1])  # the next rows, one window sliding along
    assert torch.equal(y[0], x[3, -3:, 1])  # the next 3 rows of b are 3 windows later inputs
    x, y = now.splits["train"].tensors["x"], now.splits["train"].tensors["y"]
    assert torch.equal(y[:, 0], x[:, -1, 1])  # horizon 0: the target at the window's last row


def test_series_from_separate_files(tmp_path):
    train = write_series(tmp_path / "train.csv", n=100)
    test = write_series(tmp_path / "test.csv", n=30)
    dm = datamodule("csv",
        path={"train": str(train), "test": str(test)}, format="series", look_back=5, seed=0
    )
    dm.setup()
    # val is cut from the end of train (rows 90-99); test windows lie wholly in its own file
    assert {s: len(d) for s, d in dm.splits.items()} == {"train": 85, "val": 10, "test": 25}


def test_separate_split_files(tmp_path):
    train = write_rows(tmp_path / "train.csv", n=100)
    test = write_rows(tmp_path / "test.csv", n=20)
    dm = datamodule("csv", path={"train": str(train), "test": str(test)}, seed=0)
    dm.setup()
    assert {s: len(d) for s, d in dm.splits.items()} == {"train": 90, "val": 10, "test": 20}


@pytest.mark.parametrize(
    ("content", "options", "line", "words"),
    [
        ("a,b,label\n1,2,x\n3,oops,y\n", {}, 3, "'oops' in column 1 ('b') is not a number"),
        ("1,2,3,x\n1,2,3,4,5,y\n", {"features_per_step": 3}, 2, "do not split into steps"),
        ("t,v\n1,2\n2,\n", {"format": "series"}, 3, "'' in column 1 ('v') is not a number"),
        ("1,2,3\n4,5\n", {"format": "series", "columns": [2]}, 2, "has 2 fields"),
    ],
)
def test_malformed_csv_names_file_and_line(tmp_path, content, options, line, words):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(ZooError, match=f"bad.csv, line {line}: .*{re.escape(words)}"):
        datamodule("csv", path=str(path), seed=0, **options).setup()


def test_missing_path_names_the_option(tmp_path):
    with pytest.raises(ZooError, match=r"set data\.path="):
        datamodule("csv", path=None).setup()
    with pytest.raises(ZooError, match="does not exist"):
        datamodule("csv", path=str(tmp_path / "nope.csv")).setup()


def test_aligned_series_refuses_a_bidirectional_model(tmp_path):
    cfg = compose_train(
        [
            "data=csv",
            "data.format=series",
            "data.aligned=true",
            "topology=many_to_many",
            "direction=bi",
        ],
        tmp_path,
    )
    with pytest.raises(ZooError, match="direction=uni"):
        validate(cfg)


def test_rows_train_end_to_end_above_chance(tmp_path):
    path = write_rows(tmp_path / "data.csv")
    metrics, _ = train_quick(
        QUICK + ["data=csv", f"data.path={path}", "trainer.max_epochs=4"], tmp_path
    )
    assert metrics["test/acc"] > 0.8  # chance is 1/3


def test_series_forecast_beats_predicting_the_mean(tmp_path):
    path = write_series(tmp_path / "series.csv")
    metrics, _ = train_quick(
        QUICK
        + [
            "data=csv",
            f"data.path={path}",
            "data.format=series",
            "data.look_back=10",
            "trainer.max_epochs=4",
        ],
        tmp_path,
    )
    assert metrics["test/mse"] < 0.2  # the mean scores about 1 on standardised targets
