"""Writes of the transitions app, one module per area: `transitions` (creating, editing,
statuses, the child's involvement), `plans` (copying the template, steps, the municipality's
template), `meetings` (collaboration meetings) and `advice` (the advice log)."""
