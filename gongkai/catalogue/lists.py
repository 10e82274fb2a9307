"""Structured key-area lists (结构化清单): every change to record types and their records.

A record type is data: an administrator defines it and its typed fields (``define_record_type``,
``add_field``, ``update_record_type``, ``update_field``); an agency's editors and reviewers (and
the disclosure office) create, correct, publish and withdraw the agency's records. Each service
runs in one transaction, checks the actor's permission first (a denied action changes nothing),
validates the values against the type and writes an audit entry (``catalogue.<service>``).

Values are stored as JSON in a canonical form: text as a stripped string, numbers and money as
decimal strings (money with two places), dates in ISO form, an agency by its id, a URL or an
attachment reference (``attachment:<id>``) as a string. Audit entries name the fields that
changed, never their values, so personal data (applicants' names, ID numbers) stays out of logs;
``search_text`` is built without personal fields.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.permissions import has_role, is_administrator
from gongkai.catalogue.models import (
    Attachment,
    Column,
    Document,
    ListRecord,
    RecordField,
    RecordType,
    StatutoryItem,
)
from gongkai.core import audit
from gongkai.core.text import Kind, mask_text

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike
    from gongkai.core.models import User

TEXT_MAX_LENGTH = 4000
MONEY_PLACES = Decimal("0.01")
ATTACHMENT_PREFIX = "attachment:"
# Kinds of personal data masked even inside non-personal fields before anything is shown in
# public or indexed: an ID or card number typed into the wrong column must not leak.
STRAY_PERSONAL_KINDS = (Kind.RESIDENT_ID, Kind.BANK_CARD, Kind.MOBILE)
EDITING_ROLES = (StaffRole.Role.EDITOR, StaffRole.Role.REVIEWER, StaffRole.Role.OFFICE)
FIELD_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


class ListError(ValueError):
    """A change to a structured list refused by a rule; the message is translated."""


class ListPermissionDenied(ListError, PermissionDenied):
    """The actor may not make this change (a 403 where it reaches a view)."""


class RecordInvalid(ListError):
    """A record's values do not fit its type: ``errors`` maps field keys to messages."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.errors.items()))


# --- Permissions ---------------------------------------------------------------------------


def can_define_record_types(user: UserLike) -> bool:
    """Define record types and their fields: administrators only."""
    return is_administrator(user)


def can_edit_list_records(user: UserLike, agency: Agency) -> bool:
    """Create, correct, import, publish and withdraw ``agency``'s records: its editors and
    reviewers, and the disclosure office (whose role counts at every agency)."""
    return has_role(user, agency, *EDITING_ROLES)


def require(allowed: bool) -> None:
    if not allowed:
        raise ListPermissionDenied(_("You are not allowed to make this change."))


# --- Values --------------------------------------------------------------------------------


class AgencyLookup:
    """Agencies by id, name, short name and organisation code, read once for many values."""

    def __init__(self) -> None:
        self._by_key: dict[str, int] | None = None
        self.names: dict[int, str] = {}

    def _load(self) -> dict[str, int]:
        if self._by_key is None:
            self._by_key = {}
            rows = Agency.objects.values_list("pk", "name", "short_name", "org_code")
            for pk, name, short_name, org_code in rows:
                self.names[pk] = name
                self._by_key[name] = pk
                self._by_key[org_code.upper()] = pk
                if short_name:
                    self._by_key.setdefault(short_name, pk)
        return self._by_key

    def find(self, value: object) -> int | None:
        by_key = self._load()
        if isinstance(value, Agency):
            return value.pk if value.pk in self.names else None
        if isinstance(value, int) and not isinstance(value, bool):
            return value if value in self.names else None
        text = str(value).strip()
        return by_key.get(text) or by_key.get(text.upper())

    def name(self, pk: int) -> str:
        self._load()
        return self.names.get(pk, "")


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's 12345.0 was typed as 12345
    if isinstance(value, datetime.datetime):
        value = value.date()
    return unicodedata.normalize("NFC", str(value)).strip()


def _as_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, float):
        value = repr(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace(" ", "")
    text = text.removesuffix("元")
    number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation
    return number


def _decimal_text(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text in {"-0", ""} else text


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _as_date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = _DATE_RE.match(unicodedata.normalize("NFKC", str(value)).strip())
    if match is None:
        raise ValueError(value)
    year, month, day = (int(part) for part in match.groups())
    return datetime.date(year, month, day)


_url_validator = URLValidator(schemes=["http", "https"])


def _attachment_id(value: object) -> int | None:
    """The attachment id in ``attachment:12`` (or a bare integer), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if text.startswith(ATTACHMENT_PREFIX) and text[len(ATTACHMENT_PREFIX) :].isdigit():
        return int(text[len(ATTACHMENT_PREFIX) :])
    return None


def clean_value(field_def: RecordField, value: object, *, agencies: AgencyLookup) -> Any:
    """``value`` in the canonical stored form of ``field_def``'s type.

    Raises ``ValidationError`` with a translated message when the value does not fit. An empty
    value of an optional field is returned as None (the key is then left out of the record).
    """
    if _is_empty(value):
        if field_def.required:
            raise ValidationError(_("This field is required."))
        return None
    kind = field_def.type
    if kind == RecordField.Type.TEXT:
        text = _as_text(value)
        if len(text) > TEXT_MAX_LENGTH:
            raise ValidationError(
                _("At most %(limit)d characters are allowed.") % {"limit": TEXT_MAX_LENGTH}
            )
        return text
    if kind == RecordField.Type.NUMBER:
        try:
            return _decimal_text(_as_decimal(value))
        except (InvalidOperation, ValueError):
            raise ValidationError(_("Enter a number.")) from None
    if kind == RecordField.Type.MONEY:
        try:
            amount = _as_decimal(value)
        except (InvalidOperation, ValueError):
            raise ValidationError(_("Enter an amount of money, such as 12500.00.")) from None
        if amount < 0:
            raise ValidationError(_("An amount of money cannot be negative."))
        if amount != amount.quantize(MONEY_PLACES):
            raise ValidationError(_("An amount of money has at most two decimal places."))
        return str(amount.quantize(MONEY_PLACES))
    if kind == RecordField.Type.DATE:
        try:
            return _as_date(value).isoformat()
        except (ValueError, TypeError):
            raise ValidationError(_("Enter a date, such as 2024-03-01.")) from None
    if kind == RecordField.Type.AGENCY:
        pk = agencies.find(value)
        if pk is None:
            raise ValidationError(
                _("No agency has this name or organisation code: %(value)s")
                % {"value": _as_text(value)}
            )
        return pk
    if kind == RecordField.Type.CHOICE:
        text = _as_text(value)
        if text not in field_def.choices:
            raise ValidationError(
                _("Choose one of: %(choices)s") % {"choices": "、".join(field_def.choices)}
            )
        return text
    if kind == RecordField.Type.URL:
        return _clean_url(value)
    if kind == RecordField.Type.ATTACHMENT:
        attachment_id = _attachment_id(value)
        if attachment_id is None:
            return _clean_url(value)
        if not linkable_attachments().filter(pk=attachment_id).exists():
            raise ValidationError(_("No attachment of a published document has this number."))
        return f"{ATTACHMENT_PREFIX}{attachment_id}"
    raise ValidationError(_("This field has an unknown type."))


def linkable_attachments() -> QuerySet[Attachment]:
    """Attachments a public list may link: of a published, proactively disclosed document,
    and not added by an amendment still in progress."""
    return Attachment.objects.filter(
        document__state=Document.State.PUBLISHED,
        document__manner=Document.Manner.PROACTIVE,
    ).exclude(pending_change=Attachment.PendingChange.ADDED)


def _clean_url(value: object) -> str:
    text = _as_text(value)
    try:
        _url_validator(text)
    except ValidationError:
        raise ValidationError(_("Enter a web address starting with http:// or https://.")) from None
    return text


def clean_values(
    record_type: RecordType,
    values: Mapping[str, Any],
    *,
    fields: Sequence[RecordField] | None = None,
    agencies: AgencyLookup | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check ``values`` (by field key) against the type: ``(cleaned, errors by key)``.

    Keys that are not fields of the type are errors too, under the unknown key.
    """
    fields = list(record_type.fields.all()) if fields is None else fields
    agencies = agencies or AgencyLookup()
    known = {f.key for f in fields}
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in values:
        if key not in known:
            errors[key] = _("This list has no field with this key.")
    for field_def in fields:
        try:
            value = clean_value(field_def, values.get(field_def.key), agencies=agencies)
        except ValidationError as error:
            errors[field_def.key] = " ".join(error.messages)
            continue
        if value is not None:
            cleaned[field_def.key] = value
    return cleaned, errors


def public_text(text: str) -> str:
    """``text`` of a non-personal field with stray ID, card and mobile numbers masked."""
    return mask_text(text, kinds=STRAY_PERSONAL_KINDS)


def build_search_text(
    agency_name: str,
    data: Mapping[str, Any],
    fields: Sequence[RecordField],
    *,
    agencies: AgencyLookup,
) -> str:
    """The text a public search looks in: the agency and every non-personal value."""
    parts = [agency_name]
    for field_def in fields:
        value = data.get(field_def.key)
        if field_def.personal or value is None:
            continue
        if field_def.type == RecordField.Type.AGENCY:
            parts.append(agencies.name(int(value)))
        elif field_def.type != RecordField.Type.ATTACHMENT:
            parts.append(public_text(str(value)))
    return "\n".join(part for part in parts if part)


# --- Record types (administrators) ---------------------------------------------------------


@dataclass
class FieldSpec:
    """One field to define: the keyword arguments of :func:`add_field`."""

    key: str
    label: str
    type: str
    required: bool = False
    choices: list[str] = field(default_factory=list)
    personal: bool = False
    searchable: bool = False


def _check_field(
    record_type: RecordType,
    *,
    key: str,
    label: str,
    type: str,
    choices: Sequence[str],
    personal: bool,
    searchable: bool,
) -> None:
    if not FIELD_KEY_RE.match(key):
        raise ListError(
            _("A field key is lower-case Latin letters, digits and underscores: %(key)s")
            % {"key": key}
        )
    if not label.strip():
        raise ListError(_("A field needs a label."))
    if type not in RecordField.Type.values:
        raise ListError(_("Unknown field type: %(type)s") % {"type": type})
    if type == RecordField.Type.CHOICE and not [c for c in choices if str(c).strip()]:
        raise ListError(_("A choice field needs at least one choice."))
    if type != RecordField.Type.CHOICE and choices:
        raise ListError(_("Only a choice field has choices."))
    if personal and searchable:
        raise ListError(_("A field of personal data cannot be offered as a public filter."))


@transaction.atomic
def define_record_type(
    *,
    actor: User,
    code: str,
    name: str,
    fields: Sequence[FieldSpec],
    description: str = "",
    column: Column | None = None,
    statutory_items: Iterable[StatutoryItem] = (),
    sort_order: int = 0,
) -> RecordType:
    """Define a new kind of list (e.g. 政府采购公告) with its fields, without code."""
    require(can_define_record_types(actor))
    if not fields:
        raise ListError(_("A list needs at least one field."))
    if code != slugify(code) or not code:
        raise ListError(
            _("A list's code is lower-case Latin letters, digits and hyphens: %(code)s")
            % {"code": code}
        )
    if RecordType.objects.filter(code=code).exists():
        raise ListError(_("A list with this code exists already: %(code)s") % {"code": code})
    keys = [spec.key for spec in fields]
    if len(set(keys)) != len(keys):
        raise ListError(_("Two fields have the same key."))
    record_type = RecordType(
        code=code,
        name=name.strip(),
        description=description,
        column=column,
        sort_order=sort_order,
    )
    record_type.full_clean()
    record_type.save()
    record_type.statutory_items.set(statutory_items)
    for order, spec in enumerate(fields):
        _check_field(
            record_type,
            key=spec.key,
            label=spec.label,
            type=spec.type,
            choices=spec.choices,
            personal=spec.personal,
            searchable=spec.searchable,
        )
        RecordField.objects.create(
            record_type=record_type,
            key=spec.key,
            label=spec.label.strip(),
            type=spec.type,
            required=spec.required,
            choices=[str(c).strip() for c in spec.choices if str(c).strip()],
            personal=spec.personal,
            searchable=spec.searchable,
            sort_order=(order + 1) * 10,
        )
    audit.record(
        "catalogue.define_record_type",
        actor=actor,
        obj=record_type,
        details={"code": code, "fields": keys},
    )
    return record_type


@transaction.atomic
def add_field(
    record_type: RecordType,
    *,
    actor: User,
    key: str,
    label: str,
    type: str,
    required: bool = False,
    choices: Sequence[str] = (),
    personal: bool = False,
    searchable: bool = False,
    sort_order: int | None = None,
) -> RecordField:
    """Add a field to a type. A required field cannot be added once records exist: they would
    all become invalid; add it as optional and fill it in."""
    require(can_define_record_types(actor))
    _check_field(
        record_type,
        key=key,
        label=label,
        type=type,
        choices=choices,
        personal=personal,
        searchable=searchable,
    )
    if record_type.fields.filter(key=key).exists():
        raise ListError(_("This list has a field with this key already: %(key)s") % {"key": key})
    if required and record_type.records.exists():
        raise ListError(
            _("A required field cannot be added to a list that has records; add it as optional.")
        )
    if sort_order is None:
        last = record_type.fields.order_by("-sort_order").values_list("sort_order", flat=True)
        sort_order = (last.first() or 0) + 10
    field_def = RecordField.objects.create(
        record_type=record_type,
        key=key,
        label=label.strip(),
        type=type,
        required=required,
        choices=[str(c).strip() for c in choices if str(c).strip()],
        personal=personal,
        searchable=searchable,
        sort_order=sort_order,
    )
    audit.record(
        "catalogue.add_record_field",
        actor=actor,
        obj=record_type,
        details={"field": key, "type": type, "personal": personal},
    )
    return field_def


TYPE_CHANGEABLE = frozenset({"name", "description", "column", "sort_order", "active"})


@transaction.atomic
def update_record_type(
    record_type: RecordType,
    *,
    actor: User,
    statutory_items: Iterable[StatutoryItem] | None = None,
    **changes: Any,
) -> RecordType:
    """Rename, describe, move to another column, reorder or switch off a type (``active``)."""
    require(can_define_record_types(actor))
    unknown = sorted(set(changes) - TYPE_CHANGEABLE)
    if unknown:
        raise ListError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    for name, value in changes.items():
        setattr(record_type, name, value)
    record_type.full_clean()
    record_type.save()
    details: dict[str, Any] = {"changed": sorted(changes)}
    if statutory_items is not None:
        items = list(statutory_items)
        record_type.statutory_items.set(items)
        details["statutory_items"] = [item.code for item in items]
    audit.record("catalogue.update_record_type", actor=actor, obj=record_type, details=details)
    return record_type


FIELD_CHANGEABLE = frozenset(
    {"label", "required", "choices", "personal", "searchable", "sort_order"}
)


@transaction.atomic
def update_field(field_def: RecordField, *, actor: User, **changes: Any) -> RecordField:
    """Relabel a field, change its flags, choices or order. Its key and type stay: stored
    values are read by them."""
    require(can_define_record_types(actor))
    unknown = sorted(set(changes) - FIELD_CHANGEABLE)
    if unknown:
        raise ListError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    for name, value in changes.items():
        setattr(field_def, name, value)
    _check_field(
        field_def.record_type,
        key=field_def.key,
        label=field_def.label,
        type=field_def.type,
        choices=field_def.choices,
        personal=field_def.personal,
        searchable=field_def.searchable,
    )
    field_def.save()
    audit.record(
        "catalogue.update_record_field",
        actor=actor,
        obj=field_def.record_type,
        details={"field": field_def.key, "changed": sorted(changes)},
    )
    return field_def


# --- Records (agency staff) ----------------------------------------------------------------


def _fields_of(record_type: RecordType) -> list[RecordField]:
    return list(record_type.fields.all())


def _validated(
    record_type: RecordType,
    agency: Agency,
    values: Mapping[str, Any],
    *,
    fields: Sequence[RecordField],
    agencies: AgencyLookup,
) -> tuple[dict[str, Any], str]:
    data, errors = clean_values(record_type, values, fields=fields, agencies=agencies)
    if errors:
        raise RecordInvalid(errors)
    return data, build_search_text(agency.name, data, fields, agencies=agencies)


def _check_type_open(record_type: RecordType) -> None:
    if not record_type.active:
        raise ListError(_("This list is switched off; no records can be added to it."))


@transaction.atomic
def create_record(
    record_type: RecordType,
    *,
    agency: Agency,
    actor: User,
    values: Mapping[str, Any],
    fields: Sequence[RecordField] | None = None,
    agencies: AgencyLookup | None = None,
) -> ListRecord:
    """A new draft record of ``agency``; values are checked against the type.

    ``fields`` and ``agencies`` may be passed by a caller creating many records (the import)
    so that the type and the agencies are read once.
    """
    require(can_edit_list_records(actor, agency))
    _check_type_open(record_type)
    fields = _fields_of(record_type) if fields is None else fields
    data, search_text = _validated(
        record_type, agency, values, fields=fields, agencies=agencies or AgencyLookup()
    )
    record = ListRecord.objects.create(
        record_type=record_type,
        agency=agency,
        data=data,
        search_text=search_text,
        created_by=actor,
    )
    audit.record(
        "catalogue.create_list_record",
        actor=actor,
        obj=record,
        agency_id=agency.pk,
        details={"record_type": record_type.code},
    )
    return record


@transaction.atomic
def update_record(record: ListRecord, *, actor: User, values: Mapping[str, Any]) -> ListRecord:
    """Replace a record's values (a correction). A published record stays published, with
    the corrected values. The audit entry names the changed fields, never their values."""
    require(can_edit_list_records(actor, record.agency))
    record = ListRecord.objects.select_for_update().get(pk=record.pk)
    fields = _fields_of(record.record_type)
    data, search_text = _validated(
        record.record_type, record.agency, values, fields=fields, agencies=AgencyLookup()
    )
    changed = sorted(
        key for key in set(data) | set(record.data) if data.get(key) != record.data.get(key)
    )
    record.data = data
    record.search_text = search_text
    record.save(update_fields=["data", "search_text", "updated_at"])
    audit.record(
        "catalogue.update_list_record",
        actor=actor,
        obj=record,
        agency_id=record.agency_id,
        details={"changed": changed},
    )
    return record


@transaction.atomic
def publish_records(
    records: Iterable[ListRecord],
    *,
    actor: User,
    now: datetime.datetime | None = None,
) -> list[ListRecord]:
    """Publish drafts (and republish withdrawn records), all or none.

    Every record is checked first — the actor's permission at its agency, its state and its
    values against the type as it is now — and nothing is published if one fails.
    """
    now = now or timezone.now()
    ids = [record.pk for record in records]
    locked = list(
        ListRecord.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("agency", "record_type")
        .order_by("pk")
    )
    if len(locked) != len(set(ids)):
        raise ListError(_("A record to publish does not exist any more."))
    allowed_agencies: dict[int, bool] = {}
    for record in locked:
        if record.agency_id not in allowed_agencies:
            allowed_agencies[record.agency_id] = can_edit_list_records(actor, record.agency)
        require(allowed_agencies[record.agency_id])
    fields_by_type: dict[int, list[RecordField]] = {}
    agencies = AgencyLookup()
    for record in locked:
        if record.state == ListRecord.State.PUBLISHED:
            raise ListError(_("Record %(id)s is published already.") % {"id": record.pk})
        if record.record_type_id not in fields_by_type:
            fields_by_type[record.record_type_id] = _fields_of(record.record_type)
        _check_type_open(record.record_type)
        _data, errors = clean_values(
            record.record_type,
            record.data,
            fields=fields_by_type[record.record_type_id],
            agencies=agencies,
        )
        if errors:
            raise ListError(
                _("Record %(id)s does not fit its list any more; correct it first.")
                % {"id": record.pk}
            )
    for record in locked:
        previous = record.state
        record.state = ListRecord.State.PUBLISHED
        record.published_at = now
        record.withdrawn_at = None
        record.save(update_fields=["state", "published_at", "withdrawn_at", "updated_at"])
        audit.record(
            "catalogue.publish_list_record",
            actor=actor,
            obj=record,
            agency_id=record.agency_id,
            details={"from": previous, "record_type": record.record_type.code},
        )
    return locked


@transaction.atomic
def withdraw_record(
    record: ListRecord,
    *,
    actor: User,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> ListRecord:
    """Take a published record off every public page, export and API answer at once."""
    require(can_edit_list_records(actor, record.agency))
    record = ListRecord.objects.select_for_update().get(pk=record.pk)
    if record.state != ListRecord.State.PUBLISHED:
        raise ListError(_("Only a published record can be withdrawn."))
    record.state = ListRecord.State.WITHDRAWN
    record.withdrawn_at = now or timezone.now()
    record.save(update_fields=["state", "withdrawn_at", "updated_at"])
    audit.record(
        "catalogue.withdraw_list_record",
        actor=actor,
        obj=record,
        agency_id=record.agency_id,
        details={"reason": reason[:500]},
    )
    return record
