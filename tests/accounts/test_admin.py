"""The Django admin is for staff only and finds users by phone and name."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from .factories import CustomerFactory, StaffFactory


@pytest.mark.django_db
def test_customers_cannot_enter_the_admin():
    customer = CustomerFactory()
    client = Client()
    client.force_login(customer.user)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_staff_search_users_by_phone_and_name():
    staff = StaffFactory()
    staff.user.is_superuser = False
    staff.user.save()

    staff.user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "view_customerprofile"])
    )
    CustomerFactory(user__phone="13811112222", name="欧阳娜娜")
    CustomerFactory(user__phone="13833334444", name="司马光")
    client = Client()
    client.force_login(staff.user)

    by_phone = client.get("/admin/accounts/user/", {"q": "13811112222"})
    by_name = client.get("/admin/accounts/user/", {"q": "司马"})

    assert by_phone.status_code == 200
    assert "13811112222" in by_phone.content.decode() and "13833334444" not in by_phone.content.decode()
    assert "13833334444" in by_name.content.decode() and "13811112222" not in by_name.content.decode()
