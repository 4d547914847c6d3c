"""Elements of semantic assets mapped to the EU Core Vocabularies (Core Person, Core Business,
Core Location, CPOV, CCCEV): the bundled terms (:mod:`.vocabulary`), scored suggestions
(:mod:`.suggest`), a reviewer's decisions kept as a record of SKOS mappings (:mod:`.review`),
and SSSOM TSV (:mod:`.sssom`)."""

from catalog.mappings.review import Coverage, Decision, MappingSets
from catalog.mappings.sssom import write_tsv
from catalog.mappings.suggest import Element, Suggestion, suggest
from catalog.mappings.vocabulary import Term, core_terms

__all__ = ["Coverage", "Decision", "Element", "MappingSets", "Suggestion", "Term", "core_terms",
           "suggest", "write_tsv"]
