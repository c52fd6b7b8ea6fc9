"""The callbacks every run has (zoo.run.train.build_trainer adds them; no config selects
them): the run's config and random states in each checkpoint, epoch times, the divergence
guard, baseline scores, the last validation's metrics, and a moved run's checkpoint paths."""
