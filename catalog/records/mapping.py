"""A declarative JSON <-> RDF mapping for plain models: each field of the model is one predicate
of the record's root resource.

For kinds whose JSON is flat (a code, texts by language, links to other resources, typed
values); a kind with parts of its own (the passport's evidence, costs, channels) writes its
mapping by hand (:mod:`catalog.records.passport`). The mapping is lossless for what it declares:
``from_triples(to_triples(m, iri), iri) == m``.

Shapes of a field:

- ``code``: a plain literal, required (the record's code);
- ``text``: a plain literal, optional;
- ``typed``: a literal of ``datatype`` (its lexical form in JSON), optional;
- ``langmap``: language tag -> text (``""`` for a literal without a tag);
- ``langlists``: language tag -> texts (keywords);
- ``iri``: one IRI, optional; ``iris``: IRIs (kept sorted).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pyoxigraph as ox
from pydantic import BaseModel

from catalog.errors import ConfigurationError
from catalog.namespaces import RDF_TYPE

Shape = Literal["code", "text", "typed", "langmap", "langlists", "iri", "iris"]


@dataclass(frozen=True)
class Field:
    name: str
    predicate: str
    shape: Shape
    datatype: str | None = None


class FieldMapping:
    """Model <-> triples of a root resource typed ``root_class``."""

    def __init__(self, model: type[BaseModel], root_class: str, fields: Sequence[Field]) -> None:
        missing = set(model.model_fields) - {f.name for f in fields}
        extra = {f.name for f in fields} - set(model.model_fields)
        if missing or extra:
            raise ConfigurationError.of("mapping.fields", model=model.__name__,
                                        unmapped=sorted(missing), unknown=sorted(extra))
        self.model, self.root_class, self.fields = model, root_class, tuple(fields)

    @property
    def iri_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.shape in ("iri", "iris"))

    def to_triples(self, record: Any, iri: str) -> list[ox.Triple]:
        s = ox.NamedNode(iri)
        out = [ox.Triple(s, ox.NamedNode(RDF_TYPE), ox.NamedNode(self.root_class))]
        for f in self.fields:
            p, value = ox.NamedNode(f.predicate), getattr(record, f.name)
            if value is None:
                continue
            if f.shape in ("code", "text"):
                out.append(ox.Triple(s, p, ox.Literal(str(value))))
            elif f.shape == "typed":
                assert f.datatype is not None
                out.append(ox.Triple(s, p, ox.Literal(str(value),
                                                      datatype=ox.NamedNode(f.datatype))))
            elif f.shape == "langmap":
                out += [ox.Triple(s, p, _text(text, lang)) for lang, text in value.items()]
            elif f.shape == "langlists":
                out += [ox.Triple(s, p, _text(text, lang)) for lang, texts in value.items()
                        for text in texts]
            elif f.shape == "iri":
                out.append(ox.Triple(s, p, ox.NamedNode(value)))
            else:
                out += [ox.Triple(s, p, ox.NamedNode(v)) for v in value]
        return out

    def from_triples(self, triples: Iterable[ox.Triple], iri: str) -> Any:
        values: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = defaultdict(list)
        for t in triples:
            if isinstance(t.subject, ox.NamedNode) and t.subject.value == iri:
                values[t.predicate.value].append(t.object)  # type: ignore[arg-type]
        data: dict[str, Any] = {}
        for f in self.fields:
            found = values.get(f.predicate, [])
            literals = [o for o in found if isinstance(o, ox.Literal)]
            named = sorted(o.value for o in found if isinstance(o, ox.NamedNode))
            if f.shape in ("code", "text", "typed"):
                if literals:
                    data[f.name] = literals[0].value
            elif f.shape == "langmap":
                data[f.name] = {o.language or "": o.value for o in literals}
            elif f.shape == "langlists":
                lists: dict[str, list[str]] = defaultdict(list)
                for o in literals:
                    lists[o.language or ""].append(o.value)
                data[f.name] = {k: sorted(v) for k, v in lists.items()}
            elif f.shape == "iri":
                if named:
                    data[f.name] = named[0]
            else:
                data[f.name] = named
        return self.model.model_validate(data)


def _text(text: str, lang: str) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)
