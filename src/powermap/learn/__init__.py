"""Learned layers: the training corpora we write, their features, and the models trained on them."""
