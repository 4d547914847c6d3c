"""A mapping's ``source`` section (``rest`` or ``soap``, see ``mapping.schema.json``) as the typed
configuration of its source: :class:`~adapters.sources.rest.RestConfig` and
:class:`~adapters.sources.soap.SoapConfig`.

Paths (a JSON Schema, a WSDL bundle, the files of ``url_map``, TLS files) are relative to the
mapping file. Secrets are named, never given: ``auth.token.env`` names the ``SEMCAT_*`` setting
that holds the token, read when the source opens. The record's iterator and key come from the
mapping's ``record`` section: for REST a dotted path (``data.items``, ``id``), for SOAP XPath
1.0 with the section's namespaces. Anything the schema lets through but a source cannot use is
an ``adapter.mapping_invalid`` error naming the key in the mapping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adapters.definitions.bundle import XROAD_SCHEMAS
from adapters.mapping.spec import MappingSpec
from adapters.sources.auth import Auth
from adapters.sources.headers import HeaderProfile, MConnectHeader, XRoadHeader, mconnect_for
from adapters.sources.http import Limits, Retries
from adapters.sources.paging import Paging
from adapters.sources.rest import RestConfig
from adapters.sources.soap import SoapConfig, SoapPaging, published_passport
from adapters.sources.tls import Tls
from catalog.errors import InvalidInput

if TYPE_CHECKING:
    from adapters.sources.registry import SourceContext

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
#: the header values each profile takes (required, optional)
XROAD_KEYS = ({"client", "service", "userId"}, {"issue", "protocolVersion"})
MCONNECT_KEYS = ({"CallingUser", "CallingEntity"}, {"CallBasis", "CallReason", "request"})


def invalid(where: str, reason: str, value: Any = None) -> InvalidInput:
    return InvalidInput.of("adapter.mapping_invalid", field=where,
                           value=None if value is None else str(value)[:200], reason=reason)


def _reference(value: Any) -> str | None:
    """The expression of a plain reference (``id`` or ``{reference: id}``), else ``None``."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and set(value) == {"reference"}:
        return str(value["reference"])
    return None


def _dotted(value: Any, where: str) -> str:
    text = _reference(value)
    if text is None or not _DOTTED.match(text):
        raise invalid(where, "expected a dotted path for a REST source (id, data.items)",
                      text)
    return text


def limits(src: Mapping[str, Any]) -> Limits:
    """``timeout_s`` (the whole answer), ``connect_timeout_s``, ``read_timeout_s`` and
    ``max_bytes``; the defaults of :class:`Limits` otherwise, never longer than the total."""
    base = Limits()
    total = float(src.get("timeout_s", base.total_s))
    return Limits(connect_s=float(src.get("connect_timeout_s", min(base.connect_s, total))),
                  read_s=float(src.get("read_timeout_s", min(base.read_s, total))),
                  total_s=total, max_bytes=int(src.get("max_bytes", base.max_bytes)))


def retries(src: Mapping[str, Any]) -> Retries:
    return Retries(attempts=int(src.get("retries", Retries().attempts)))


def auth(src: Mapping[str, Any]) -> Auth | None:
    """The ``auth`` section: ``bearer`` (``token``), ``basic`` (``username``, ``password``) or
    ``header`` (``header``, ``token``), each secret by the name of its setting."""
    section = src.get("auth")
    if not section:
        return None
    scheme = section["type"]
    secret_key = "password" if scheme == "basic" else "token"
    secret = section.get(secret_key)
    if not secret:
        raise invalid(f"source.auth.{secret_key}",
                      f"a {scheme} auth names the setting of its {secret_key}: "
                      f"{secret_key}: {{env: SEMCAT_NAME}}")
    if scheme == "basic" and not section.get("username"):
        raise invalid("source.auth.username", "a basic auth needs a username")
    if scheme == "header" and not section.get("header"):
        raise invalid("source.auth.header", "a header auth names its header (X-API-Key)")
    return Auth(setting=str(secret["env"]), scheme=scheme,
                header=str(section.get("header") or "Authorization"),
                user=str(section.get("username") or ""))


def tls(spec: MappingSpec, src: Mapping[str, Any]) -> Tls | None:
    section = src.get("tls")
    if not section:
        return None

    def file(key: str) -> Path | None:
        return spec.path(section[key]) if section.get(key) else None

    password = section.get("key_password")
    return Tls(ca_file=file("ca_file"), cert_file=file("cert_file"), key_file=file("key_file"),
               key_password_setting=str(password["env"]) if password else None)


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def rest_config(spec: MappingSpec) -> RestConfig:
    src = spec.source
    pages = src.get("pagination") or {}
    style = pages.get("style", "none")
    param: dict[str, Any] = {}
    if "param" in pages:
        param = {{"page": "page_param", "offset": "offset_param",
                  "cursor": "cursor_param"}.get(style, "page_param"): pages["param"]}
    if style == "cursor" and "next" in pages:
        param["cursor_path"] = _dotted(pages["next"], "source.pagination.next")
    if "size_param" in pages:
        param["size_param"] = pages["size_param"] or None
    for key, name in (("size", "size"), ("start", "first_page"), ("max_pages", "max_pages")):
        if key in pages:
            param[name] = int(pages[key])
    iterator = spec.record.iterator
    schema = src.get("schema")
    return RestConfig(
        name=spec.name, base_url=str(src["base_url"]), path=str(src.get("path", "")),
        params={str(k): _text(v) for k, v in (src.get("params") or {}).items()},
        records=_dotted(iterator, "record.iterator") if iterator else "",
        key=_dotted(spec.record.key, "record.key"),
        paging=Paging(style=style, **param), auth=auth(src),
        headers={str(k): str(v) for k, v in (src.get("headers") or {}).items()},
        tls=tls(spec, src), limits=limits(src), retries=retries(src),
        schema=spec.path(schema) if schema else None,
        schema_files=tuple(spec.path(p) for p in src.get("schema_files") or ()))


def header(spec: MappingSpec, context: SourceContext) -> HeaderProfile | None:
    """The ``header_profile`` and its ``header`` values; MConnect's ``CallBasis`` and
    ``CallReason`` come from the published passport of ``on_behalf_of`` when it is named."""
    src = spec.source
    profile = src.get("header_profile", "none")
    values = dict(src.get("header") or {})
    if profile == "none":
        if values or src.get("on_behalf_of"):
            raise invalid("source.header", "header values need a header_profile "
                          "(x-road-4.0 or mconnect)")
        return None
    required, optional = XROAD_KEYS if profile == "x-road-4.0" else MCONNECT_KEYS
    if profile == "mconnect" and not src.get("on_behalf_of"):
        required = required | {"CallBasis", "CallReason"}
    for key in sorted(required - values.keys()):
        raise invalid(f"source.header.{key}", f"the {profile} header needs {key}")
    for key in sorted(values.keys() - required - optional):
        raise invalid(f"source.header.{key}", f"expected one of the {profile} header's "
                      f"values: {', '.join(sorted(required | optional))}")
    text = {k: str(v) for k, v in values.items()}
    if profile == "x-road-4.0":
        return XRoadHeader(client=text["client"], service=text["service"],
                           user_id=text["userId"], issue=text.get("issue"),
                           protocol_version=text.get("protocolVersion", "4.0"))
    code = src.get("on_behalf_of")
    if not code:
        return MConnectHeader(calling_user=text["CallingUser"],
                              calling_entity=text["CallingEntity"],
                              call_basis=text["CallBasis"], call_reason=text["CallReason"])
    if context.catalog is None:
        raise invalid("source.on_behalf_of", "the hub's catalogue is needed to read the "
                      "service's legal basis", code)
    made = mconnect_for(published_passport(context.catalog, str(code)), context.catalog.label,
                        calling_user=text["CallingUser"], calling_entity=text["CallingEntity"],
                        request=text.get("request") or f"sync {spec.name}")
    return MConnectHeader(calling_user=made.calling_user, calling_entity=made.calling_entity,
                          call_basis=text.get("CallBasis", made.call_basis),
                          call_reason=text.get("CallReason", made.call_reason))


def soap_config(spec: MappingSpec, context: SourceContext) -> SoapConfig:
    src = spec.source
    iterator = spec.record.iterator
    if not iterator:
        raise invalid("record.iterator", "a SOAP source names its records in the answer's "
                      "body (XPath 1.0, e.g. p:ListPersonsResponse/p:Person)")
    key = _reference(spec.record.key)
    if key is None:
        raise invalid("record.key", "expected an XPath 1.0 reference for a SOAP source")
    pages = src.get("pagination")
    paging = None
    if pages:
        paging = SoapPaging(page_field=str(pages.get("page_field", "Page")),
                            size_field=pages.get("size_field", "PageSize") or None,
                            size=int(pages.get("size", 100)),
                            first_page=int(pages.get("first_page", 1)),
                            max_pages=int(pages.get("max_pages", 10_000)))
    url_map = src.get("url_map")
    return SoapConfig(
        name=spec.name, bundle=spec.path(str(src.get("bundle", "."))), wsdl=str(src["wsdl"]),
        operation=str(src["operation"]), records=iterator, key=key,
        namespaces=dict(spec.record.namespaces), request=dict(src.get("arguments") or {}),
        endpoint=src.get("endpoint"), service=src.get("service"), port=src.get("port"),
        header=header(spec, context), paging=paging,
        url_map=None if url_map is None else {
            **XROAD_SCHEMAS, **{str(u): spec.path(str(p)) for u, p in url_map.items()}},
        auth=auth(src), tls=tls(spec, src), limits=limits(src), retries=retries(src))
