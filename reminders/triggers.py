"""PostgreSQL triggers that note which policies the reminder scan must look at again.

Every statement that writes a table the scan reads adds the policies it touched to
`reminders_scanchange` (one INSERT … SELECT DISTINCT per statement, from its transition tables, so a
bulk update of a million premiums costs one statement, not a million). A change that can move any
policy's reminders (a product, a reminder rule, reminders truncated) adds a row without a policy.
The scan consumes the rows (reminders.services.scan). Elsewhere (SQLite) nothing is installed and
every scan looks at the whole book.

Migration 0009 installs what this module says when it runs: change the triggers through a new
migration that drops and installs them again, never by editing this text alone.
"""

ALL = ("ins", "upd", "del")
# Table → the column naming the policy its rows belong to, and the statements that count.
POLICY_TABLES = {
    "policies_policy": ("id", ALL),
    "policies_premiumdue": ("policy_id", ALL),
    "policies_policyloan": ("policy_id", ALL),
    "policies_benefit": ("policy_id", ALL),
    "policies_cashvalue": ("policy_id", ALL),
    # The scan writes reminders itself; only a deleted one (raised again when still due) counts.
    "reminders_reminder": ("policy_id", ("del",)),
}
WHOLE_BOOK_TABLES = ("policies_product", "reminders_reminderrule")

FUNCTIONS = """
CREATE OR REPLACE FUNCTION reminders_scan_note_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('INSERT INTO reminders_scanchange (policy_id) SELECT DISTINCT %I FROM scan_new_rows '
                   'WHERE %I IS NOT NULL', TG_ARGV[0], TG_ARGV[0]);
  END IF;
  IF TG_OP = 'UPDATE' THEN
    -- An update that moved rows to another policy concerns the old one too.
    EXECUTE format('INSERT INTO reminders_scanchange (policy_id) SELECT DISTINCT o.%1$I FROM scan_old_rows o '
                   'WHERE o.%1$I IS NOT NULL AND NOT EXISTS '
                   '(SELECT 1 FROM scan_new_rows n WHERE n.%1$I = o.%1$I)', TG_ARGV[0]);
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE format('INSERT INTO reminders_scanchange (policy_id) SELECT DISTINCT %1$I FROM scan_old_rows '
                   'WHERE %1$I IS NOT NULL', TG_ARGV[0]);
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION reminders_scan_note_whole_book() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO reminders_scanchange (policy_id) VALUES (NULL);
  RETURN NULL;
END $$;

-- A debit account verified, unverified or changed: the policies it pays for.
CREATE OR REPLACE FUNCTION reminders_scan_note_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO reminders_scanchange (policy_id)
    SELECT p.id FROM policies_policy p WHERE p.renewal_account_id IN (SELECT id FROM scan_new_rows);
  RETURN NULL;
END $$;
"""


_EVENTS = {
    "ins": "INSERT ON {table} REFERENCING NEW TABLE AS scan_new_rows",
    "upd": "UPDATE ON {table} REFERENCING OLD TABLE AS scan_old_rows NEW TABLE AS scan_new_rows",
    "del": "DELETE ON {table} REFERENCING OLD TABLE AS scan_old_rows",
}


def _row_triggers(table: str, column: str, ops) -> str:
    # Transition tables allow one event per trigger: a trigger per statement kind.
    return "\n".join(
        f"CREATE TRIGGER reminders_scan_{table}_{op} AFTER {_EVENTS[op].format(table=table)} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION reminders_scan_note_rows('{column}');"
        for op in ops
    )


def install_sql() -> str:
    parts = [FUNCTIONS]
    for table, (column, ops) in POLICY_TABLES.items():
        parts.append(_row_triggers(table, column, ops))
    for table in WHOLE_BOOK_TABLES:
        parts.append(
            f"CREATE TRIGGER reminders_scan_{table}_all AFTER UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION reminders_scan_note_whole_book();"
        )
    parts.append(
        "CREATE TRIGGER reminders_scan_reminders_truncate AFTER TRUNCATE ON reminders_reminder "
        "FOR EACH STATEMENT EXECUTE FUNCTION reminders_scan_note_whole_book();"
    )
    parts.append(
        "CREATE TRIGGER reminders_scan_policies_bankaccount_upd AFTER UPDATE ON policies_bankaccount "
        "REFERENCING NEW TABLE AS scan_new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION reminders_scan_note_accounts();"
    )
    return "\n".join(parts)


def uninstall_sql() -> str:
    names = [(f"reminders_scan_{t}_{op}", t) for t, (_, ops) in POLICY_TABLES.items() for op in ops]
    names += [(f"reminders_scan_{t}_all", t) for t in WHOLE_BOOK_TABLES]
    names += [
        ("reminders_scan_reminders_truncate", "reminders_reminder"),
        ("reminders_scan_policies_bankaccount_upd", "policies_bankaccount"),
    ]
    drops = [f"DROP TRIGGER IF EXISTS {name} ON {table};" for name, table in names]
    drops += [
        "DROP FUNCTION IF EXISTS reminders_scan_note_rows();",
        "DROP FUNCTION IF EXISTS reminders_scan_note_whole_book();",
        "DROP FUNCTION IF EXISTS reminders_scan_note_accounts();",
    ]
    return "\n".join(drops)


def install(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:  # no parameters: format()'s %I stays as is
            cursor.execute(install_sql())


def uninstall(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(uninstall_sql())
