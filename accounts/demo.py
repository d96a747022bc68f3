"""Demo accounts of DESIGN.md and the synthetic customer book used by benchmarks."""

from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction
from tqdm import tqdm

from .identity import DEMO_REGIONS, resident_id_make
from .models import AgentProfile, CustomerProfile, Gender, Role, StaffProfile, User

DEMO_PASSWORD = "demo12345"

DEMO_CUSTOMERS = [
    {
        "phone": "13800000001",
        "name": "张伟",
        "id_number": "110101199003071233",
        "birth_date": date(1990, 3, 7),
        "gender": Gender.MALE,
        "email": "zhangwei@example.com",
        "address": "北京市朝阳区建国路88号",
    },
    {
        "phone": "13800000002",
        "name": "李秀英",
        "id_number": "310104195405121828",
        "birth_date": date(1954, 5, 12),
        "gender": Gender.FEMALE,
        "email": "",
        "address": "上海市徐汇区漕溪北路100号",
    },
]
DEMO_AGENT = {"phone": "13900000001", "name": "王芳", "agent_code": "A0001", "branch": "北京分公司"}
# The pool's demo staff (DESIGN.md): roles, skills and languages are set by operations.demo.
DEMO_STAFF = [
    {"phone": "13700000001", "name": "陈静", "employee_no": "S0001", "team": "客服中心"},
    {"phone": "13700000002", "name": "黄嘉欣", "employee_no": "S0002", "team": "广州审核中心"},
    {"phone": "13700000003", "name": "艾力", "employee_no": "S0003", "team": "新疆核保中心"},
    {"phone": "13700000004", "name": "周敏", "employee_no": "S0004", "team": "运营监控中心"},
]


def _user(phone: str, role: str, display_name: str, password_hash: str) -> User:
    user, _created = User.objects.get_or_create(
        phone=phone, defaults={"role": role, "display_name": display_name, "password": password_hash}
    )
    return user


@transaction.atomic
def seed_demo_accounts() -> dict[str, User]:
    """Create the demo logins; a second run finds them and creates nothing."""
    password_hash = make_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    for data in DEMO_CUSTOMERS:
        user = _user(data["phone"], Role.CUSTOMER, data["name"], password_hash)
        profile = {k: v for k, v in data.items() if k != "phone"}
        CustomerProfile.objects.get_or_create(user=user, defaults=profile)
        users[data["phone"]] = user
    agent = _user(DEMO_AGENT["phone"], Role.AGENT, DEMO_AGENT["name"], password_hash)
    AgentProfile.objects.get_or_create(
        user=agent,
        defaults={
            "name": DEMO_AGENT["name"],
            "agent_code": DEMO_AGENT["agent_code"],
            "branch": DEMO_AGENT["branch"],
        },
    )
    users[DEMO_AGENT["phone"]] = agent
    for data in DEMO_STAFF:
        staff = _user(data["phone"], Role.STAFF, data["name"], password_hash)
        StaffProfile.objects.get_or_create(
            user=staff, defaults={key: value for key, value in data.items() if key != "phone"}
        )
        users[data["phone"]] = staff
    admin_user = _user("admin", Role.ADMIN, "管理员", password_hash)
    if not admin_user.is_superuser:
        admin_user.is_superuser = True
        admin_user.save()
    users["admin"] = admin_user
    return users


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
]
SYNTHETIC_PHONE_BASE = 15000000000


def synthetic_customer_fields(index: int) -> dict:
    """Deterministic fields of synthetic customer `index`, so reruns produce the same book."""
    birth = date(1940 + index % 65, 1 + index % 12, 1 + index % 28)
    # Region and serial digits come from the index, so ID numbers stay unique across the book.
    region = DEMO_REGIONS[(index // 1000) % len(DEMO_REGIONS)]
    return {
        "phone": str(SYNTHETIC_PHONE_BASE + index),
        "name": SURNAMES[index % len(SURNAMES)] + GIVEN[(index // len(SURNAMES)) % len(GIVEN)],
        "id_number": resident_id_make(region=region, birth=birth, serial=index),
        "birth_date": birth,
        "gender": Gender.MALE if index % 2 else Gender.FEMALE,
    }


def seed_synthetic_customers(count: int, *, batch_size: int = 5000, progress: bool = True) -> int:
    """Bulk-create `count` synthetic customers (phones 150xxxxxxxx); existing ones are kept. Returns new users."""
    password_hash = make_password(DEMO_PASSWORD)
    created = 0
    bar = tqdm(total=count, desc="customers", unit="cust", disable=not progress)
    for start in range(0, count, batch_size):
        indexes = range(start, min(start + batch_size, count))
        rows = [synthetic_customer_fields(i) for i in indexes]
        phones = [row["phone"] for row in rows]
        with transaction.atomic():
            existing = set(User.objects.filter(phone__in=phones).values_list("phone", flat=True))
            new_rows = [row for row in rows if row["phone"] not in existing]
            users = User.objects.bulk_create(
                [
                    User(
                        phone=row["phone"],
                        role=Role.CUSTOMER,
                        display_name=row["name"],
                        password=password_hash,
                    )
                    for row in new_rows
                ]
            )
            CustomerProfile.objects.bulk_create(
                [
                    CustomerProfile(user=user, **{k: v for k, v in row.items() if k != "phone"})
                    for user, row in zip(users, new_rows, strict=True)
                ]
            )
        created += len(new_rows)
        bar.update(len(rows))
    bar.close()
    return created
