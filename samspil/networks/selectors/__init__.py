"""Reads of the networks app, one module per area (`pools`, `groups`, `reports`, `mentors`).
Every read starts from the policy in `networks/rules.py`; detail reads write the audit log."""
