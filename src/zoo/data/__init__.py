"""Datamodules: each publishes a `Spec` and in-memory batches.

Here, what every datamodule stands on: `base` (`SequenceDataModule`, and `FileDataModule`
for those that read files: `data.path`, or a built-in's), `batches`, `char_stream`
(language-model streams), `padding`, `split` and `cache`. The parts:

- `files`: reading files and finding or fetching them (CSV/TSV, UTF-8 text, IDX, IMDB's
  archives; `data.path`/`data.root`, checksummed downloads)
- `preprocess`: text to token ids (tokenizer, vocabulary, ASCII folding) and numeric series
  to model inputs (scaling, sliding windows)
- `formats`: one datamodule per format zoo reads from your own files (docs/data_formats.md)
- `datasets`: the built-in datasets, most a thin subclass of a format's datamodule
- `synthetic`: generated tasks (adding, addition, copy memory, xor, spell)
"""
