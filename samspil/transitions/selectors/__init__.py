"""Reads of the transitions app, one module per area: `transitions` (the list, one transition
and its page, steps, meetings, advice) and `plans` (the municipality's discharge plan template
or the shipped default)."""
