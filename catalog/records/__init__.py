"""What a record is: its kind, its identifiers, its JSON model and RDF mapping, its parts.

A record is anything with its own named graph and its own history of versions: a service
passport, an organisation, a code list, a legal act, a location.
"""

from catalog.records.split import RecordDraft, split

__all__ = ["RecordDraft", "split"]
