"""Writes of the networks app, one module per area: `pools` (pools, separations, proposals,
acceptance), `groups` (groups, members, consent, meetings, topics, phase), `mentors` (mentor
consent, mentorships, contact log). Import the area module, not the package."""
