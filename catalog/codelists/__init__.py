"""Code lists as first-class assets, browsable like Skosmos: the versions of each concept scheme
(the ledger's versions of its record), hierarchy, A-Z, search through the search index, concept
pages and diffs between versions (:mod:`.browse`, :mod:`.scheme`, :mod:`.diff`)."""

from catalog.codelists.browse import CodeLists, Letter, SchemeSummary, SchemeVersion
from catalog.codelists.diff import SchemeDiff, diff_schemes
from catalog.codelists.scheme import Concept, Mapping, Scheme, letter_of, read_scheme

__all__ = ["CodeLists", "Concept", "Letter", "Mapping", "Scheme", "SchemeDiff", "SchemeSummary",
           "SchemeVersion", "diff_schemes", "letter_of", "read_scheme"]
