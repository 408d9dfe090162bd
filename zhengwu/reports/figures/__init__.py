"""One module per area registers its figures with :func:`zhengwu.reports.registry.register` at import."""
