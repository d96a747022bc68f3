"""Bench only: grow the synthetic book to N times its size in SQL, for measuring at 3,000,000
policies (the seeder makes about 900 policies a second with the audit triggers on: an hour).

Each copy repeats every synthetic customer (phones 150…) with their bank accounts, policies,
premiums, cash values, servicing requests, loans and benefits under new ids, phones, ID digests and
policy numbers. Triggers (audit, scan notes) and foreign-key checks are off while copying: the
copies are of rows that satisfied them. Never run against a database that matters.

Usage: DATABASE_URL=postgres://…/nuanxin_scan3 python bench/scale_book.py 3
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import production_env


def main() -> None:
    factor = int(sys.argv[1])
    os.environ.update(production_env())
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import ForeignKey

    from accounts.models import CustomerProfile, User
    from policies.models import (
        BankAccount,
        Benefit,
        CashValue,
        Policy,
        PolicyLoan,
        PremiumDue,
        ServicingRequest,
    )

    synthetic_users = "SELECT id FROM accounts_user WHERE phone LIKE '150%%'"
    synthetic_customers = f"SELECT id FROM accounts_customerprofile WHERE user_id IN ({synthetic_users})"
    synthetic_policies = "SELECT id FROM policies_policy WHERE number LIKE 'SY%%'"
    plan = [
        (User, f"id IN ({synthetic_users})"),
        (CustomerProfile, f"id IN ({synthetic_customers})"),
        (BankAccount, f"customer_id IN ({synthetic_customers})"),
        (Policy, "number LIKE 'SY%%'"),
        (PremiumDue, f"policy_id IN ({synthetic_policies})"),
        (CashValue, f"policy_id IN ({synthetic_policies})"),
        (ServicingRequest, f"customer_id IN ({synthetic_customers})"),
        (PolicyLoan, f"policy_id IN ({synthetic_policies})"),
        (Benefit, f"policy_id IN ({synthetic_policies})"),
    ]
    cloned = {model for model, _ in plan}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM policies_policy WHERE number LIKE 'SY%%'")
        (policies,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM policies_policy WHERE number LIKE 'S_%%' AND number NOT LIKE 'SY%%'"
        )
        (copies,) = cursor.fetchone()
        if copies:
            sys.exit(f"scale_book: this book already holds {copies} copied policies")
        spans = {}
        for model, _ in plan:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {model._meta.db_table}")
            spans[model] = cursor.fetchone()[0]
    print(f"{policies} synthetic policies; making {factor - 1} copies", flush=True)

    def column(field, model, k: int) -> str:
        name = field.column
        if field.primary_key:
            return f"{name} + {k * spans[model]}"
        if isinstance(field, ForeignKey) and field.related_model in cloned:
            return f"{name} + {k * spans[field.related_model]}"
        if model is User and name == "phone":
            return f"'K{k}' || substr(phone, 3)"
        if model is CustomerProfile and name == "id_number_digest":
            return f"md5(id_number_digest || '{k}') || substr(id_number_digest, 33)"
        if model is Policy and name == "number":
            return f"'S{k}' || substr(number, 3)"
        return name

    for k in range(1, factor):
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            for model, where in plan:
                fields = model._meta.concrete_fields
                names = ", ".join(f.column for f in fields)
                values = ", ".join(column(f, model, k) for f in fields)
                table = model._meta.db_table
                cursor.execute(f"INSERT INTO {table} ({names}) SELECT {values} FROM {table} WHERE {where}")
                print(f"copy {k}: {table} {cursor.rowcount}", flush=True)
        print(f"copy {k} done in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        for model, _ in plan:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    print("sequences moved on, statistics refreshed", flush=True)


if __name__ == "__main__":
    main()
