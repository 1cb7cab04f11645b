"""Scorers: one module per layer, measured against public evaluation data."""
