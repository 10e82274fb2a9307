"""``/api/v1/agencies``: the disclosure bodies that are currently members, with their guide fields.

This router lives in the API app until the agencies app takes it over as
``gongkai/agencies/api.py`` (the convention for every capability's router).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import agency_by_slug, public_agencies
from gongkai.api.pagination import PageNumbers
from gongkai.api.schemas import ErrorOut

router = Router(tags=["agencies"])


class AgencyOut(Schema):
    slug: str
    name: str
    short_name: str
    kind: str
    kind_label: str = Field(description="The kind in the request's language.")
    parent: str | None = Field(None, description="The parent agency's slug.")
    functions: str
    address: str
    postcode: str
    office_hours: str
    phone: str
    fax: str
    email: str
    online_contact: str
    leader_name: str = Field(description="The responsible leader (分管领导).")
    leader_title: str
    contact_name: str = Field(description="The contact person (联系人).")
    contact_phone: str

    @staticmethod
    def resolve_kind_label(obj: Agency) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent(obj: Agency) -> str | None:
        return obj.parent.slug if obj.parent_id is not None and obj.parent else None


@router.get(
    "",
    response=list[AgencyOut],
    summary="List the member agencies",
    url_name="agency_list",
)
@paginate(PageNumbers, page_size=50, max_page_size=200)
def list_agencies(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The disclosure bodies that are currently members, in display order."""
    return public_agencies().select_related("parent")


@router.get(
    "/{slug}",
    response={200: AgencyOut, 404: ErrorOut},
    summary="One agency",
    url_name="agency_detail",
)
def get_agency(request: HttpRequest, slug: str) -> Agency:
    """An agency by its slug, as on its public page (former members keep theirs); else 404."""
    try:
        agency = agency_by_slug(slug)
    except Agency.DoesNotExist:
        agency = None
    if agency is None:
        raise HttpError(404, "No agency has this slug.")
    return agency
