"""The measures app's forms, one module per area."""
