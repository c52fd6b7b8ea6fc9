"""Reading IDX files (the MNIST format), gzipped or not.

The format is a 4-byte magic number (two zero bytes, a type code, the number of dimensions),
one big-endian int32 per dimension, then the values in C order. Read by hand because it is
twenty lines and the libraries that read it (torchvision, idx2numpy) would be a dependency
for nothing else.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np
import torch

from zoo.errors import ZooError

DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_bytes(path: Path) -> bytes:
    """The file's contents, gunzipped when it starts with the gzip magic number."""
    raw = Path(path).read_bytes()
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as exc:
        raise ZooError(
            f"{path} is a corrupt or truncated gzip file ({exc}); replace it with a fresh copy."
        ) from None


def parse_idx(data: bytes, source: str = "IDX data") -> torch.Tensor:
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] not in DTYPES:
        raise ZooError(
            f"{source} is not an IDX file (bad magic number); "
            "point data.root at the original *-ubyte files."
        )
    ndim = data[3]
    header = 4 + 4 * ndim
    shape = tuple(int(d) for d in np.frombuffer(data[4:header], dtype=">i4"))
    dtype = np.dtype(DTYPES[data[2]])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(shape) != ndim or len(data) != expected:
        raise ZooError(
            f"{source} is truncated or damaged: it holds {len(data)} bytes where its "
            f"header (shape {shape}) announces {expected}; replace it."
        )
    array = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return torch.from_numpy(array.astype(dtype.newbyteorder("=")))


def read_idx(path: Path) -> torch.Tensor:
    """An IDX file (optionally .gz) as a tensor of its own shape and type (uint8 for MNIST)."""
    return parse_idx(read_bytes(path), str(path))
