"""The LightningModule and everything that scores it: the module (module), its loss and
metrics by target kind (objective), the headline metric and which way it improves
(best_metric, direction), trivial baselines, BLEU and truncated BPTT, and when the training
loss is logged (train_loss)."""
