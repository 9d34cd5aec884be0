"""Forms of the transitions app, one module per area (`transitions`, `meetings`, `plans`,
`advice`). They shape the input; the services validate again."""
