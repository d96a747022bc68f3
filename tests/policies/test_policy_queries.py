"""Policy reads: constant query counts, masking, and who sees what."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import AgentFactory
from tests.conftest import error_codes

from .factories import BankAccountFactory, BenefitFactory, LoanFactory, PolicyFactory, PremiumFactory
from .gql import gid

MY_POLICIES = """
query P($first: Int, $status: PolicyStatus) {
  myPolicies(first: $first, status: $status) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id number status effectiveDate maturityDate paidToDate premium frequency sumAssured cashValue
      product { code name kind }
      holder { name maskedIdNumber maskedPhone }
      insured { name }
      nextPremium { dueDate amount status }
      renewalAccount { bankName maskedNumber }
      loanQuote { eligible reason reasonCode maxAmount annualRate termDays }
      loans { id principal outstandingPrincipal interest status }
      benefits { id kind amount status }
      servicingRequests { id type status }
    } }
  }
}
"""
AGENT_CUSTOMERS = """
query A($search: String) {
  agentCustomers(search: $search, first: 20) {
    edges { node { id name maskedPhone maskedIdNumber age policies { number status } } }
  }
}
"""
AGENT_CUSTOMER = "query C($id: ID!) { agentCustomer(id: $id) { name maskedPhone policies { number } } }"
TODAY = date(2026, 11, 21)


def _rich_policy(owner, account):
    policy = PolicyFactory(holder=owner, renewal_account=account, cash_values__amount="20000.00")
    PremiumFactory(policy=policy, due_date=TODAY + timedelta(days=7))
    LoanFactory(policy=policy, bank_account=account, disbursed_on=TODAY - timedelta(days=10))
    BenefitFactory(policy=policy)
    return policy


def _count_queries(client, variables=None):
    with CaptureQueriesContext(connection) as ctx:
        result = client(MY_POLICIES, variables or {"first": 50})
    return result, len(ctx.captured_queries)


def test_my_policies_query_count_does_not_grow_with_the_list(gql, owner, account):
    gql.login("13800000011")
    _rich_policy(owner, account)
    one, queries_for_one = _count_queries(gql)
    for _ in range(19):
        _rich_policy(owner, account)
    twenty, queries_for_twenty = _count_queries(gql)

    assert len(one["data"]["myPolicies"]["edges"]) == 1
    assert len(twenty["data"]["myPolicies"]["edges"]) == 20
    assert queries_for_twenty == queries_for_one
    assert queries_for_one <= 14


def test_a_policy_list_reads_loans_once_and_ids_without_re_reading_annotations(gql, owner, account):
    """The loan list and the loan quote share one read of the loans table; a Node's id attribute
    is looked up once per type, not by evaluating its annotations for every id (strawberry caches
    only NodeID-annotated types; ours are keyed by pk)."""
    from unittest import mock

    from strawberry.relay import types as relay_types

    from policies.models import PolicyLoan

    gql.login("13800000011")
    for _ in range(3):
        _rich_policy(owner, account)
    table = PolicyLoan._meta.db_table
    with (
        CaptureQueriesContext(connection) as ctx,
        mock.patch.object(relay_types, "eval_type", wraps=relay_types.eval_type) as evaluated,
    ):
        edges = gql(MY_POLICIES, {"first": 10})["data"]["myPolicies"]["edges"]

    assert [len(edge["node"]["loans"]) for edge in edges] == [1, 1, 1]
    assert all(edge["node"]["loanQuote"]["eligible"] for edge in edges)
    loan_reads = [q["sql"] for q in ctx.captured_queries if f'FROM "{table}"' in q["sql"]]
    assert len(loan_reads) == 1, loan_reads
    assert evaluated.call_count == 0


def test_my_policies_content_and_masking(gql, owner, account):
    gql.login("13800000011")
    policy = _rich_policy(owner, account)

    node = gql(MY_POLICIES, {"first": 10})["data"]["myPolicies"]["edges"][0]["node"]

    assert node["number"] == policy.number
    assert node["product"] == {"code": "WL01", "name": "暖心终身寿险", "kind": "WHOLE_LIFE"}
    assert node["cashValue"] == "20000.00"
    assert node["nextPremium"] == {"dueDate": "2026-11-28", "amount": "1200.00", "status": "DUE"}
    # 16,000.00 − 2,000.00 − 2.74 (2,000 × 5% × 10 / 365)
    assert node["loanQuote"]["maxAmount"] == "13997.26" and node["loanQuote"]["eligible"] is True
    assert node["loans"][0]["interest"] == "2.74"
    assert node["renewalAccount"]["maskedNumber"] == account.masked_number
    body = str(node)
    for secret in (owner.id_number, account.account_number, owner.user.phone):
        assert secret not in body
    english = gql(MY_POLICIES, {"first": 10}, lang="en")["data"]["myPolicies"]["edges"][0]["node"]
    assert english["product"]["name"] == "Nuanxin Whole Life"


def test_status_filter_and_pagination(gql, owner):
    gql.login("13800000011")
    for _ in range(3):
        PolicyFactory(holder=owner)
    PolicyFactory(holder=owner, status="GRACE")
    page = gql(MY_POLICIES, {"first": 2})["data"]["myPolicies"]
    assert page["totalCount"] == 4 and page["pageInfo"]["hasNextPage"] is True
    grace = gql(MY_POLICIES, {"first": 10, "status": "GRACE"})["data"]["myPolicies"]
    assert [e["node"]["status"] for e in grace["edges"]] == ["GRACE"]


def test_customers_see_only_their_own_policies(gql, owner, other):
    PolicyFactory(holder=other)
    gql.login("13800000011")
    assert gql(MY_POLICIES)["data"]["myPolicies"]["edges"] == []
    foreign = PolicyFactory(holder=other)
    assert (
        gql("query N($id: ID!) { node(id: $id) { id } }", {"id": gid("Policy", foreign)})["data"]["node"]
        is None
    )


def test_agent_sees_only_the_customers_they_service(gql, owner, other, agent):
    PolicyFactory(holder=owner, servicing_agent=agent)
    other_agent = AgentFactory()
    PolicyFactory(holder=other, servicing_agent=other_agent)
    gql.login("13900000011")

    customers = gql(AGENT_CUSTOMERS)["data"]["agentCustomers"]["edges"]

    assert [c["node"]["name"] for c in customers] == [owner.name]
    node = customers[0]["node"]
    assert node["maskedPhone"] == "138****0011"
    assert owner.id_number not in node["maskedIdNumber"]
    assert node["age"] == 46
    own = gql(AGENT_CUSTOMER, {"id": gid("AgentCustomer", owner)})["data"]["agentCustomer"]
    assert own["name"] == owner.name
    assert gql(AGENT_CUSTOMER, {"id": gid("AgentCustomer", other)})["data"]["agentCustomer"] is None
    assert (
        gql(AGENT_CUSTOMERS, {"search": "0011"})["data"]["agentCustomers"]["edges"][0]["node"]["name"]
        == owner.name
    )


def test_agent_customer_policies_are_only_the_agents_own(gql, owner, agent):
    PolicyFactory(holder=owner, servicing_agent=agent, number="MINE000001")
    PolicyFactory(holder=owner, servicing_agent=AgentFactory(), number="THEIRS0001")
    gql.login("13900000011")
    node = gql(AGENT_CUSTOMER, {"id": gid("AgentCustomer", owner)})["data"]["agentCustomer"]
    assert [p["number"] for p in node["policies"]] == ["MINE000001"]


def test_roles_on_customer_and_agent_queries(gql, owner, agent):
    assert error_codes(gql(MY_POLICIES)) == ["UNAUTHENTICATED"]
    gql.login("13900000011")
    assert error_codes(gql(MY_POLICIES)) == ["FORBIDDEN"]
    gql.login("13800000011")
    assert error_codes(gql(AGENT_CUSTOMERS)) == ["FORBIDDEN"]


def test_my_loans_benefits_and_requests(gql, owner, other, account):
    gql.login("13800000011")
    policy = _rich_policy(owner, account)
    _rich_policy(other, BankAccountFactory(customer=other))
    result = gql(
        "query { myLoans { id } myBenefits { id } myServicingRequests(first: 10) { edges { node { id type } } } }"
    )
    data = result["data"]
    assert [loan["id"] for loan in data["myLoans"]] == [gid("PolicyLoan", policy.loans.get())]
    assert len(data["myBenefits"]) == 1
    assert len(data["myServicingRequests"]["edges"]) == 1
