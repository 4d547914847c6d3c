"""References into a source's items, in the language of the source (RML's ``reference``):
column names for CSV rows, JMESPath for JSON values, XPath 1.0 for XML elements; and templates
(``"https://example.org/{code}"``) whose ``{...}`` parts are references.

Expressions are compiled once per mapping; a reference gives a list of values (empty when the
item has none), each a string, number, boolean, object or list for JSON, a string for XML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

import jmespath
from jmespath.exceptions import JMESPathError
from lxml import etree

from catalog.errors import InvalidInput

Language = Literal["column", "jmespath", "xpath"]
_TEMPLATE = re.compile(r"\{([^{}]+)\}")


def language_of(source: Mapping[str, Any]) -> Language:
    """The expression language of a source's items."""
    if source.get("type") == "soap":
        return "xpath"
    if source.get("type") == "file" and source.get("format") == "csv":
        return "column"
    return "jmespath"


class References:
    """Compiled references of one mapping."""

    def __init__(self, language: Language, namespaces: Mapping[str, str] | None = None) -> None:
        self.language = language
        self.namespaces = dict(namespaces or {})
        self._compiled: dict[str, Any] = {}

    def check(self, expression: str, where: str) -> None:
        """Compile ``expression`` now, so that a bad one is a mapping error, not N rejects."""
        self._compile(expression, where)

    def _compile(self, expression: str, where: str = "reference") -> Any:
        if expression in self._compiled:
            return self._compiled[expression]
        try:
            if self.language == "jmespath":
                compiled: Any = jmespath.compile(expression)
            elif self.language == "xpath":
                compiled = etree.XPath(expression, namespaces=self.namespaces)
            else:
                compiled = expression
        except (JMESPathError, etree.XPathSyntaxError, ValueError) as exc:
            raise InvalidInput.of("adapter.bad_expression", field=where, value=expression,
                                  reason=str(exc).splitlines()[0][:200]) from exc
        self._compiled[expression] = compiled
        return compiled

    def values(self, expression: str, data: Any) -> list[Any]:
        """What ``expression`` gives on one item ``data``: the nodes XPath finds, the one
        value of a column or a JMESPath expression (a JSON array stays one value)."""
        compiled = self._compile(expression)
        if self.language == "column":
            if not isinstance(data, Mapping):
                return []
            found = data.get(expression)
            return [] if found is None else [found]
        if self.language == "xpath":
            if not isinstance(data, etree._Element):
                return []
            result = compiled(data)
            items = result if isinstance(result, list) else [result]
            return [_xml_text(x) for x in items]
        found = compiled.search(data)
        return [] if found is None else [found]

    def iterate(self, expression: str, data: Any) -> list[Any]:
        """The items an iterator gives (a JSON array's elements, the XML nodes found)."""
        return [x for v in self.values(expression, data)
                for x in (v if isinstance(v, list) else [v])]

    def template(self, template: str, data: Any) -> str | None:
        """The template filled with the first value of each reference; None when one has
        none."""
        missing = False

        def part(m: re.Match[str]) -> str:
            nonlocal missing
            vals = [v for v in self.values(m.group(1).strip(), data) if v not in (None, "")]
            if not vals:
                missing = True
                return ""
            return str(vals[0])

        out = _TEMPLATE.sub(part, template)
        return None if missing else out

    def template_refs(self, template: str) -> list[str]:
        return [m.group(1).strip() for m in _TEMPLATE.finditer(template)]


def _xml_text(x: Any) -> Any:
    if isinstance(x, etree._Element):
        return "".join(x.itertext())
    if isinstance(x, (bool, float)):
        return x
    return str(x)
