"""Dispatch pages, one module per subject (queue, tickets, escalation and whistle, directives)."""
