"""Servicing actions, one module per domain: loans, repayments, benefits, bank accounts, contact, review, daily jobs."""
