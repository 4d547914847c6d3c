"""The pages' side of browser sessions (catalog/workflow/sessions.py): the session cookie, the
dependency that gives a page its signed-in person, and the checks every form POST passes.

For a page that needs a signed-in person::

    @router.get("/my/thing")
    def thing(who: PagePrincipalDep) -> ...:   # who.principal, who.csrf
        ...

    @router.post("/my/thing")
    async def change(request: Request, who: PagePrincipalDep) -> ...:
        form = await checked_form(request, who)   # 403 without this session's CSRF token
        ...

A request without a valid session is redirected (303) to ``/login?next=<its path>``; a form
carries ``<input type="hidden" name="csrf" value="{{ csrf }}">``. :func:`checked_form` refuses
a POST whose ``Sec-Fetch-Site`` is not ``same-origin`` or whose ``Origin`` is another site's,
then one without the session's CSRF token (403 either way).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qsl, quote, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from catalog.errors import Forbidden, InvalidInput
from catalog.settings import Settings
from catalog.workflow.access import Principal
from catalog.workflow.sessions import Sessions, csrf_token

#: the session cookie (HttpOnly, SameSite=Strict, path /, Secure over https)
COOKIE = "semcat_session"
#: largest form a page reads, in bytes
FORM_MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class SessionPrincipal:
    """The signed-in person of a page: who (a token's principal) and the session's CSRF
    token, for the hidden field of every form."""

    principal: Principal
    csrf: str


class LoginRequired(Exception):
    """A page that needs a session was asked for without one: answered with a redirect to
    ``/login?next=`` (see :func:`install`)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def sessions(request: Request) -> Sessions:
    settings: Settings = request.app.state.settings
    return Sessions(request.app.state.catalog.engine, settings.session_ttl_s)


def secure(request: Request) -> bool:
    """Whether the cookie gets ``Secure``: the hub's base URI or the request is https."""
    settings: Settings = request.app.state.settings
    return settings.base_uri.startswith("https:") or request.url.scheme == "https"


def safe_next(value: str | None, default: str = "/my") -> str:
    """``value`` when it is a path of this site (``/...``), else ``default``: never another
    site (``//host``, ``/\\host``, ``https://...``), never a control character."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if "\\" in value or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def login_url(next_path: str, lang: str | None = None) -> str:
    url = "/login?next=" + quote(safe_next(next_path), safe="/")
    return url + (f"&lang={lang}" if lang else "")


async def _optional(request: Request) -> SessionPrincipal | None:
    session_id = request.cookies.get(COOKIE, "")
    if not session_id:
        return None
    principal = await run_in_threadpool(sessions(request).principal, session_id)
    if principal is None:
        return None
    return SessionPrincipal(principal, csrf_token(session_id))


async def _required(request: Request) -> SessionPrincipal:
    who = await _optional(request)
    if who is None:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(here)
    return who


#: the signed-in person, or a redirect to /login?next=<this page>
PagePrincipalDep = Annotated[SessionPrincipal, Depends(_required)]
#: the signed-in person, or None
OptionalPagePrincipalDep = Annotated[SessionPrincipal | None, Depends(_optional)]


def check_origin(request: Request) -> None:
    """A form POST must come from this site: ``Sec-Fetch-Site: same-origin`` when the browser
    sends it; else an ``Origin``, when one is sent, that is this site's."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site != "same-origin":
        raise Forbidden.of("session.origin", field="Sec-Fetch-Site", value=fetch_site,
                           expected="same-origin", header="Sec-Fetch-Site")
    origin = request.headers.get("origin")
    if fetch_site is not None or origin is None or origin == "null":
        # Sec-Fetch-Site has spoken; or no Origin to compare: pages answer with
        # Referrer-Policy: no-referrer, under which a browser's form POST sends "Origin: null"
        # (the session's CSRF token is then the guard)
        return
    settings: Settings = request.app.state.settings
    base = urlsplit(settings.base_uri)
    own = {f"{request.url.scheme}://{request.url.netloc}", f"{base.scheme}://{base.netloc}"}
    if origin not in own:
        raise Forbidden.of("session.origin", field="Origin", value=origin,
                           expected=" or ".join(sorted(own)), header="Origin")


async def read_form(request: Request, max_bytes: int = FORM_MAX_BYTES) -> FormData:
    """The fields of an ``application/x-www-form-urlencoded`` body (400 for another type, a
    larger body or one that is not UTF-8)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = bytearray()
    bad = media != "application/x-www-form-urlencoded"
    if not bad:
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > max_bytes:
                bad = True
                break
    try:
        if bad:
            raise ValueError(media)
        text = bytes(body).decode("utf-8")
        fields: list[tuple[str, str | UploadFile]] = list(parse_qsl(
            text, keep_blank_values=True, strict_parsing=False, max_num_fields=10_000))
        return FormData(fields)
    except ValueError as exc:
        raise InvalidInput.of("session.form", field="Content-Type", value=media,
                              expected="application/x-www-form-urlencoded",
                              limit=max_bytes) from exc


def _csrf_matches(sent: object, expected: str) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(sent.encode(), expected.encode())


async def checked_form(request: Request, who: SessionPrincipal,
                       max_bytes: int = FORM_MAX_BYTES) -> FormData:
    """The form of a POST by ``who``, once its origin and its CSRF token (field ``csrf``)
    are this session's; 403 otherwise."""
    check_origin(request)
    form = await read_form(request, max_bytes)
    if not _csrf_matches(form.get("csrf"), who.csrf):
        raise Forbidden.of("session.csrf", field="csrf", expected="this session's CSRF token")
    return form


def set_cookie(response: Response, request: Request, session_id: str, max_age: int) -> None:
    response.set_cookie(COOKIE, session_id, max_age=max_age, path="/", httponly=True,
                        samesite="strict", secure=secure(request))


def clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                           secure=secure(request))


def install(app: FastAPI) -> None:
    """Answer :class:`LoginRequired` with a redirect to the login page."""

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, exc: LoginRequired) -> Response:
        lang = request.query_params.get("lang")
        return RedirectResponse(login_url(exc.next_path, lang if lang in ("ro", "en", "ru")
                                          else None), status_code=303,
                                headers={"Cache-Control": "no-store"})


__all__ = ["COOKIE", "LoginRequired", "OptionalPagePrincipalDep", "PagePrincipalDep",
           "SessionPrincipal", "check_origin", "checked_form", "clear_cookie", "install",
           "login_url", "read_form", "safe_next", "sessions", "set_cookie"]
