"""Engines execute; analyses decide.

- :mod:`brandscan.engine.driver` — one run: tasks -> partials -> merge -> the second read
  of the alert windows -> finish;
- sources: :mod:`~brandscan.engine.files` (files read in chunks),
  :mod:`~brandscan.engine.store` (the store in stretches of time),
  :mod:`~brandscan.engine.memory` (posts in memory, with the store's);
- :mod:`brandscan.engine.executors` — this process, a pool of processes, a Dask cluster.
"""
