"""Writes of the measures app, one module per area: `instruments` (shipped definitions,
configured versions, licensed texts), `responses` (answering and scoring). Import the area
module: `from samspil.measures.services import responses as services`."""
