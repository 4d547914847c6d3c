"""Mutual TLS towards a registry (as X-Road security servers and MConnect require): a server
on loopback that only answers clients with a certificate of its authority; certificates made
with the `openssl` command for the test."""

from __future__ import annotations

import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from adapters.sources.errors import RegistryUnavailable
from adapters.sources.rest import RestConfig, RestSource
from adapters.sources.tls import Tls
from catalog.errors import ConfigurationError
from tests.adapters.registries import RECORDS, build


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A test authority, a server certificate for 127.0.0.1 and a client certificate."""
    d = tmp_path_factory.mktemp("pki")
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=semcat test CA", cwd=d)
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1"),
                      ("client", "extendedKeyUsage=clientAuth")):
        _openssl("req", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr",
                 "-subj", f"/CN=semcat test {name}", cwd=d)
        (d / f"{name}.ext").write_text(ext + "\n")
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile",
                 f"{name}.ext", cwd=d)
    return d


@pytest.fixture(scope="module")
def server(pki: Path) -> Iterator[str]:
    config = uvicorn.Config(build().app, host="127.0.0.1", port=0, log_level="critical",
                            ssl_keyfile=str(pki / "server.key"),
                            ssl_certfile=str(pki / "server.pem"),
                            ssl_ca_certs=str(pki / "ca.pem"), ssl_cert_reqs=ssl.CERT_REQUIRED)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.01)
    yield f"https://127.0.0.1:{srv.servers[0].sockets[0].getsockname()[1]}"
    srv.should_exit = True
    thread.join(timeout=30)


def read(url: str, tls: Tls | None) -> list[str]:
    src = RestSource(RestConfig(name="tls", base_url=url, path="/rest/page", records="items",
                                tls=tls))
    try:
        return [i.key for i in src.items()]
    finally:
        src.close()


def test_a_client_certificate_of_the_registrys_authority_is_let_in(
        server: str, pki: Path) -> None:
    tls = Tls(ca_file=pki / "ca.pem", cert_file=pki / "client.pem", key_file=pki / "client.key")
    assert read(server, tls) == [r["id"] for r in RECORDS[:100]]


def test_without_the_client_certificate_or_the_authority_the_registry_is_unreachable(
        server: str, pki: Path) -> None:
    with pytest.raises(RegistryUnavailable, match="cannot be reached"):
        read(server, Tls(ca_file=pki / "ca.pem"))
    with pytest.raises(RegistryUnavailable, match=r"cannot be reached \(ConnectError\)"):
        read(server, None)  # the system's authorities do not know the test CA


def test_unusable_tls_files_are_a_configuration_error(pki: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as err:
        Tls(ca_file=pki / "ca.pem", cert_file=tmp_path / "absent.pem").context()
    assert err.value.message == "the source's TLS files (ca.pem, absent.pem) cannot be used: " \
                                "FileNotFoundError"
