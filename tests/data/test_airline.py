"""data=airline: monthly passengers forecast from sliding windows (data=csv's series format
over a known file), scored in passengers."""

from __future__ import annotations

import pytest
import torch
from conftest import datamodule, train_quick

from zoo.data.datasets.airline import URL, Airline
from zoo.data.formats.csv_sequences import target_offsets
from zoo.data.preprocess.windows import windows
from zoo.errors import ZooError
from zoo.spec import Layout, Scaling, Spec
from zoo.task.objective import Objective

VALUES = [112 + 3 * i + (i % 12) for i in range(48)]


@pytest.fixture
def csv_dir(tmp_path):
    rows = [f'"{1949 + i // 12}-{i % 12 + 1:02d}",{v}' for i, v in enumerate(VALUES)]
    (tmp_path / "airline-passengers.csv").write_text('"Month","Passengers"\n' + "\n".join(rows))
    return tmp_path


def made(**options) -> Airline:
    dm = datamodule("airline", **options)
    dm.setup()
    return dm


def original(dm, t: torch.Tensor) -> list[float]:
    return dm.spec.target_scaling.undo(t).flatten().round().tolist()


def test_windows_pair_a_look_back_with_the_next_values():
    series = torch.arange(10.0)  # each value is its own index
    offsets = target_offsets(look_back=3, horizon=2, aligned=False)
    x, y = windows(series[:, None], series, 3, offsets)
    assert x[0, :, 0].tolist() == [0, 1, 2] and y[0].tolist() == [3, 4]
    assert x[-1, :, 0].tolist() == [5, 6, 7] and y[-1].tolist() == [8, 9]
    assert y[0, 0] == 3 and y[-1, -1] == 9  # the first and last target index
    x, y = windows(series[:, None], series, 3, target_offsets(3, 2, aligned=True))
    assert y[0].tolist() == [2, 3, 4] and (y[0, 0], y[0, -1]) == (2, 4)


def test_windows_keep_those_whose_targets_lie_in_the_split():
    series = torch.arange(10.0)
    x, y = windows(series[:, None], series, 3, range(3, 4), start=6, stop=9)
    assert y[:, 0].tolist() == [6, 7, 8] and x[0, :, 0].tolist() == [3, 4, 5]


def test_many_to_one_splits_in_order_and_scales_on_train_only(csv_dir):
    dm = made(root=str(csv_dir), seed=0, look_back=6, val_size=0.25, test_size=0.25)
    spec = dm.spec
    assert spec.layout == Layout("sequence", "single")
    assert (spec.input_kind, spec.input_size, spec.target_kind, spec.target_size) == (
        "features",
        1,
        "value",
        1,
    )
    train = VALUES[:24]
    assert spec.target_scaling == Scaling([min(train)], [max(train) - min(train)])
    targets = {s: original(dm, dm.splits[s].tensors["y"]) for s in ("train", "val", "test")}
    assert targets == {"train": VALUES[6:24], "val": VALUES[24:36], "test": VALUES[36:48]}
    x = dm.splits["val"].tensors["x"]
    assert original(dm, x[0]) == VALUES[18:24]  # history reaches back into the train months


def test_split_sizes_may_be_counts_of_months(csv_dir):
    """data.val_size/test_size: 12 months each is the same cut as a quarter of 48 each."""
    counted = made(root=str(csv_dir), seed=0, look_back=6, val_size=12, test_size=12)
    shares = made(root=str(csv_dir), seed=0, look_back=6, val_size=0.25, test_size=0.25)
    for split in ("train", "val", "test"):
        assert original(counted, counted.splits[split].tensors["y"]) == original(
            shares, shares.splits[split].tensors["y"])
    assert original(counted, counted.splits["test"].tensors["y"]) == VALUES[36:48]


def test_many_to_many_scores_each_split_on_its_own_months(csv_dir):
    dm = made(
        root=str(csv_dir),
        seed=0,
        aligned=True,
        look_back=6,
        horizon=1,
        val_size=0.25,
        test_size=0.25,
        scale="standard",
    )
    assert dm.spec.layout == Layout("sequence", "aligned", causal=True)  # no peeking ahead
    train = torch.tensor(VALUES[:24], dtype=torch.float64)
    assert dm.spec.target_scaling.shift == pytest.approx([float(train.mean())])
    y = dm.splits["test"].tensors["y"]
    assert y.shape == (12 - 6 + 1, 6, 1)
    assert original(dm, y[0]) == VALUES[36:42] and original(dm, y[-1]) == VALUES[42:48]


def test_errors_name_the_file_and_line_or_the_option(csv_dir):
    path = csv_dir / "airline-passengers.csv"
    path.write_text(path.read_text() + '\n"1953-01",lots\n')
    with pytest.raises(ZooError, match=r"airline-passengers\.csv, line 50: .*'lots'"):
        made(root=str(csv_dir), seed=0)
    with pytest.raises(ZooError, match=r"airline-passengers\.csv.*data\.root="):
        made(root=str(csv_dir / "elsewhere"), seed=0)


def test_without_root_it_downloads_the_csv(monkeypatch, csv_dir, tmp_path):
    calls = []

    def fetch(name, url, known_hash, cache_dir, filename=None):
        calls.append((url, filename))
        return csv_dir / "airline-passengers.csv"

    monkeypatch.setattr("zoo.data.files.seed_source.fetch", fetch)
    dm = made(seed=0, cache_dir=str(tmp_path / "cache"))
    assert sum(len(s) for s in dm.splits.values()) == 48 - 12
    assert calls == [(URL, "airline-passengers.csv")]


def test_rmse_and_mae_are_reported_in_original_units():
    spec = Spec(
        Layout("sequence", "single"),
        "features",
        1,
        "value",
        1,
        target_scaling=Scaling([50.0], [100.0]),
    )
    objective = Objective(spec)
    predicted, target = torch.tensor([[0.1], [0.5]]), torch.tensor([[0.2], [0.2]])
    metrics = objective.update("test", predicted, target).compute()
    assert metrics["test/mse"] == pytest.approx((0.01 + 0.09) / 2)  # on the model's scale
    assert metrics["test/rmse"] == pytest.approx(100 * ((0.01 + 0.09) / 2) ** 0.5)
    assert metrics["test/mae"] == pytest.approx(100 * (0.1 + 0.3) / 2)


def test_shared_copy_has_144_months(shared_data):
    dm = made(root=str(shared_data / "airline-passengers"), seed=0)
    sizes = {s: len(d) for s, d in dm.splits.items()}
    assert sizes == {"train": 96 - 12, "val": 24, "test": 24}  # 96 + 24 + 24 = 144 months


def rmse_of(dm, guess) -> float:
    """Test RMSE in passengers of a guess per window (from the window's own inputs)."""
    x, y = dm.splits["test"].tensors["x"], dm.splits["test"].tensors["y"]
    truth, guessed = torch.tensor(original(dm, y)), torch.tensor(original(dm, guess(x)))
    return float(((truth - guessed) ** 2).mean().sqrt())


def gru_run(shared_data, tmp_path, epochs, batch_size=8):
    root = shared_data / "airline-passengers"
    overrides = [
        "data=airline",
        f"data.root={root}",
        f"data.batch_size={batch_size}",
        "cell=gru",
        "cell.hidden_size=32",
        f"trainer.max_epochs={epochs}",
        "optimizer.lr=0.01",
    ]
    return train_quick(overrides, tmp_path)[0], made(root=str(root), seed=0)


def test_gru_forecasts_far_better_than_the_training_mean(shared_data, tmp_path):
    metrics, dm = gru_run(shared_data, tmp_path, epochs=10, batch_size=16)
    train_mean = dm.splits["train"].tensors["y"].mean()
    baseline = rmse_of(dm, lambda x: train_mean.expand(len(x)))  # about 238 passengers
    assert metrics["test/rmse"] < baseline / 2


@pytest.mark.slow
def test_gru_forecasts_better_than_last_month(shared_data, tmp_path):
    metrics, dm = gru_run(shared_data, tmp_path, epochs=60)
    persistence = rmse_of(dm, lambda x: x[:, -1, 0])  # about 52 passengers
    assert metrics["test/rmse"] < persistence
