"""Operations and id helpers shared by the policy API tests."""

from strawberry import relay


def gid(type_name: str, obj) -> str:
    return str(relay.GlobalID(type_name, str(obj.pk if hasattr(obj, "pk") else obj)))


REQUEST_FIELDS = "request { id type status reasons reasonCodes amount }"
ERRORS = "errors { field code message }"

APPLY_POLICY_LOAN = f"""
mutation Apply($input: ApplyPolicyLoanInput!) {{
  applyPolicyLoan(input: $input) {{
    loan {{ id principal outstandingPrincipal status annualRate termDays }}
    {REQUEST_FIELDS}
    {ERRORS}
  }}
}}
"""
REPAY_LOANS = f"""
mutation Repay($input: RepayLoansInput!) {{
  repayLoans(input: $input) {{
    repayment {{ id total paidOn status }}
    loans {{ id outstandingPrincipal interest status }}
    {REQUEST_FIELDS}
    {ERRORS}
  }}
}}
"""
CLAIM_BENEFIT = f"""
mutation Claim($input: ClaimBenefitInput!) {{
  claimBenefit(input: $input) {{ benefit {{ id status amount }} {REQUEST_FIELDS} {ERRORS} }}
}}
"""
MY_LOANS = (
    "query { myLoans { id principal outstandingPrincipal interest totalOwed status disbursedOn dueOn } }"
)
