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


def test_the_customer_form_shows_the_id_number_only_masked_and_takes_a_replacement(db):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from .factories import CustomerFactory

    customer = CustomerFactory(user__phone="13800000095", id_number="110101199003071233")
    admin_user = get_user_model().objects.create_superuser("admin9", "demo12345")
    client = Client()
    client.force_login(admin_user)
    url = f"/admin/accounts/customerprofile/{customer.pk}/change/"

    page = client.get(url).content.decode()
    assert "110101199003071233" not in page and "110***********1233" in page
    user_page = client.get(f"/admin/accounts/user/{customer.user.pk}/change/").content.decode()
    assert "110101199003071233" not in user_page

    form = {
        "user": customer.user.pk,
        "name": customer.name,
        "birth_date": "1990-03-07",
        "gender": customer.gender,
        "email": "",
        "address": "",
        "new_id_number": "11010119900307123X",
    }
    assert "有效的18位" in client.post(url, form).content.decode()  # a bad check digit is refused
    form["new_id_number"] = "310104195405121828"
    assert client.post(url, form).status_code == 302
    customer.refresh_from_db()
    assert customer.id_number == "310104195405121828"
