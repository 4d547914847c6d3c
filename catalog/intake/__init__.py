"""What users send, read into records: gates before any parser, then JSON, CSV or RDF."""
