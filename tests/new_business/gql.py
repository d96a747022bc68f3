from strawberry import relay

APPLICATION_FIELDS = """
  id number status premium annualPremium sumAssured termYears frequency ageAtEntry
  underwritingReasons paymentInProgress decisionNote customerMaskedName
  progress { seq status text readAloudText at }
  policy { id number status }
"""
SUBMIT = (
    """
mutation Submit($input: SubmitApplicationInput!) {
  submitApplication(input: $input) { application { %s } errors { field code message } }
}"""
    % APPLICATION_FIELDS
)
CONFIRM = (
    """
mutation Confirm($input: ConfirmApplicationInput!) {
  confirmApplication(input: $input) {
    application { %s } policy { id number status } request { id type status }
    errors { field code message }
  }
}"""
    % APPLICATION_FIELDS
)
MY_APPLICATIONS = "query { myApplications { %s } }" % APPLICATION_FIELDS
AGENT_APPLICATIONS = (
    "query A($status: ApplicationStatus) { agentApplications(status: $status, first: 20) { edges { node { %s } } } }"
    % APPLICATION_FIELDS
)
CANCEL = """
mutation Cancel($input: CancelInCoolingOffInput!) {
  cancelInCoolingOff(input: $input) { policy { id status } request { id type status amount } errors { field code message } }
}"""
CALLBACKS = "query { myPolicyCallbacks { id dueAt policy { number } questions { code text readAloudText } } }"
ANSWER_CALLBACK = """
mutation Answer($input: AnswerPolicyCallbackInput!) {
  answerPolicyCallback(input: $input) { callback { id } errors { field code message } }
}"""
PRODUCTS = """query { products { code name kind minSumAssured maxSumAssured termYearsOptions frequencies
  underwritingQuestions { code text readAloudText } } }"""


def gid(type_name: str, obj) -> str:
    return str(relay.GlobalID(type_name, str(getattr(obj, "pk", obj))))


def submit_input(
    customer, *, key="k1", sum_assured="100000", frequency="MONTHLY", term=20, answers=None, product="WL01"
):
    from .conftest import answers as all_no

    return {
        "input": {
            "customerId": gid("AgentCustomer", customer),
            "productCode": product,
            "sumAssured": sum_assured,
            "frequency": frequency,
            "termYears": term,
            "healthAnswers": answers if answers is not None else all_no(),
            "idempotencyKey": key,
        }
    }
