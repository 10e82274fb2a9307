"""The admin's "are you sure?" page for a deletion, without a query per related row.

Django's confirmation lists every row the deletion would remove or that protects the object,
each by its ``str()``. Its collector reads the related rows one query per model, but many of our
models name themselves after the row they belong to (an event by its letter, a service record by
its service point, a submission's event by the submission and its form): each such ``str()`` was
a query, thousands for a user who acted on many records. The collector here reads each model's
rows with the rows they point to (``select_related``), so that naming them costs nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import NestedObjects, quote
from django.db import models, router
from django.db.models import Exists
from django.db.models.deletion import get_candidate_relations_to_delete
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

# Foreign keys followed from each related row: its own (any), and theirs when not nullable —
# a name is at most two steps away (an event → its submission → the submission's form).
MAX_JOINS = 24
# Below this many relations, reading each is as cheap as asking which have rows.
MIN_RELATIONS_TO_ASK = 4


def _related_paths(model: type[models.Model]) -> list[str]:
    paths: list[str] = []
    for field in model._meta.concrete_fields:
        if not (field.many_to_one or field.one_to_one) or field.remote_field is None:
            continue
        paths.append(field.name)
        target = field.related_model
        if not isinstance(target, type):
            continue
        for second in target._meta.concrete_fields:
            if (second.many_to_one or second.one_to_one) and not second.null:
                paths.append(f"{field.name}__{second.name}")
    return paths[:MAX_JOINS]


class PreloadingCollector(NestedObjects):
    """Django's admin collector, reading the rows each related row points to with it, and
    asking once which of the many models that may point to the objects actually do (a user
    is named by some sixty columns; most point to no row of a given user)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._present: dict[tuple[type[models.Model], tuple[Any, ...]], set[tuple[Any, str]]] = {}

    def _relations_present(self, objs: Any) -> set[tuple[Any, str]] | None:
        """The (model, field name) pairs with a row pointing to one of ``objs`` — one query
        for all the candidate relations of their model; None when there are too few to pay."""
        first = objs[0]
        model = first.__class__
        candidates: list[Any] = list(get_candidate_relations_to_delete(model._meta))
        relations: list[Any] = [
            related
            for related in candidates
            if related.field.remote_field.on_delete is not models.DO_NOTHING
        ]
        if len(relations) < MIN_RELATIONS_TO_ASK:
            return None
        key = (model, tuple(sorted(obj.pk for obj in objs)))
        if key not in self._present:
            checks = {
                f"r{index}": Exists(
                    related.related_model._base_manager.filter(
                        **{f"{related.field.name}__in": list(objs)}
                    )
                )
                for index, related in enumerate(relations)
            }
            row = model._base_manager.using(self.using).filter(pk=first.pk).values(**checks)[0]
            self._present[key] = {
                (related.related_model, related.field.name)
                for index, related in enumerate(relations)
                if row[f"r{index}"]
            }
        return self._present[key]

    def related_objects(self, related_model: Any, related_fields: Any, objs: Any) -> Any:
        queryset = super().related_objects(related_model, related_fields, objs)
        present = self._relations_present(objs) if objs else None
        if present is not None and not any(
            (related_model, field.name) in present for field in related_fields
        ):
            return queryset.none()  # no row: nothing to read
        return queryset.select_related(*_related_paths(related_model))


def preloaded_deleted_objects(
    objs: Any, request: HttpRequest, admin_site: Any
) -> tuple[list[Any], dict[Any, int], set[Any], list[Any]]:
    """``django.contrib.admin.utils.get_deleted_objects`` (Django 5.2, same result) with
    :class:`PreloadingCollector` in place of ``NestedObjects``."""
    try:
        obj = objs[0]
    except IndexError:
        return [], {}, set(), []
    using = router.db_for_write(obj._meta.model)
    collector = PreloadingCollector(using=using, origin=objs)
    collector.collect(objs)
    perms_needed: set[Any] = set()

    def format_callback(obj: models.Model) -> str:
        model, opts = obj.__class__, obj._meta
        no_edit_link = "%s: %s" % (capfirst(opts.verbose_name), obj)  # noqa: UP031 (Django's)
        if not admin_site.is_registered(model):
            return no_edit_link
        if not admin_site.get_model_admin(model).has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        try:
            admin_url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                None,
                (quote(obj.pk),),
            )
        except NoReverseMatch:
            return no_edit_link
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), admin_url, obj)

    to_delete = collector.nested(format_callback)
    protected = [format_callback(obj) for obj in collector.protected]
    counted: dict[Any, set[Any]] = collector.model_objs
    model_count = {model._meta.verbose_name_plural: len(objs) for model, objs in counted.items()}
    return to_delete, model_count, perms_needed, protected


class PreloadedDeletionMixin:
    """For a ModelAdmin whose objects many rows point to (a user, an agency)."""

    admin_site: Any

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        return preloaded_deleted_objects(objs, request, self.admin_site)
