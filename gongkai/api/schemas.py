"""Shapes shared by the API's routers."""

from __future__ import annotations

from ninja import Schema


class EndpointOut(Schema):
    method: str
    path: str
    summary: str


class ApiHomeOut(Schema):
    name: str
    version: str
    schema_url: str
    docs_url: str
    endpoints: list[EndpointOut]


class ErrorOut(Schema):
    detail: str
