"""Staff looking at a customer: allowed only while they handle them, and always audited."""

from accounts.models import CustomerProfile

from .. import selectors, signals


def customer_look(*, viewer, customer_id: int, what: str = "customer360") -> CustomerProfile | None:
    """The customer, if the viewer holds a task or chat about them (the look is written to the audit
    trail); None otherwise, exactly as for a customer that does not exist."""
    if not selectors.customer_in_hand(viewer=viewer, customer_id=customer_id):
        return None
    customer = CustomerProfile.objects.select_related("user").filter(pk=customer_id).first()
    if customer is not None:
        signals.customer_viewed.send(sender="operations", viewer=viewer, customer=customer, what=what)
    return customer
