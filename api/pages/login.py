"""``/login`` (a form: the API token is exchanged for a session cookie) and ``/logout`` (a POST
with the session's CSRF token ends the session).

The login form has its own CSRF guard before any session exists: GET sets a short-lived
``semcat_login`` cookie (HttpOnly, SameSite=Strict) whose value the form repeats in a hidden
field; POST needs both to match, and a same-site origin. Failed logins count toward the
client's failed authentications like the API's (``app.state.auth_failures``, 429 past them).
The token and the session id are never logged.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from api.pages.desk_words import page, ui
from api.pages.labels import language
from api.pages.session import (
    COOKIE,
    OptionalPagePrincipalDep,
    PagePrincipalDep,
    SessionPrincipal,
    check_origin,
    checked_form,
    clear_cookie,
    read_form,
    safe_next,
    secure,
    sessions,
    set_cookie,
)
from api.throttle import FailedLogins
from catalog.errors import TooManyQueries
from catalog.settings import Settings
from catalog.workflow.access import Unauthenticated

router = APIRouter(tags=["pages"], include_in_schema=False)
#: the login form's own CSRF cookie (before a session exists)
LOGIN_COOKIE = "semcat_login"


def _form(request: Request, lang: str, next_path: str, *, error: str | None = None,
          status: int = 200, who: SessionPrincipal | None = None) -> Response:
    words = ui(lang)
    nonce = secrets.token_urlsafe(24)
    response = page("login.html", lang, words["login"], "/login", status=status,
                    next_path=next_path, nonce=nonce, error=error, who=who)
    response.set_cookie(LOGIN_COOKIE, nonce, max_age=3600, path="/login", httponly=True,
                        samesite="strict", secure=secure(request))
    return response


@router.get("/login")
async def login_form(request: Request, who: OptionalPagePrincipalDep) -> Response:
    lang = language(request)
    return _form(request, lang, safe_next(request.query_params.get("next")), who=who)


@router.post("/login")
async def login(request: Request) -> Response:
    lang = language(request)
    words = ui(lang)
    check_origin(request)
    form = await read_form(request, 16 * 1024)
    next_path = safe_next(str(form.get("next") or ""))
    sent, expected = str(form.get("nonce") or ""), request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        return _form(request, lang, next_path, error=words["stale_form"], status=403)
    token = str(form.get("token") or "").strip()
    if not token:
        return _form(request, lang, next_path, error=words["empty_token"], status=400)
    client = request.client.host if request.client else "unknown"
    failures: FailedLogins = request.app.state.auth_failures
    try:
        failures.check(client)
    except TooManyQueries:
        return _form(request, lang, next_path, error=words["throttled"], status=429)
    try:
        opened = await run_in_threadpool(sessions(request).open, token)
    except Unauthenticated:
        failures.failed(client)
        return _form(request, lang, next_path, error=words["bad_token"], status=401)
    if previous := request.cookies.get(COOKIE):  # a new sign-in replaces the session before
        await run_in_threadpool(sessions(request).close, previous)
    settings: Settings = request.app.state.settings
    sep = "&" if "?" in next_path else "?"
    target = next_path if "lang=" in next_path else f"{next_path}{sep}lang={lang}"
    response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
    set_cookie(response, request, opened.session_id, settings.session_ttl_s)
    response.delete_cookie(LOGIN_COOKIE, path="/login", httponly=True, samesite="strict",
                           secure=secure(request))
    return response


@router.post("/logout")
async def logout(request: Request, who: PagePrincipalDep) -> Response:
    await checked_form(request, who)
    await run_in_threadpool(sessions(request).close, request.cookies.get(COOKIE, ""))
    response = RedirectResponse(f"/login?lang={language(request)}", status_code=303,
                                headers={"Cache-Control": "no-store"})
    clear_cookie(response, request)
    return response
