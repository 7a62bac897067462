"""The application layer: one typed request, one run. The command line builds a
:class:`~brandscan.app.request.Request` from its options, calls
:func:`~brandscan.app.run.run` with the analyses it shows, and renders the results."""
