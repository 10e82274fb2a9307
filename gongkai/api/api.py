"""The JSON API at ``/api/v1/``: one ``NinjaAPI``, one router per capability.

A capability adds its router here, by import path, so the whole API can be read in one place::

    api.add_router("/documents", "gongkai.catalogue.api.router")

Routers must be added before the URLconf is loaded (django-ninja refuses later additions).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import NinjaAPI

from gongkai.api.schemas import ApiHomeOut, EndpointOut

api = NinjaAPI(
    title="Gongkai API",
    version="1",
    description=(
        "Read-only public data of the government information disclosure platform: the "
        "disclosure bodies and, as the platform grows, the catalogue, requests statistics "
        "and reports."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("/agencies", "gongkai.api.agencies.router")
api.add_router("/documents", "gongkai.catalogue.api.router")
api.add_router("/lists", "gongkai.catalogue.api_lists.router")
api.add_router("/search", "gongkai.search.api.router")

_HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _endpoints() -> list[EndpointOut]:
    schema = api.get_openapi_schema(path_prefix=reverse("api:home"))
    endpoints = []
    for path, operations in schema["paths"].items():
        for method in _HTTP_METHODS:
            operation = operations.get(method)
            if operation is not None:
                endpoints.append(
                    EndpointOut(
                        method=method.upper(), path=path, summary=operation.get("summary", "")
                    )
                )
    return endpoints


@api.get("/", response=ApiHomeOut, summary="What this API offers", url_name="home")
def home(request: HttpRequest) -> ApiHomeOut:
    """The API's name, version, the links to its schema and documentation, and its endpoints."""
    return ApiHomeOut(
        name=api.title,
        version=api.version,
        schema_url=request.build_absolute_uri(reverse("api:openapi-json")),
        docs_url=request.build_absolute_uri(reverse("api:openapi-view")),
        endpoints=_endpoints(),
    )
