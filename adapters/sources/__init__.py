"""Where adapter records come from: files, REST and SOAP registries, RDF harvests. Every source
gives the sync engine the same thing, :class:`~adapters.sources.base.Item` after item."""
