#!/usr/bin/env bash
# Prepares gpu_wheels/ (ignored by git) for scripts/gpu_check.sh: what the bare GPU machine
# lacks, as wheels for its Python 3.12, and the offline IMDB and MNIST copies its runs read.
#
#   bash scripts/gpu_wheels.sh                 # from the repository root, with the venv's pip
#   PIP=/path/to/pip bash scripts/gpu_wheels.sh
#
# The GPU machine has Python 3.12 with a CUDA torch, Lightning, torchmetrics, numpy, rich,
# tqdm, requests, filelock, pyyaml, matplotlib, scipy, sacrebleu and tensorboard, but not
# hydra-core, omegaconf (and its antlr4 runtime), pooch (and platformdirs) or zoo. Those travel
# here, pinned to the versions of this venv. wandb does not: with its own needs (pydantic,
# opentelemetry, ...) it would take most of the 64 MiB the tree may carry, and zoo imports it
# only for logger=wandb, which gpu_check.sh never selects; zoo's wheel is therefore installed
# with --no-deps there.
set -euo pipefail
cd "$(dirname "$0")/.."
PIP=${PIP:-/work/main/.venv/bin/pip}
DATA=${ZOO_SHARED_DATA:-../shared/data}
dest=gpu_wheels
rm -rf "$dest" && mkdir -p "$dest/data/imdb" "$dest/data/mnist"

version() { "$PIP" show "$1" | sed -n 's/^Version: //p'; }
pins=()
for name in hydra-core omegaconf pooch platformdirs; do pins+=("$name==$(version "$name")"); done
"$PIP" download --quiet --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux2014_x86_64 -d "$dest" "${pins[@]}"
# antlr4-python3-runtime 4.9.3 (the one omegaconf 2.3 accepts) is published as source only:
# build its pure-Python wheel here
"$PIP" wheel --quiet --no-deps -w "$dest" "antlr4-python3-runtime==$(version antlr4-python3-runtime)"
"$PIP" wheel --quiet --no-deps -w "$dest" .  # zoo itself (conf/ inside)

cp "$DATA/imdb/aclImdb_v1_labeled.tar.gz" "$DATA/imdb/imdb_word_index.json" "$dest/data/imdb/"
cp "$DATA"/mnist/*-ubyte.gz "$dest/data/mnist/"
du -sh "$dest" && ls "$dest"
