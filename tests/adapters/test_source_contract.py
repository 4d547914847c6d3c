"""The contract every registry source keeps with the sync engine, run against each of them
(REST in every paging style, SOAP paged and not): stable keys, positions that resume exactly
after any item, a foreign position refused, the same records on a second run, close twice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from adapters.sources.base import Item, Source
from adapters.sources.headers import MConnectHeader
from adapters.sources.paging import Paging
from adapters.sources.rest import RestConfig, RestSource
from adapters.sources.soap import SoapConfig, SoapPaging, SoapSource
from catalog.errors import InvalidInput
from tests.adapters.registries import POP, Registry, serving

EXAMPLE = Path(__file__).resolve().parents[2] / "adapters" / "examples" / \
    "mconnect-population-register"
HEADER = MConnectHeader("2000000000001", "1003600000000", "Legea nr. 100/2001, art. 73", "t")


@pytest.fixture(scope="module")
def registry() -> Iterator[tuple[Registry, str]]:
    with serving() as served:
        yield served


def _rest(path: str, records: str, paging: Paging) -> Callable[[str], Source]:
    return lambda url: RestSource(RestConfig(name="rest", base_url=url, path=path,
                                             records=records, paging=paging))


def _soap(paging: SoapPaging | None, operation: str, request: dict[str, str]
          ) -> Callable[[str], Source]:
    return lambda url: SoapSource(SoapConfig(
        name="soap", bundle=EXAMPLE, wsdl="population-register.wsdl", operation=operation,
        request=request, records="*/p:Person", key="p:IDNP", namespaces={"p": POP},
        endpoint=f"{url}/soap/ok", header=HEADER, paging=paging))


SOURCES = {
    "rest-none": _rest("/rest/link", "", Paging()),
    "rest-page": _rest("/rest/page", "items", Paging(style="page", size=64)),
    "rest-offset": _rest("/rest/offset", "items",
                         Paging(style="offset", size=64, size_param="limit")),
    "rest-cursor": _rest("/rest/cursor", "data",
                         Paging(style="cursor", size=64, cursor_path="meta.next")),
    "rest-link": _rest("/rest/link", "", Paging(style="link")),
    "soap-paged": _soap(SoapPaging(size=7), "ListPersons", {}),
    "soap-single": _soap(None, "ListPersons", {"Page": "1", "PageSize": "20"}),
}


@pytest.fixture(params=list(SOURCES))
def source(request: pytest.FixtureRequest, registry: tuple[Registry, str]) -> Iterator[Source]:
    src = SOURCES[request.param](registry[1])
    yield src
    src.close()
    src.close()  # closing twice is harmless


def test_a_source_keeps_the_contract(source: Source) -> None:
    first = list(source.items())
    assert len(first) > 10
    assert all(isinstance(i, Item) and not i.problems for i in first)
    keys = [i.key for i in first]
    assert len(set(keys)) == len(keys)
    assert [i.key for i in source.items()] == keys  # a second run gives the same
    for cut in (0, 6, 7, len(first) // 2, len(first) - 2, len(first) - 1):
        assert [i.key for i in source.items(after=first[cut].position)] == keys[cut + 1:]
    with pytest.raises(InvalidInput, match="resume position"):
        list(source.items(after="not a position"))
