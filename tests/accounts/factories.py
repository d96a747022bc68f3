from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from accounts.identity import DEMO_REGIONS, resident_id_make
from accounts.models import AgentProfile, CustomerProfile, Gender, Role, StaffProfile, User

PASSWORD = "demo12345"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    phone = factory.Sequence(lambda n: f"186{n:08d}")
    role = Role.CUSTOMER
    display_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password(PASSWORD)


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = CustomerProfile

    user = factory.SubFactory(UserFactory, role=Role.CUSTOMER)
    name = factory.Faker("name", locale="zh_CN")
    # Valid numbers (check digit, birth date, county): the model validates them.
    id_number = factory.Sequence(
        lambda n: resident_id_make(
            region=DEMO_REGIONS[n % len(DEMO_REGIONS)],
            birth=date(1980, 1, 1) + timedelta(days=n // 17 // 1000),
            serial=n // 17,
        )
    )
    birth_date = date(1980, 1, 1)
    gender = Gender.FEMALE


class AgentFactory(DjangoModelFactory):
    class Meta:
        model = AgentProfile

    user = factory.SubFactory(UserFactory, role=Role.AGENT)
    name = factory.Faker("name", locale="zh_CN")
    agent_code = factory.Sequence(lambda n: f"A{n:05d}")
    branch = "北京分公司"


class StaffFactory(DjangoModelFactory):
    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=Role.STAFF)
    name = factory.Faker("name", locale="zh_CN")
    employee_no = factory.Sequence(lambda n: f"S{n:05d}")

    # The pool's set-up: roles (groups), their skills and the languages spoken. Desk by default.
    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        from operations.services.staff import staff_profile_set

        staff_profile_set(
            user=self.user,
            roles=extracted if extracted is not None else ["desk"],
            languages=kwargs.get("languages", ("zh",)),
            capacity=kwargs.get("capacity"),
        )
