"""Bundled sample sources (``samples/``), ingested by ``dateline ingest`` with no argument."""
