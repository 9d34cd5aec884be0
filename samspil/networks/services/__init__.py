"""Writes of the networks app, one module per area: `pools` (pools, separations, editing the
proposal by hand, accepting it), `proposals` (asking the optimiser for a proposal, computing it
in the background, the API's synchronous composition), `groups` (groups, members, consent,
settings, phase, end), `meetings` (meetings, attendance and minutes), `topics`, `mentors`
(mentor consent, mentorships, contact log) and `settings`. Import the area module, not the
package."""
