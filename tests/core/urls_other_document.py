"""A second URLconf for tests/core/test_reversing.py: the document pattern elsewhere."""

from django.urls import include, path

from gongkai.catalogue.views import public

urlpatterns = [
    path(
        "",
        include(
            ([path("elsewhere/<int:pk>/", public.document_detail, name="document")], "catalogue")
        ),
    ),
]
