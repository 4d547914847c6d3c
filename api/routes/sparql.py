"""``/sparql``: the read-only SPARQL 1.1 Protocol endpoint (reading and negotiation in
:mod:`api.sparql_protocol`, answering in :class:`catalog.queries.QueryService`).

The route is a plain ASGI endpoint, not a FastAPI operation: the protocol is parsed here, so
FastAPI's per-request dependency and parameter machinery (which ran the dependency in a thread)
would only add latency to answers that come from the cache in microseconds.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from api import sparql_protocol as protocol
from api.pages.sparql_page import sparql_page
from api.routes import graph_store
from catalog.errors import CatalogError
from catalog.queries.endpoint import QueryService


def _names_a_graph(request: Request) -> bool:
    keys = {k for k, _ in parse_qsl(request.scope.get("query_string", b"").decode("latin-1"),
                                    keep_blank_values=True)}
    return bool(keys & {"graph", "default"})


def _wants_html(request: Request) -> bool:
    """A browser: Accept names text/html (a query form instead of a 400)."""
    return any(part.split(";")[0].strip().lower() == "text/html"
               and "q=0" not in part.replace(" ", "").split(";")[1:]
               for part in request.headers.get("accept", "").split(","))


async def answer(request: Request) -> Response:
    queries: QueryService = request.app.state.queries
    try:
        asked = await protocol.read_request(
            request, max_body=4 * queries.settings.max_query_bytes + 4096)
        if asked.query is None:
            if request.method in ("GET", "HEAD") and _wants_html(request) \
                    and not protocol.wants_rdf(request):
                return HTMLResponse(sparql_page(request, queries.settings))
            if request.method in ("GET", "HEAD") and _names_a_graph(request):
                # a Graph Store Protocol request sent to the query endpoint: the graph, not
                # the service description (which a client would take for the graph)
                return await graph_store.read_graph(request, request.app.state.catalog)
            if request.method in ("GET", "HEAD"):
                return protocol.service_description(request)
            raise protocol.missing_query()
        client = request.client.host if request.client else "unknown"
        request.app.state.sparql_rate.check(client, "SPARQL answers")  # cached ones count too
        form = queries.form(asked.query)
        fmt = protocol.negotiate(request, form, asked.formats)
        result = await queries.answer(asked.query, result_format=fmt, dataset=asked.dataset,
                                      client=client)
        return protocol.answer_response(result, queries.limits.rows, queries.limits.bytes)
    except CatalogError as exc:
        return protocol.error_response(request, exc)
    except ClientDisconnect:  # gone while sending its body: nobody to answer
        return Response(status_code=400)


class SparqlEndpoint:
    """GET and POST: a query (or the service description); OPTIONS: the CORS preflight."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if request.method == "OPTIONS":
            response = Response(status_code=204, headers=protocol.PREFLIGHT)
        else:
            response = await answer(request)
        await response(scope, receive, send)


class SparqlFastLane:
    """ASGI middleware that hands ``/sparql`` to :class:`SparqlEndpoint` before the routing of
    the whole app (``app.add_middleware(SparqlFastLane)``): the same answers, without matching
    every route of the API first. Other methods fall through to the router (405)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.endpoint = SparqlEndpoint()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["path"] == "/sparql"
                and scope["method"] in ("GET", "HEAD", "POST", "OPTIONS")):
            await self.endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)


router = APIRouter(tags=["sparql"])
router.routes.append(Route("/sparql", endpoint=SparqlEndpoint(),
                           methods=["GET", "POST", "OPTIONS"], name="sparql"))
