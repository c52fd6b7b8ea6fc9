"""One datamodule per format zoo reads from your own files (`data.path`): CSV/TSV sequences,
text classification, tagging, parallel text, language modelling (docs/data_formats.md)."""
