"""Crosswalks: a provider's local codes mapped to the catalogue's concepts and codes, as SKOS
mappings (the catalogue's RDF) and as SSSOM TSV (:mod:`catalog.records.sssom`)."""
