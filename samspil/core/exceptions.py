class PermissionDeniedError(Exception):
    """The actor may see the record but not do this to it (views answer 403, the API 403)."""
