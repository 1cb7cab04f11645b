"""The corpus side: the SQLite store, and later the merged network, timeline and exports."""
