"""One job's life: validate the config, build the task and the trainer, train, validate and
test (train), evaluate a finished run (evaluate), write metrics.json (entry, record), and what
keeps a run whole: checkpoints, resume, the run folder's lock, interrupts, threads, the DDP
re-launch, and the callbacks every run has (callbacks/)."""
