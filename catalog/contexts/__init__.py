"""Bundled JSON-LD contexts: CPSV-AP 3.2.0 (CC-BY 4.0, SEMIC) and semcat's own."""
