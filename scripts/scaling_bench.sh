#!/usr/bin/env bash
# Side-by-side measurements for docs/SCALING.md; prints ratios. Run it on an otherwise idle
# machine from the repository root with the venv active: bash scripts/scaling_bench.sh
#  1. a 4-job sweep with hydra/launcher=joblib (2 jobs at once) vs the same sweep sequential
#  2. the default zoo-train (cut to 3 epochs: oversubscribed it runs for many minutes) with
#     threads=auto vs threads=2, while another process loads the machine (a busy loop on every
#     core)
set -euo pipefail
unset OMP_NUM_THREADS  # threads=auto must see every core
out="$(mktemp -d)"
sweep=(seed=0,1,2,3 trainer.enable_progress_bar=false logger=none)

seconds() {  # wall seconds of a command
  local start end
  start=$(date +%s.%N); "$@" > "$out/last.log" 2>&1; end=$(date +%s.%N)
  python -c "print(f'{$end - $start:.1f}')"
}

seq_s=$(seconds zoo-train -m "${sweep[@]}" "hydra.sweep.dir=$out/seq")
par_s=$(seconds zoo-train -m "${sweep[@]}" hydra/launcher=joblib hydra.launcher.n_jobs=2 \
  "hydra.sweep.dir=$out/par")
echo "sweep of 4 jobs: sequential ${seq_s}s, joblib n_jobs=2 ${par_s}s," \
  "speed-up $(python -c "print(f'{$seq_s / $par_s:.2f}')")x"

load() { python -c "while True: pass" > /dev/null 2>&1 & echo $!; }  # no pipe left open
loaders=(); for _ in $(seq "$(nproc)"); do loaders+=("$(load)"); done
trap 'kill "${loaders[@]}" 2>/dev/null || true' EXIT
short=(trainer.enable_progress_bar=false trainer.max_epochs=3)
auto_s=$(seconds zoo-train "${short[@]}" "hydra.run.dir=$out/auto")
two_s=$(seconds zoo-train "${short[@]}" threads=2 "hydra.run.dir=$out/two")
echo "threads chosen by auto under load: $(python -c "import json; print(json.load(open('$out/auto/metrics.json'))['threads'])")"
echo "default run (3 epochs) under load: threads=auto ${auto_s}s, threads=2 ${two_s}s," \
  "ratio auto/2 $(python -c "print(f'{$auto_s / $two_s:.2f}')")"
