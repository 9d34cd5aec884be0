"""Reads of the networks app, one module per area: `pools` (pools, their families, separations,
facilitators, the owner's settings), `proposals` (the optimiser's input and the stored proposal
as the page shows it), `groups` (lists with the cadence, one group and what its page shows),
`meetings` (one meeting, attendance, the year calendar's provider), `choices` (the families
that may join a group, found by search, and the facilitators), `reports` (cadence gaps), and
the mentor families' `mentors` and `startup_course`. Every read starts from the policy in
`networks/rules.py`; detail reads write the audit log. The wording of a proposal's reasons and
errors is the pure module `networks/reasons.py`."""
