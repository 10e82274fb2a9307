"""The catalogue in the JSON API: documents and the normative-document register.

Read-only and public: every document comes through ``selectors.public`` (published and
proactively disclosed); anything else answers 404, the same as a document that never existed.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from gongkai.api.pagination import PageNumbers
from gongkai.api.schemas import ErrorOut
from gongkai.catalogue.schemas import DocumentDetailOut, DocumentOut, NormativeRegisterOut
from gongkai.catalogue.selectors import public as selectors
from gongkai.core.html import sanitize_html

router = Router(tags=["catalogue"])


class DocumentFilters(Schema):
    agency: str = ""
    statutory_item: str = ""
    topic: str = ""
    genre: str = ""
    year: int | None = None
    validity: str = ""
    column: str = ""


@router.get(
    "",
    response=list[DocumentOut],
    summary="List the public documents",
    url_name="document_list",
)
@paginate(PageNumbers, page_size=selectors.PAGE_SIZE, max_page_size=100)
def list_documents(request: HttpRequest, filters: Query[DocumentFilters]):  # type: ignore[no-untyped-def]
    """Published, proactively disclosed documents, newest first.

    Filters, all optional: ``agency`` (slug), ``statutory_item`` (code), ``topic`` (code; a
    top-level topic includes its sub-topics), ``genre`` (code), ``year`` (of publication),
    ``validity`` (valid, expired, repealed, amended) and ``column`` (slug; includes the
    columns below it). An unknown value matches nothing; a malformed one is ignored.
    """
    params = {key: value for key, value in filters.dict().items() if value is not None}
    catalogue_filters = selectors.CatalogueFilters.from_params(params)
    return (
        selectors.catalogue_documents(catalogue_filters)
        .select_related("statutory_item", "topic", "genre")
        .prefetch_related("columns")
    )


@router.get(
    "/register/normative",
    response=NormativeRegisterOut,
    summary="The register of normative documents",
    url_name="normative_register",
)
def normative_register(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """The normative documents (行政规范性文件) registered in ``year`` (the latest year when
    omitted), with their registration numbers and validity, and the counts for every year."""
    years = selectors.normative_years()
    known = {row.year for row in years}
    if year is None:
        year = years[0].year if years else None
    entries = list(selectors.normative_register(year)) if year in known else []
    return {"year": year, "years": years, "entries": entries}


@router.get(
    "/{path:key}",
    response={200: DocumentDetailOut, 404: ErrorOut},
    summary="One public document",
    url_name="document_detail",
)
def get_document(request: HttpRequest, key: str) -> Any:
    """A public document by its index number (索引号) or its id; 404 for anything that is not
    public (a draft, a withdrawn document, one disclosed on application or withheld)."""
    document = selectors.public_document_by_key(key, detail=True)
    if document is None:
        raise HttpError(404, "No public document has this index number or id.")
    version = selectors.public_version(document)
    # The public content, read by DocumentDetailOut's resolvers (never the working copy).
    document.public_metadata = selectors.public_metadata(document, version)  # type: ignore[attr-defined]
    document.public_body = sanitize_html(version.body) if version and version.body else ""  # type: ignore[attr-defined]
    document.public_co_issuers = list(document.co_issuers.all())  # type: ignore[attr-defined]
    document.public_attachments = list(selectors.public_attachments(document))  # type: ignore[attr-defined]
    document.public_relations = selectors.document_relations(document)  # type: ignore[attr-defined]
    return document
