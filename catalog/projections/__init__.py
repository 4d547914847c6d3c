"""Projections of the ledger: the quad store and the search index, each following the ledger's
change sequence with a watermark of its own."""
