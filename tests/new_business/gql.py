from strawberry import relay

APPLICATION = """
fragment A on Application {
  id number status premium annualPremium sumAssured termYears frequency ageAtEntry
  underwritingReasons paymentInProgress decisionNote customerMaskedName healthAnswers { code text yes }
  progress { seq status text readAloudText at }
  policy { id number status }
}
"""
SUBMIT = (
    APPLICATION
    + """
mutation Submit($input: SubmitApplicationInput!) {
  submitApplication(input: $input) { application { ...A } errors { field code message } }
}"""
)
CONFIRM = (
    APPLICATION
    + """
mutation Confirm($input: ConfirmApplicationInput!) {
  confirmApplication(input: $input) {
    application { ...A } policy { id number status } request { id type status }
    errors { field code message }
  }
}"""
)
MY_APPLICATIONS = APPLICATION + "query { myApplications { ...A } }"
AGENT_APPLICATIONS = (
    APPLICATION
    + "query Q($status: ApplicationStatus) { agentApplications(status: $status, first: 20) { edges { node { ...A } } } }"
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
