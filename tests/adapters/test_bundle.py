"""Definition bundles: imports resolved inside the bundle only, the hardened XML parser, caps;
on the real X-Road definitions and hostile inputs of ../shared/external/soap."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from adapters.definitions.bundle import MAX_FILE_BYTES, Bundle, parse_xml
from catalog.errors import InvalidInput, TooLarge, UnsafeInput


@pytest.fixture(scope="module")
def xroad(shared: Path) -> Path:
    return shared / "soap" / "xroad"


def test_x_road_remote_imports_resolve_to_the_shipped_schemas(xroad: Path) -> None:
    wsdl = (xroad / "testservice-getRandom-bmi.wsdl").read_bytes()
    bundle = Bundle.of_files({"service.wsdl": wsdl})
    name, body = bundle.read("http://x-road.eu/xsd/xroad.xsd", "service.wsdl")
    assert b'targetNamespace="http://x-road.eu/xsd/xroad.xsd"' in body
    # xroad.xsd imports xml.xsd and identifiers.xsd relatively to its remote URL
    assert bundle.resolve("identifiers.xsd", name) == "_mapped/identifiers.xsd"
    assert bundle.resolve("xml.xsd", name) == "_mapped/xml.xsd"
    root = parse_xml(wsdl, what="service.wsdl")
    assert root.tag == "{http://schemas.xmlsoap.org/wsdl/}definitions"


@pytest.mark.parametrize("location", [
    "/etc/hostname", "file:///etc/hostname", "../../etc/hostname", "../../../secret.xsd",
    "http://169.254.169.254/latest/meta-data", "ftp://example.org/a.xsd", "C:/Windows/win.ini",
    "//evil.example/a.xsd",
])
def test_a_location_outside_the_bundle_is_refused_without_its_content(location: str) -> None:
    bundle = Bundle.of_files({"a.wsdl": b"<a/>", "sub/b.xsd": b"<b/>"}, url_map={})
    with pytest.raises(UnsafeInput) as err:
        bundle.read(location, "sub/b.xsd")
    assert err.value.field == "schemaLocation"
    text = " ".join(err.value.messages.values())
    assert "refused" in err.value.message
    assert "root:" not in text  # nothing of /etc leaks
    assert "localhost" not in text


def test_relative_imports_inside_the_bundle_are_followed(shared: Path) -> None:
    bundle = Bundle.from_directory(shared / "soap" / "zeep-tests", url_map={})
    assert bundle.resolve("recursive_schema_b.xsd", "recursive_schema_a.xsd") == \
        "recursive_schema_b.xsd"
    with pytest.raises(InvalidInput, match="not in the bundle"):
        bundle.resolve("absent.xsd", "soap.wsdl")


def test_xxe_and_non_xml_definitions_get_a_clear_refusal(xroad: Path) -> None:
    with pytest.raises(UnsafeInput, match="DOCTYPE"):
        parse_xml((xroad / "xxe.wsdl").read_bytes(), what="xxe.wsdl")
    with pytest.raises(InvalidInput, match=r"invalid.wsdl is not well-formed XML \(line 1"):
        parse_xml((xroad / "invalid.wsdl").read_bytes(), what="invalid.wsdl")


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def test_a_zip_bundle_keeps_its_relative_imports_and_refuses_escapes() -> None:
    bundle = Bundle.from_zip(_zip({"wsdl/main.wsdl": b"<a/>", "xsd/types.xsd": b"<b/>"}))
    assert bundle.resolve("../xsd/types.xsd", "wsdl/main.wsdl") == "xsd/types.xsd"
    with pytest.raises(UnsafeInput, match="outside the archive"):
        Bundle.from_zip(_zip({"../evil.xsd": b"<b/>"}))


def test_a_zip_bomb_is_cut_while_reading() -> None:
    bomb = _zip({"big.xsd": b"\0" * (MAX_FILE_BYTES + 10)})
    assert len(bomb) < MAX_FILE_BYTES // 100
    with pytest.raises(TooLarge, match=r"big\.xsd is larger than"):
        Bundle.from_zip(bomb)
    with pytest.raises(InvalidInput, match="not a readable zip"):
        Bundle.from_zip(b"PK\x03\x04 not really")
