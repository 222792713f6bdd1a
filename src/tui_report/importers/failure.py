"""The importer's one exception (its own module: the source model and the budgets both raise it)."""

from __future__ import annotations


class ImportFailure(Exception):
    """The source is not a report this importer recognises, or cannot be read (Chinese message)."""
