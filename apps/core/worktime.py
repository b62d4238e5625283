"""Deadlines. Every deadline in the platform is computed here, through `deadline_after`.

For now a time limit counts plain hours; the working-time calendar (weekends, holidays,
调休) replaces the body of this one function without touching its callers.
"""
from datetime import timedelta


def deadline_after(start, hours):
    return start + timedelta(hours=hours)
