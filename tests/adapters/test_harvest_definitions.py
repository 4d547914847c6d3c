"""Harvest of real definitions (../shared/external/soap): operations and elements listed,
recursive imports terminate, hostile or broken files refused with a clear message."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from adapters.definitions.bundle import Bundle
from adapters.definitions.harvest import bundle_of, harvest
from catalog.errors import InvalidInput, TooLarge, UnsafeInput
from catalog.records.elements import Definition, Element, diff_elements
from tests.conftest import SHARED

SOAP = SHARED / "soap"


@pytest.fixture(scope="module", autouse=True)
def _material(shared: Path) -> None:
    """The real definitions of ../shared/external/soap (required in CI)."""


def one(path: Path) -> Definition:
    return harvest(bundle_of({path.name: path.read_bytes()}), what=path.name)


def by_path(d: Definition) -> dict[str, Element]:
    return {e.path: e for e in d.elements}


def test_the_xroad_getrandom_bmi_wsdl_lists_its_two_operations_with_their_elements() -> None:
    d = one(SOAP / "xroad/testservice-getRandom-bmi.wsdl")
    assert d.format == "wsdl"
    ops = {o.name: o for o in d.operations}
    assert sorted(ops) == ["bodyMassIndex", "xroadGetRandom"]
    assert ops["bodyMassIndex"].input == ["element/bodyMassIndex"]
    assert ops["bodyMassIndex"].output == ["element/bodyMassIndexResponse"]
    xrd = "{http://x-road.eu/xsd/xroad.xsd}"
    assert ops["xroadGetRandom"].header == [xrd + n for n in (
        "client", "service", "id", "userId", "issue", "protocolVersion")]
    assert "simple SOAP service" in (ops["xroadGetRandom"].documentation or "")
    elements = by_path(d)
    assert [(p, e.datatype, e.min_occurs, e.max_occurs) for p, e in elements.items()
            if p.startswith("element/bodyMassIndex/")] == [
        ("element/bodyMassIndex/weight", "xs:float", 1, 1),
        ("element/bodyMassIndex/height", "xs:float", 1, 1)]
    assert elements["element/xroadGetRandomResponse/random"].datatype == "xs:decimal"


def test_the_xroad6_example_keeps_cardinalities_and_named_types() -> None:
    elements = by_path(one(SOAP / "xroad/xroad6-getRandom.wsdl"))
    value = elements["element/getRandomResponse/randomValues/randomValue"]
    assert (value.datatype, value.min_occurs, value.max_occurs) == ("xs:decimal", 1, 1000)
    assert elements["element/getRandom/amount"].datatype == "xs:positiveInteger"
    assert "type/randomValues/randomValue" in elements


def test_the_xroad_meta_services_wsdl_lists_listmethods_allowedmethods_getwsdl() -> None:
    d = one(SOAP / "xroad/meta-services.wsdl")
    assert sorted(o.name for o in d.operations) == ["allowedMethods", "getWsdl", "listMethods"]
    service = by_path(d)["element/listMethodsResponse/service"]
    assert (service.datatype, service.min_occurs, service.max_occurs) == \
        ("XRoadServiceIdentifierType", 0, None)
    assert by_path(d)["element/listMethodsResponse/service/subsystemCode"].min_occurs == 0


def test_the_petstore_openapi_lists_operations_and_component_schemas() -> None:
    d = one(SOAP / "xroad-rest/petstore-example.openapi.yaml")
    assert d.format == "openapi"
    ops = {o.name: o for o in d.operations}
    assert len(ops) == 16
    assert (ops["getPetById"].method, ops["getPetById"].target, ops["getPetById"].output) == \
        ("GET", "/pets/{petId}", ["schema/Pet"])
    assert ops["addPet"].input == ["schema/Pet"]  # a shared request body, followed
    assert ops["deletePet"].header == ["header:api_key"]
    elements = by_path(d)
    assert elements["schema/Order/shipDate"].datatype == "string(date-time)"
    assert elements["schema/Pet/category"].datatype == "Category"
    assert elements["schema/Pet/name"].min_occurs == 1  # required


def test_an_openapi_document_reads_the_same_from_json_as_from_yaml() -> None:
    import yaml

    source = SOAP / "xroad-rest/petstore-example.openapi.yaml"
    as_json = json.dumps(yaml.safe_load(source.read_text("utf-8"))).encode()
    assert harvest(bundle_of({"petstore.json": as_json})).model_dump(exclude={"main"}) == \
        one(source).model_dump(exclude={"main"})


def test_the_metaservices_openapi_follows_shared_parameters_and_nested_schemas() -> None:
    d = one(SOAP / "xroad-rest/metaservices-rest.openapi.yaml")
    ops = {o.name: o for o in d.operations}
    assert sorted(ops) == ["allowedMethods", "getOpenAPI", "listMethods"]
    assert ops["listMethods"].header == ["header:X-Road-Client"]
    assert "path:xRoadInstance" in ops["listMethods"].input
    member = by_path(d)["schema/restServiceDetailsListType/member"]
    assert (member.max_occurs, member.datatype) == (None, "xroadRestServiceDetailsType")


def test_zeep_recursive_schema_imports_terminate() -> None:
    z = SOAP / "zeep-tests"
    files = {f.name: f.read_bytes() for f in z.glob("recursive_schema*")}
    d = harvest(Bundle.of_files(files))
    assert d.main == "recursive_schema_main.wsdl"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("recursive_schema_a.xsd", "recursive_schema_b.xsd",
                     "recursive_schema_c.xsd"):
            zf.writestr(f"schemas/{name}", (z / name).read_bytes())
    xsd = harvest(bundle_of({"bundle.zip": archive.getvalue()}))
    assert xsd.format == "xsd"


def test_a_zip_bundle_whose_files_import_one_another_relatively() -> None:
    z = SOAP / "zeep-tests"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("service/soap_header.wsdl", (z / "soap_header.wsdl").read_bytes())
        zf.writestr("service/soap.wsdl", (z / "soap.wsdl").read_bytes())
    d = harvest(bundle_of({"b.zip": archive.getvalue()}))
    assert {o.name for o in d.operations} == {"GetLastTradePrice", "GetLastTradePriceNoOutput"}


@pytest.mark.parametrize(("name", "error", "text"), [
    ("xxe.wsdl", UnsafeInput, "XML with a DOCTYPE or entity declaration is refused"),
    ("invalid.wsdl", InvalidInput, "invalid.wsdl is not well-formed XML (line 1, column 1)"),
])
def test_xxe_and_invalid_wsdl_are_refused_with_a_clear_message(
        name: str, error: type[Exception], text: str) -> None:
    with pytest.raises(error) as caught:
        one(SOAP / "xroad" / name)
    assert text in str(caught.value)


def test_an_import_the_bundle_does_not_map_is_refused_by_name() -> None:
    z = SOAP / "zeep-tests"
    files = {n: (z / n).read_bytes() for n in ("soap_import_main.wsdl", "soap_import_2.wsdl",
                                               "test_import_2.xsd")}
    with pytest.raises(UnsafeInput) as caught:
        harvest(Bundle.of_files(files))
    assert "'http://schemas.xmlsoap.org/soap/encoding/' is refused: a URL that the bundle " \
        "does not map" in str(caught.value)


def test_yaml_aliases_and_element_floods_are_refused() -> None:
    bomb = b"openapi: 3.0.0\na: &a [x, x]\nb: [*a, *a]\n"
    with pytest.raises(UnsafeInput, match="aliases are refused"):
        harvest(bundle_of({"bomb.yaml": bomb}))
    many = {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(50)}}
    with pytest.raises(TooLarge, match="more than 10 elements"):
        harvest(bundle_of({"s.json": json.dumps(many).encode()}), limit=10)


def test_element_diff_marks_breaking_and_compatible_changes() -> None:
    old = by_path(one(SOAP / "xroad/xroad6-getRandom.wsdl"))
    new = dict(old)
    amount = old["element/getRandom/amount"]
    new["element/getRandom/amount"] = amount.model_copy(update={"datatype": "xs:string"})
    value = old["type/randomValues/randomValue"]
    new["type/randomValues/randomValue"] = value.model_copy(update={"max_occurs": None})
    del new["element/getRandomResponse/randomValues/randomValue"]
    new["element/getRandom/seed"] = Element(path="element/getRandom/seed", name="seed",
                                            min_occurs=0)
    changes = {(c.path, c.change): c.breaking for c in
               diff_elements(list(old.values()), list(new.values()))}
    assert changes == {
        ("element/getRandom/amount", "type_changed"): True,
        ("type/randomValues/randomValue", "cardinality_changed"): False,
        ("element/getRandomResponse/randomValues/randomValue", "removed"): True,
        ("element/getRandom/seed", "added"): False}


def test_a_required_child_is_breaking_only_under_an_element_that_was_there() -> None:
    old = [Element(path="element/a", name="a")]
    new = [*old, Element(path="element/a/x", name="x"),
           Element(path="element/b", name="b"), Element(path="element/b/y", name="y")]
    changes = {c.path: c.breaking for c in diff_elements(old, new)}
    assert changes == {"element/a/x": True, "element/b": False, "element/b/y": False}


def test_json_schema_refs_are_followed_inside_the_bundle_and_refused_outside() -> None:
    person = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Person",
              "type": "object", "required": ["idnp"],
              "properties": {"idnp": {"type": "string", "description": "Personal code"},
                             "address": {"$ref": "address.json"},
                             "children": {"type": "array", "items": {"$ref": "#"}}}}
    address = {"type": "object", "properties": {"locality": {"type": "string"}}}
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("person.json", json.dumps(person))
        zf.writestr("address.json", json.dumps(address))
    d = harvest(bundle_of({"p.zip": archive.getvalue()}))
    elements = by_path(d)
    assert d.format == "jsonschema"
    assert (elements["schema/Person/idnp"].min_occurs,
            elements["schema/Person/idnp"].documentation) == (1, "Personal code")
    assert elements["schema/Person/address/locality"].datatype == "string"
    assert elements["schema/Person/children"].max_occurs is None  # recursion listed once
    assert "schema/Person/children/idnp" not in elements
    remote = {**person, "properties": {"x": {"$ref": "https://example.org/evil.json"}}}
    with pytest.raises(UnsafeInput, match="a URL that the bundle does not map"):
        harvest(bundle_of({"p.json": json.dumps(remote).encode()}))
