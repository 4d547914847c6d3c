"""Web pages: the passport and resource pages every catalogue IRI dereferences to."""
