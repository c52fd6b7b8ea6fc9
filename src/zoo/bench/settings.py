"""How long each measurement runs: `quick` (CI's smoke test), the default, `full` (adds
accuracy after one epoch), and `tiny` (the test suite's shapes)."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Settings:
    rounds: int = 5  # interleaved rounds after the warm-up
    warmup: int = 1
    steps: int = 20  # training steps per round
    epoch_accuracy: bool = False  # section 3: train one epoch per mode and report accuracy
    scan_lengths: tuple[int, ...] = (64, 256, 1024, 4096)
    scan_batch: int = 16
    scan_hidden: int = 64
    parity_shapes: tuple[tuple[int, int, int, int], ...] = ((32, 200, 128, 64),)  # B, T, E, H
    model_overrides: tuple[str, ...] = ()  # composed into every zoo config (tiny: small models)
    imdb_overrides: tuple[str, ...] = ()  # ...into the IMDB ones
    adding_overrides: tuple[str, ...] = ()  # ...into the adding one
    reviews: int | None = None  # use only this many reviews per split (None: all)
    gpu_steps: int = 10
    gpu_hidden: tuple[int, ...] = (256, 1024)
    gpu_batch: tuple[int, ...] = (32, 256)
    startup_rounds: int = 3  # section 7: fresh processes per measurement
    device: str = "cpu"  # sections 1 and 2 (framework tax, model path): cpu or cuda
    peak_size: int = 2048  # the square float32 matmul that measures the device's peak


def preset(name: str) -> Settings:
    base = Settings()
    if name == "quick":
        return replace(
            base,
            rounds=2,
            steps=2,
            scan_lengths=(64, 1024),
            gpu_steps=3,
            parity_shapes=((32, 100, 64, 64),),
            reviews=2000,
            startup_rounds=1,
            peak_size=1024,
        )
    if name == "full":
        return replace(base, epoch_accuracy=True)
    if name == "tiny":
        return replace(
            base,
            rounds=1,
            warmup=0,
            steps=2,
            scan_lengths=(8, 16),
            scan_batch=2,
            scan_hidden=4,
            parity_shapes=((2, 6, 3, 4),),
            reviews=64,
            startup_rounds=1,
            peak_size=64,
            model_overrides=("cell.hidden_size=4", "topology.embedding_dim=4"),
            imdb_overrides=("data.num_words=50",),
            adding_overrides=("data.T=10", "data.n_train=64", "data.n_val=8", "data.n_test=8"),
        )
    return base
