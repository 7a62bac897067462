"""Engines that run the analyses beyond one machine's memory.

- :mod:`brandscan.engine.aggregates` — mergeable partial aggregates every analysis table
  is read from (the in-memory analyses use them too, so all engines agree to the bit);
- :mod:`brandscan.engine.stream` — any number of files of any size, read in chunks with
  bounded memory, on one machine (``--engine stream``);
- :mod:`brandscan.engine.dask` — the same pipeline on a Dask cluster (``--engine dask``).
"""
