"""Datamodules: each publishes a `Spec` and in-memory batches."""
