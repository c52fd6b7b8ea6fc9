#!/usr/bin/env bash
# Re-run the measurements of docs/RESULTS.md and print their tables with zoo-table.
#
#   scripts/reproduce_results.sh DATA_DIR [OUT_DIR] [PRESET ...]
#
# DATA_DIR holds the local dataset copies (imdb/, mnist/, names/, tinyshakespeare/, eng-fra/,
# airline-passengers/; the layout of ../shared/data); Fashion-MNIST comes from Debian's
# dataset-fashion-mnist package. OUT_DIR (default ./results) receives one sweep folder per
# preset. With PRESET names, only those run. Each line below is the command RESULTS.md quotes;
# the reduced ones (fewer epochs than the source) say so there.
set -euo pipefail

data=${1:?usage: scripts/reproduce_results.sh DATA_DIR [OUT_DIR] [PRESET ...]}
out=${2:-results}
shift $(($# < 2 ? $# : 2))
quiet=(trainer.enable_progress_bar=false '~callbacks.progress_bar')

declare -A runs=(
  [mnist_rows_lstm]="experiment=mnist_rows_lstm data.root=$data/mnist seed=0,1,2"
  [fashion_mnist_rows_lstm]="experiment=fashion_mnist_rows_lstm seed=0"
  [keras_imdb_bilstm]="experiment=keras_imdb_bilstm data.root=$data/imdb seed=0"
  [imdb_bilstm_large]="experiment=imdb_bilstm_large data.root=$data/imdb seed=0 +trainer.limit_train_batches=0.1 trainer.max_epochs=1"
  [names_classify_rnn]="experiment=names_classify_rnn data.root=$data/names seed=0,1,2"
  [names_generate_rnn]="experiment=names_generate_rnn data.root=$data/names seed=0,1,2"
  [airline_gru]="experiment=airline_gru data.root=$data/airline-passengers seed=0,1,2"
  [shakespeare_charlm]="experiment=shakespeare_charlm data.root=$data/tinyshakespeare seed=0 trainer.max_epochs=5"
  [addition_seq2seq]="experiment=addition_seq2seq seed=0 trainer.max_epochs=5"
  [eng_fra_attention]="experiment=eng_fra_attention data.root=$data/eng-fra seed=0 trainer.max_epochs=10"
  [adding_cells]="experiment=adding_cells data.T=50 trainer.max_epochs=5"
  [copy_memory_cells]="experiment=copy_memory_cells data.T=20 trainer.max_epochs=5"
)

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=("${!runs[@]}")
for preset in "${presets[@]}"; do
  [ -n "${runs[$preset]:-}" ] || { echo "unknown preset: $preset" >&2; exit 2; }
  # shellcheck disable=SC2086  # the argument lists are meant to split
  zoo-train -m ${runs[$preset]} "${quiet[@]}" "hydra.sweep.dir=$out/$preset"
  zoo-table "$out/$preset"
done
