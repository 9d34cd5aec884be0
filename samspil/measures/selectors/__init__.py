"""Reads of the measures app, one module per area: `instruments`, `responses` (responses,
trends)."""
