"""Change notifications (issue 8, point 6b): an admin registers a subscriber; every publication
and withdrawal reaches it as a CloudEvents 1.0 event signed the Standard Webhooks way, retried
with backoff under the same id until acknowledged, cut at a deadline, resumed from the
subscriber's cursor after a restart; private addresses are refused unless allowed.

The subscriber is a real HTTP server on loopback (uvicorn in a thread); events are read with the
CloudEvents SDK and signatures checked with the Standard Webhooks library and by hand."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_http_event
from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from standardwebhooks.webhooks import Webhook

from adapters.notify import Notifier, NotifierSettings, resolve
from catalog.errors import InvalidInput
from catalog.ledger.subscriptions import Subscriptions
from catalog.settings import Settings
from tests.api.publishing_helpers import fresh_hub
from tests.api.read_helpers import API, Hub, hermetic_settings, ledger_database, running_hub
from tests.builders import import_records, passport, service_draft, withdraw
from tests.conftest import open_catalog
from tests.servers import serve_in_thread


@dataclass
class Received:
    name: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """A subscriber: records every request; ``plan[name]`` lists the statuses to answer next
    (then 204); ``/hook/slow`` takes 4 s; ``/hook/redirect`` sends elsewhere."""

    url: str = ""
    got: list[Received] = field(default_factory=list)
    plan: dict[str, list[int]] = field(default_factory=dict)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook/{name}")
        async def hook(name: str, request: Request) -> Response:
            body = await request.body()
            self.got.append(Received(name, dict(request.headers), body, time.monotonic()))
            if name == "slow":
                await asyncio.sleep(4)
            if name == "redirect":
                return RedirectResponse(self.url + "/hook/elsewhere", status_code=307)
            statuses = self.plan.get(name, [])
            return Response(status_code=statuses.pop(0) if statuses else 204)

        return app

    def of(self, name: str) -> list[Received]:
        return [r for r in self.got if r.name == name]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    with serve_in_thread(r.app()) as url:
        r.url = url
        yield r


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """The demo catalogue with a fast notifier allowed to reach the loopback subscriber."""
    with running_hub("sqlite", tmp_path_factory.mktemp("notify") / "data",
                     notify_allow_private=True, notify_interval_s=0.05,
                     notify_timeout_s=1.5) as h:
        yield h


def wait_for(check: Callable[[], bool], timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.02)


def subscribe(hub: Hub, url: str, **extra: Any) -> dict[str, Any]:
    r = hub.client.post(f"{API}/subscriptions", json={"url": url, **extra},
                        headers=hub.bearer("AGE", "admin"))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def cloud_event(got: Received) -> dict[str, Any]:
    """The event as the CloudEvents SDK reads it (which checks the required attributes)."""
    ev = from_http_event(HTTPMessage(headers=got.headers, body=got.body))
    return {"specversion": ev.get_specversion(), "id": ev.get_id(),
            "source": ev.get_source(), "type": ev.get_type(), "subject": ev.get_subject(),
            "time": ev.get_time(), "data": ev.get_data()}


def verify_by_hand(secret: str, got: Received) -> None:
    """The signature as the Standard Webhooks specification defines it."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{got.headers['webhook-id']}.{got.headers['webhook-timestamp']}.".encode() \
        + got.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert got.headers["webhook-signature"] == f"v1,{expected}"


# --- the admin API ------------------------------------------------------------------------------
def test_only_an_admin_registers_and_the_secret_is_shown_once(hub: Hub,
                                                             receiver: Receiver) -> None:
    url = receiver.url + "/hook/admin"
    assert hub.client.post(f"{API}/subscriptions", json={"url": url}).status_code == 401
    r = hub.client.post(f"{API}/subscriptions", json={"url": url},
                        headers=hub.bearer("ASP"))
    assert r.status_code == 403
    created = subscribe(hub, url, kinds=["service"], description="registry of ASP")
    assert created["secret"].startswith("whsec_")
    assert created["cursor"] == hub.catalog.ledger.last_seq()
    assert created["created_by"].startswith("AGE/admin#")
    admin = hub.bearer("AGE", "admin")
    listed = hub.client.get(f"{API}/subscriptions", headers=admin)
    assert listed.status_code == 200
    assert created["id"] in [s["id"] for s in listed.json()]
    one = hub.client.get(f"{API}/subscriptions/{created['id']}", headers=admin)
    assert one.json()["kinds"] == ["service"]
    for answer in (listed, one):
        assert "secret" not in answer.text
        assert created["secret"] not in answer.text
    assert hub.client.delete(f"{API}/subscriptions/{created['id']}",
                             headers=admin).status_code == 204
    gone = hub.client.get(f"{API}/subscriptions/{created['id']}", headers=admin)
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "not_found"
    # both in the audit log, by the admin, without the secret
    log = hub.client.get(f"{API}/audit", params={"target": f"subscription:{created['id']}"},
                         headers=admin)
    entries = log.json()["entries"]
    assert [e["action"] for e in entries] == ["subscribe", "unsubscribe"]
    assert entries[0]["actor"] == created["created_by"]
    assert entries[1]["actor"].startswith("AGE/admin#")
    assert entries[0]["detail"]["url"] == url
    assert created["secret"] not in log.text


@pytest.mark.parametrize(("body", "field", "fragment"), [
    ({"url": "ftp://example.org/hook"}, "url", "is not an http or https address"),
    ({"url": "http://user:pw@203.0.113.9/hook"}, "url", "user name or password"),
    ({"url": "http://127.0.0.1:1/", "kinds": ["passport"]}, "kinds", "is not a kind"),
    ({"url": "http://127.0.0.1:1/", "after": 10**9}, "after", "is past the last change"),
])
def test_bad_registrations_are_refused_naming_the_field(
        hub: Hub, body: dict[str, Any], field: str, fragment: str) -> None:
    r = hub.client.post(f"{API}/subscriptions", json=body, headers=hub.bearer("AGE", "admin"))
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["field"] == field
    assert fragment in error["message"]["en"]
    assert "pw" not in r.text


@pytest.mark.parametrize(("url", "what"), [
    ("http://127.0.0.1:8080/hook", "loopback"),
    ("http://localhost/hook", "loopback"),
    ("http://[::1]/hook", "loopback"),
    ("http://[::ffff:127.0.0.1]/hook", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("https://10.1.2.3/hook", "private"),
    ("http://192.168.0.10/hook", "private"),
    ("http://0.0.0.0/hook", "unspecified"),
    ("http://100.64.0.1/hook", "not global"),
])
def test_non_public_addresses_are_refused_unless_allowed(url: str, what: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        resolve(url, allow_private=False)
    assert caught.value.field == "url"
    assert f"which is not a public address ({what})" in caught.value.message
    assert resolve(url, allow_private=True).address  # allowed by the setting


def test_a_public_address_is_pinned_for_the_delivery() -> None:
    target = resolve("https://9.9.9.9:8443/hook?x=1", allow_private=False)
    assert (target.host, target.port, target.address) == ("9.9.9.9", 8443, "9.9.9.9")


def test_without_the_setting_the_hub_refuses_a_loopback_subscriber(tmp_path: Path) -> None:
    with fresh_hub(hermetic_settings(data_dir=tmp_path / "data")) as plain:
        r = plain.client.post(f"{API}/subscriptions", json={"url": "http://127.0.0.1:9/hook"},
                              headers=plain.bearer("AGE", "admin"))
        assert r.status_code == 400
        assert r.json()["error"]["field"] == "url"
        assert "(loopback)" in r.json()["error"]["message"]["en"]
        assert Subscriptions(plain.catalog.engine).all() == []


# --- delivery ----------------------------------------------------------------------------------
def test_publication_and_withdrawal_arrive_as_signed_cloudevents(
        hub: Hub, receiver: Receiver, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sub = subscribe(hub, receiver.url + "/hook/events", kinds=["service"])
    hub.publish(passport("ASP-9701"))
    hub.withdraw("ASP-9701")
    wait_for(lambda: len(receiver.of("events")) >= 2)
    changes = hub.catalog.ledger.changes_after(sub["cursor"])
    assert [(c.op, c.code) for c in changes] == [("publish", "ASP-9701"),
                                                  ("withdraw", "ASP-9701")]
    published, withdrawn = receiver.of("events")
    for got, change in ((published, changes[0]), (withdrawn, changes[1])):
        assert got.headers["content-type"].startswith("application/cloudevents+json")
        Webhook(sub["secret"]).verify(got.body, got.headers)
        verify_by_hand(sub["secret"], got)
        event = cloud_event(got)
        assert event["specversion"] == "1.0"
        assert event["id"] == got.headers["webhook-id"] == str(change.seq)
        assert event["subject"] == "ASP-9701"
        assert event["source"] == hub.settings.base_uri + "api/v1/changes"
        assert event["data"]["seq"] == change.seq
        assert event["data"]["version"] == change.version_number == 1
    assert cloud_event(published)["type"] == \
        "org.w3id.semcat.record.published"
    data = cloud_event(published)["data"]
    rest = hub.client.get(f"{API}/services/ASP-9701", params={"version": "1"},
                          headers=hub.bearer("ASP")).json()
    assert data["record"] == rest
    assert data["content"] == hub.catalog.ledger.version(changes[0].iri, 1).content
    assert cloud_event(withdrawn)["type"] == \
        "org.w3id.semcat.record.withdrawn"
    assert "record" not in cloud_event(withdrawn)["data"]
    wait_for(lambda: hub.client.get(f"{API}/subscriptions/{sub['id']}",
                                    headers=hub.bearer("AGE", "admin")).json()["delivered"] == 2)
    # a tampered body does not verify
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(sub["secret"]).verify(published.body.replace(b"ASP-9701", b"ASP-9702"),
                                      published.headers)
    assert sub["secret"] not in caplog.text
    assert sub["secret"].removeprefix("whsec_") not in caplog.text


def test_a_failing_subscriber_gets_the_same_event_again_with_backoff(
        hub: Hub, receiver: Receiver) -> None:
    receiver.plan["flaky"] = [503, 500]
    sub = subscribe(hub, receiver.url + "/hook/flaky", kinds=["service"])
    admin = hub.bearer("AGE", "admin")
    hub.publish(passport("ASP-9702"))
    wait_for(lambda: len(receiver.of("flaky")) >= 1)
    wait_for(lambda: hub.client.get(f"{API}/subscriptions/{sub['id']}",
                                    headers=admin).json()["failures"] >= 1)
    state = hub.client.get(f"{API}/subscriptions/{sub['id']}", headers=admin).json()
    assert state["last_error"].endswith("HTTP 503")
    assert state["lag"] >= 1
    wait_for(lambda: len(receiver.of("flaky")) >= 3)
    first, second, third = receiver.of("flaky")[:3]
    assert first.body == second.body == third.body
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == \
        third.headers["webhook-id"]
    assert second.at - first.at >= 0.9  # 1 s after the first failure
    assert third.at - second.at >= 1.9  # 2 s after the second
    wait_for(lambda: hub.client.get(f"{API}/subscriptions/{sub['id']}",
                                    headers=admin).json()["delivered"] == 1)
    state = hub.client.get(f"{API}/subscriptions/{sub['id']}", headers=admin).json()
    assert (state["failures"], state["last_error"], state["lag"]) == (0, None, 0)
    assert len(receiver.of("flaky")) == 3


@pytest.mark.parametrize(("name", "error"), [("slow", "timeout after 1.5 s"),
                                             ("redirect", "HTTP 307")])
def test_a_slow_or_redirecting_subscriber_fails_within_the_deadline(
        hub: Hub, receiver: Receiver, name: str, error: str) -> None:
    sub = subscribe(hub, f"{receiver.url}/hook/{name}", kinds=["service"])
    admin = hub.bearer("AGE", "admin")
    hub.publish(passport("ASP-9703" if name == "slow" else "ASP-9704"))
    wait_for(lambda: len(receiver.of(name)) >= 1)
    started = receiver.of(name)[0].at
    wait_for(lambda: hub.client.get(f"{API}/subscriptions/{sub['id']}",
                                    headers=admin).json()["failures"] >= 1, timeout_s=10)
    assert time.monotonic() - started < 5
    state = hub.client.get(f"{API}/subscriptions/{sub['id']}", headers=admin).json()
    assert state["last_error"].endswith(error)
    assert state["delivered"] == 0
    assert receiver.of("elsewhere") == []  # the redirect is not followed
    hub.client.delete(f"{API}/subscriptions/{sub['id']}", headers=admin)


# --- resuming after a restart ------------------------------------------------------------------
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_delivery_resumes_from_the_cursor_after_a_restart(
        tmp_path: Path, receiver: Receiver, backend: str) -> None:
    """Also: the reference data (code lists, organisations...) are changes of other kinds,
    which move the cursor of a subscriber of services without a request."""
    with ledger_database(backend) as db:
        settings = hermetic_settings(data_dir=tmp_path / "data", notify_allow_private=True,
                                     **db)
        resume_after_restart(settings, receiver, f"resume-{backend}")


def resume_after_restart(settings: Settings, receiver: Receiver, name: str) -> None:
    fast = NotifierSettings(interval_s=0.05, timeout_s=2, max_backoff_s=1,
                            allow_private=True)
    catalog = open_catalog(settings)
    start = catalog.ledger.last_seq()
    assert start > 0
    sub, secret = Subscriptions(catalog.engine).create(
        receiver.url + f"/hook/{name}", created_by="test", cursor=0, kinds=["service"])
    base = settings.base_uri
    import_records(catalog, [service_draft(f"ASP-98{n:02d}", base=base) for n in range(3)])
    receiver.plan[name] = [204, 503]  # the second event fails: the hub then "stops"
    first = Notifier(catalog, fast)
    assert first.run_once() == 1
    first.stop()  # the process ends: its lease is given back
    catalog.close()

    catalog = open_catalog(settings)  # a new process: nothing but the ledger survives
    withdraw(catalog, f"{base}id/service/ASP-9800")
    time.sleep(1.1)  # the backoff after the failure
    second = Notifier(catalog, fast)
    assert second.run_once() == 3
    got = receiver.of(name)
    assert {cloud_event(r)["data"]["kind"] for r in got} == {"service"}
    ids = [r.headers["webhook-id"] for r in got]
    seqs = [c.seq for c in catalog.ledger.changes_after(start)]
    assert len(seqs) == 4
    # the first acknowledged once; the second sent again (same id) after the restart
    assert ids == [str(seqs[0]), str(seqs[1]), str(seqs[1]), str(seqs[2]), str(seqs[3])]
    assert [cloud_event(r)["data"]["op"] for r in got[-3:]] == \
        ["publish", "publish", "withdraw"]
    for r in got:
        Webhook(secret).verify(r.body, r.headers)
    state = Subscriptions(catalog.engine).get(sub.id)
    assert (state.cursor, state.delivered, state.failures) == (seqs[-1], 4, 0)
    assert Notifier(catalog, fast).run_once() == 0  # nothing twice
    # another hub process beside this one sends nothing while this one holds the lease
    import_records(catalog, [service_draft("ASP-9810", base=base)])
    assert Notifier(catalog, fast).run_once() == 0
    assert second.run_once() == 1
    assert len(receiver.of(name)) == len(got) + 1
    second.stop()
    catalog.close()


def test_an_unreachable_subscriber_is_a_failure_with_its_cause(hub: Hub) -> None:
    sub = subscribe(hub, "http://127.0.0.1:9/hook", kinds=["service"])  # nothing listens
    admin = hub.bearer("AGE", "admin")
    hub.publish(passport("ASP-9705"))
    wait_for(lambda: hub.client.get(f"{API}/subscriptions/{sub['id']}",
                                    headers=admin).json()["failures"] >= 1)
    state = hub.client.get(f"{API}/subscriptions/{sub['id']}", headers=admin).json()
    assert state["last_error"].endswith("ConnectError")
    assert (state["cursor"], state["delivered"]) == (sub["cursor"], 0)
    assert state["next_attempt_at"] is not None
    hub.client.delete(f"{API}/subscriptions/{sub['id']}", headers=admin)
