"""Using a trained run: load its checkpoint, evaluate it, sample from it, predict with it."""
