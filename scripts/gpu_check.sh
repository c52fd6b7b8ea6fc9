#!/usr/bin/env bash
# Everything zoo checks and measures on a GPU, in one call of at most 8 minutes on one H100.
#
# Prepare here (a machine with the venv and ../shared/data), once (zoo's own code comes from
# the tree's src/ at run time; its wheel only gives the console scripts):
#   bash scripts/gpu_wheels.sh      # gpu_wheels/ (ignored by git, about 41 MiB): the wheels
#                                   # the GPU machine lacks, zoo's own, the IMDB and MNIST copies
# Then the lead calls the device tool:
#   run(command="bash scripts/gpu_check.sh", carry=["gpu_wheels"], timeout_s=600)
# Elsewhere: bash scripts/gpu_check.sh OUTPUT_FOLDER (default: $OUT).
# Check the install half on a machine without a GPU (PYTHON: a Python 3.12 whose packages
# stand in for the GPU machine's): PYTHON=python3.12 bash scripts/gpu_check.sh --setup-only
#
# The GPU machine starts bare with a copy of the tree, cannot reach a package registry, and has
# a Python 3.12 (python3) with a CUDA torch and Lightning. This script makes a scratch venv
# that sees that Python's packages (a .pth file, so the CUDA torch stays), installs
# gpu_wheels/*.whl into it offline, and then, each step cut off by `timeout` so the whole ends
# within 8 minutes, writes into the output folder (at most 8 files, as the tool returns):
#   env.txt     nvidia-smi, the versions of python, torch, CUDA, cuDNN, Lightning, zoo
#   tests.txt   pytest -m gpu (tests/*/test_*_cuda.py, tests/run/test_cuda_runs.py)
#   mnist.txt   zoo-train experiment=mnist_rows_lstm, seeds 0, 1, 2, on the GPU, side by side
#               with the tests (their wall times are therefore not clean; their accuracy is)
#   bench.txt   zoo-bench --device cuda: section 6 (LSTM and GRU, H 256/1024, B 32/256,
#               fp32/TF32/bf16), the framework tax and the model path on CUDA
#   imdb_cache.txt  IMDB read and cut once, beside the tests (its cache serves bench and imdb)
#   imdb.txt    keras_imdb_bilstm time to accuracy: zoo-train vs the hand-written padded loop,
#               both on the GPU
#   summary.txt each step's exit status and seconds, and the tails worth reading
# Without CUDA it stops in seconds with one sentence and exit status 3.
set -uo pipefail
cd "$(dirname "$0")/.."
setup_only=false
[ "${1:-}" = --setup-only ] && setup_only=true && shift
out=${1:-${OUT:-}}
python=${PYTHON:-python3}
fail() { echo "gpu_check: $1" >&2; exit "${2:-2}"; }
$setup_only && out=${out:-$(mktemp -d)}
[ -n "$out" ] || fail "no output folder: give one as the argument or set OUT."
mkdir -p "$out" || fail "cannot create the output folder $out."

if ! $setup_only && { ! command -v nvidia-smi > /dev/null 2>&1 || ! nvidia-smi -L > /dev/null 2>&1 \
    || ! "$python" -c 'import sys, torch; sys.exit(not torch.cuda.is_available())' 2>/dev/null; }
then
  fail "no CUDA device here (nvidia-smi or $python's torch.cuda.is_available() found none); \
run it on the GPU machine: run(command=\"bash scripts/gpu_check.sh\", carry=[\"gpu_wheels\"])." 3
fi
[ -d gpu_wheels ] || fail "gpu_wheels/ is missing: run 'bash scripts/gpu_wheels.sh' where \
there is a network and carry the folder (carry=[\"gpu_wheels\"])."

summary="$out/summary.txt"
: > "$summary"
note() { echo "$*" | tee -a "$summary"; }

# --- set-up: a scratch venv over the machine's own packages, zoo's wheels installed offline
venv=$(mktemp -d)/venv
"$python" -m venv --without-pip "$venv" || fail "cannot make a venv with $python."
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
# addsitedir, not a bare path: the machine's own .pth files (namespace packages) apply too
"$python" -c 'import site; print("import site; " + "; ".join(
    f"site.addsitedir({p!r})" for p in site.getsitepackages()))' > "$site/_machine.pth"
"$venv/bin/python" -m pip install --quiet --no-index --no-deps --no-compile --no-cache-dir \
  --disable-pip-version-check gpu_wheels/*.whl || fail "installing gpu_wheels/*.whl failed."
# zoo's wheel gives the console scripts; the tree's own src/ comes first on the path, so a
# wheel older than the tree still runs the tree's code
export PATH="$venv/bin:$PATH" PYTHONPATH="$PWD/src" PYTHONUNBUFFERED=1 HYDRA_FULL_ERROR=1 \
  WANDB_MODE=disabled
export ZOO_SHARED_DATA="$PWD/gpu_wheels/data" ZOO_DATA_DIR="$(mktemp -d)"
py="$venv/bin/python"
if $setup_only; then
  "$py" -c 'import hydra, omegaconf, pooch, importlib.metadata as m, zoo
print("installed: zoo", m.version("zoo"), "hydra-core", m.version("hydra-core"), "from", zoo.__file__)'
  command -v zoo-train zoo-bench || fail "the console scripts are not on PATH."
  exit
fi
data="$ZOO_SHARED_DATA"
runs=$(mktemp -d)

step() {  # step NAME LIMIT_S FILE COMMAND...: run, time and record one step
  local name=$1 limit=$2 file=$3 start rc
  shift 3
  start=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" >> "$file" 2>&1
  rc=$?
  note "$name: exit $rc in $(( $(date +%s) - start )) s (limit $limit s)$( [ $rc = 124 ] && echo ', cut off')"
}

{
  nvidia-smi
  "$py" -c 'import platform, torch, pytorch_lightning as pl, importlib.metadata as m
print("python", platform.python_version(), "| torch", torch.__version__, "| CUDA",
      torch.version.cuda, "| cuDNN", torch.backends.cudnn.version(), "| lightning",
      pl.__version__, "| zoo", m.version("zoo"), "| hydra-core", m.version("hydra-core"))
print("device", torch.cuda.get_device_name(), "| devices", torch.cuda.device_count(),
      "| bf16", torch.cuda.is_bf16_supported())'
} > "$out/env.txt" 2>&1
note "$(tail -n 2 "$out/env.txt")"

# --- the gpu tests, with the 3-seed MNIST runs beside them on the same GPU
mnist() {
  for seed in 0 1 2; do
    zoo-train experiment=mnist_rows_lstm "data.root=$data/mnist" trainer=gpu "seed=$seed" \
      trainer.enable_progress_bar=false logger=csv "hydra.run.dir=$runs/mnist_$seed" &
  done
  wait
  for seed in 0 1 2; do
    echo "seed $seed: $("$py" -c 'import json, sys
r = json.load(open(sys.argv[1])); m = r["metrics"]
print(r["status"], "test/acc", m.get("test/acc"), "val/acc", m.get("val/acc"), "wall_s", r.get("wall_s"))' \
      "$runs/mnist_$seed/metrics.json" 2>&1)"
  done
}
step "mnist_rows_lstm, 3 seeds" 200 "$out/mnist.txt" bash -c "$(declare -f mnist); \
  data=$data runs=$runs py=$py mnist" &
mnist_pid=$!
warm_imdb() {  # IMDB read and cut once, on the CPU beside the tests: the later steps hit the cache
  "$py" -c 'import sys
from pathlib import Path
from hydra.utils import instantiate
from zoo.bench.compose import zoo_config
cfg = zoo_config(["experiment=keras_imdb_bilstm", f"data.root={sys.argv[1]}"], Path("/tmp"))
instantiate(cfg.data).setup()
print("IMDB cached for keras_imdb_bilstm")' "$data/imdb/aclImdb_v1_labeled.tar.gz"
}
step "IMDB cache" 190 "$out/imdb_cache.txt" bash -c "$(declare -f warm_imdb); data=$data py=$py warm_imdb" &
cache_pid=$!
workers=()  # pytest-xdist, where the machine has it: the whole runs' tests take minutes alone
"$py" -c 'import xdist' 2>/dev/null && workers=(-n 6 --dist load)
step "pytest -m gpu" 190 "$out/tests.txt" "$py" -m pytest -m gpu -p no:cacheprovider -q -rs \
  "${workers[@]}" tests/cells/test_cells_cuda.py tests/topologies/test_matrix_cuda.py \
  tests/run/test_cuda_runs.py
wait "$mnist_pid" "$cache_pid"
note "$(grep -E '^seed' "$out/mnist.txt")"
note "$(tail -n 1 "$out/tests.txt")"

# --- zoo-bench on CUDA, alone on the GPU
step "zoo-bench --device cuda" 120 "$out/bench.txt" zoo-bench --quick --device cuda \
  --only gpu,tax,model --imdb-root "$data/imdb/aclImdb_v1_labeled.tar.gz"

# --- keras_imdb_bilstm time to accuracy, zoo-train vs the hand-written loop, same GPU
step "keras_imdb_bilstm time to accuracy" 140 "$out/imdb.txt" "$py" \
  scripts/imdb_time_to_accuracy.py "$data/imdb/aclImdb_v1_labeled.tar.gz"
note "$(tail -n 3 "$out/imdb.txt")"
note "files: $(ls "$out" | tr '\n' ' ')"
