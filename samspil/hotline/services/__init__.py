"""Writes of the hotline app, one module per area: `calls` (calls, stubs, follow-ups, the
daily jobs), `rota` (hotline set-up, staffing, rota generation, swaps and overrides). Import
the area module, not the package."""
