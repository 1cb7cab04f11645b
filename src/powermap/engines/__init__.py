"""Engines run the pipeline over many sources: in this process or a pool (local), or on Dask."""
