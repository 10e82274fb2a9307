"""factory_boy factories shared by the whole suite (registered as fixtures in conftest.py)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from gongkai.agencies.models import Agency, StaffRole

DEFAULT_PASSWORD = "Test-password-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"工作人员{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.cn")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"测试区第{n}局")
    short_name = factory.Sequence(lambda n: f"第{n}局")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    org_code = factory.Sequence(lambda n: f"{n:09d}")
    kind = Agency.Kind.DEPARTMENT


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = StaffRole.Role.EDITOR
