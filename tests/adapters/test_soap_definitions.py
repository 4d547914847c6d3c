"""Hostile and awkward WSDL definitions for the SOAP source: read from the bundle only, the
X-Road schemas mapped, XXE and non-XML refused, circular imports terminating, and a
schemaLocation naming a file outside the bundle refused without its content appearing in the
error, its chain or a log (zeep 4.3.3 alone reads it and puts it in the exception)."""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

import pytest

from adapters.definitions.bundle import Bundle
from adapters.sources.soap import SoapConfig, SoapSource
from adapters.sources.wsdl import ORIGIN, BundleTransport, check_imports, load_client
from catalog.errors import InvalidInput, UnsafeInput
from tests.adapters.registries import everything_shown

SECRET_FILE_TEXT = "semcat-secret-outside-the-bundle-7f3a"


@pytest.fixture(scope="module")
def soap(shared: Path) -> Path:
    return shared / "soap"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A local file beside (not inside) the bundle, with a recognisable content."""
    path = tmp_path / "private.xsd"
    path.write_text(f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
                    f"<!-- {SECRET_FILE_TEXT} --></xs:schema>")
    return path


def test_the_real_x_road_wsdls_load_with_their_remote_imports_mapped(soap: Path) -> None:
    bundle = Bundle.from_directory(soap / "xroad")
    client = load_client(bundle, "testservice-getRandom-bmi.wsdl")
    operations = {op for b in client.wsdl.bindings.values() for op in b._operations}
    assert operations == {"xroadGetRandom", "bodyMassIndex"}
    src = SoapSource(SoapConfig(name="bmi", bundle=soap / "xroad",
                                wsdl="testservice-getRandom-bmi.wsdl", operation="bodyMassIndex",
                                service="bodyMassIndex", port="bodyMassIndexPortSoap11",
                                records="*", key="."))
    assert b"bodyMassIndex" in src.envelope({"height": 180, "weight": 80})
    src.close()
    assert check_imports(bundle, "xroad6-getRandom.wsdl") == [
        "xroad6-getRandom.wsdl", "_mapped/xroad.xsd", "_mapped/identifiers.xsd",
        "_mapped/xml.xsd"]


@pytest.mark.parametrize(("wsdl", "error", "message"), [
    ("xxe.wsdl", UnsafeInput, "XML with a DOCTYPE or entity declaration is refused"),
    ("invalid.wsdl", InvalidInput, "invalid.wsdl is not well-formed XML (line 1, column 1): "
     "Start tag expected, '<' not found, line 1, column 1"),
])
def test_xxe_and_invalid_wsdls_are_refused_with_a_clear_message(
        soap: Path, wsdl: str, error: type[InvalidInput], message: str) -> None:
    with pytest.raises(error) as err:
        SoapSource(SoapConfig(name="x", bundle=soap / "xroad", wsdl=wsdl, operation="any",
                              records="*", key="."))
    assert err.value.message == message
    hostname = Path("/etc/hostname").read_text().strip()
    assert hostname not in everything_shown(err.value).replace("localhost", "")


def test_circular_schema_imports_terminate(soap: Path) -> None:
    bundle = Bundle.from_directory(soap / "zeep-tests", url_map={})
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(
        load_client(bundle, "recursive_schema_main.wsdl")), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert done, "loading circular imports did not finish"
    assert sorted(check_imports(bundle, "recursive_schema_main.wsdl")) == [
        "recursive_schema_a.xsd", "recursive_schema_b.xsd", "recursive_schema_c.xsd",
        "recursive_schema_main.wsdl"]


def test_an_unmapped_remote_import_is_refused_and_mapping_it_loads(soap: Path) -> None:
    folder = soap / "zeep-tests"
    with pytest.raises(UnsafeInput) as err:
        load_client(Bundle.from_directory(folder, url_map={}), "soap_import_main.wsdl")
    assert err.value.message == (
        "schemaLocation 'http://schemas.xmlsoap.org/soap/encoding/' is refused: a URL that the "
        "bundle does not map; definitions are read only from the files uploaded with them and "
        "the schemas the hub ships")
    mapped = Bundle.from_directory(
        folder, url_map={"http://schemas.xmlsoap.org/soap/encoding/": folder / "soap-enc.xsd"})
    client = load_client(mapped, "soap_import_main.wsdl")
    assert client.wsdl.services


@pytest.mark.parametrize("how", ["absolute", "file-url", "dot-dot", "symlink"])
def test_a_schema_location_outside_the_bundle_is_refused_and_never_read(
        soap: Path, tmp_path: Path, outside: Path, how: str,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bundle_dir = tmp_path / "bundle" / "wsdl"
    bundle_dir.mkdir(parents=True)
    location = {"absolute": str(outside), "file-url": outside.as_uri(),
                "dot-dot": "../../private.xsd", "symlink": "linked.xsd"}[how]
    if how == "symlink":
        (bundle_dir / "linked.xsd").symlink_to(outside)
    wsdl = (soap / "zeep-tests" / "soap.wsdl").read_text()
    wsdl = wsdl.replace("</schema>", f'<include schemaLocation="{location}"/></schema>', 1)
    assert location in wsdl
    (bundle_dir / "service.wsdl").write_text(wsdl)
    with pytest.raises(InvalidInput) as err:
        SoapSource(SoapConfig(name="x", bundle=bundle_dir, wsdl="service.wsdl",
                              operation="GetLastTradePrice", records="*", key="."))
    assert err.value.field == "schemaLocation"
    assert "not in the bundle" in err.value.message or "is refused" in err.value.message
    assert SECRET_FILE_TEXT not in everything_shown(err.value) + caplog.text


@pytest.mark.parametrize("url", ["/etc/hostname", "file:///etc/hostname",
                                 "http://bundle.invalid/../../etc/hostname",
                                 "http://169.254.169.254/latest/meta-data"])
def test_zeeps_loader_itself_serves_nothing_outside_the_bundle(url: str) -> None:
    transport = BundleTransport(Bundle.of_files({"a.wsdl": b"<a/>"}, url_map={}))
    with pytest.raises(UnsafeInput) as err:
        transport.load(url)
    assert "root:" not in everything_shown(err.value)
    assert transport.load(ORIGIN + "a.wsdl") == b"<a/>"


def test_a_zip_bundle_works_like_a_folder(soap: Path, tmp_path: Path) -> None:
    archive = shutil.make_archive(str(tmp_path / "xroad"), "zip", soap / "xroad")
    src = SoapSource(SoapConfig(name="x", bundle=Path(archive), wsdl="xroad6-getRandom.wsdl",
                                operation="getRandom", records="*", key="."))
    assert b"getRandom" in src.envelope({"amount": 1})
    src.close()


@pytest.mark.parametrize("how", ["absolute", "file-url", "dot-dot"])
def test_zeep_is_confined_even_without_the_import_walk(
        soap: Path, tmp_path: Path, outside: Path, how: str,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The second gate alone: zeep, loading through the bundle transport, reads nothing
    outside the bundle (zeep 4.3.3 alone reads the file and puts it in the exception)."""
    import adapters.sources.wsdl as wsdl_module

    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(wsdl_module, "check_imports", lambda bundle, root: [root])
    location = {"absolute": str(outside), "file-url": outside.as_uri(),
                "dot-dot": "../../private.xsd"}[how]
    wsdl = (soap / "zeep-tests" / "soap.wsdl").read_text()
    wsdl = wsdl.replace("</schema>", f'<include schemaLocation="{location}"/></schema>', 1)
    bundle = Bundle.of_files({"wsdl/service.wsdl": wsdl.encode()}, url_map={})
    with pytest.raises(InvalidInput) as err:
        load_client(bundle, "wsdl/service.wsdl")
    assert err.value.field == "schemaLocation"
    assert SECRET_FILE_TEXT not in everything_shown(err.value) + caplog.text
