"""factory_boy factories for the models tests build."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.models import Group

from workbench.accounts.models import Clearance, Department, Region, User
from workbench.accounts.roles import Role
from workbench.accounts.services import user_set_roles

TEST_PASSWORD = "correct horse battery staple"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Department {n}")
    code = factory.Sequence(lambda n: f"dept-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@acme.example")
    job_title = factory.Faker("job")
    department = factory.SubFactory(DepartmentFactory)
    region = Region.EU
    clearance = Clearance.INTERNAL
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: Any) -> None:
        if create and extracted is not None:
            Group.objects.bulk_create(
                [Group(name=role.value) for role in extracted], ignore_conflicts=True
            )
            user_set_roles(user=self, roles=list(extracted))
