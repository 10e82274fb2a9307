"""The rule sets an application is handled under, chosen by its receipt date (REGULATION.md §0).

The rules in force on the legal receipt date (REG 31) apply for the whole life of the
application: an application received on 2019-05-14 keeps the 2007 limits even if it is answered
in June. The limits are statutory, so they are constants here, not settings.

Two differences in how the clock runs:

* 2019 (REG 30): the corrected application restarts the reply clock from its receipt. The 2007
  Regulation had no such rule; the time the applicant takes to correct is not counted (a pause),
  which is how offices applied its article 21 and 24 at the time.
* Both: the time a third party (and, from 2019, another agency, REG 34) takes to answer a
  consultation is not counted (REG 32; 2007 art. 23 and 24).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class RuleSetError(ValueError):
    """No rule set covers the date (the message is translated)."""


@dataclass(frozen=True)
class RuleSet:
    code: str  # stored on each application
    name: Promise
    decree: str  # 国务院令第N号
    in_force_from: datetime.date
    in_force_until: datetime.date | None  # last day in force
    reply_limit: int  # working days (2007 art. 24: 15; REG 33: 20)
    extension_limit: int  # working days at most, once
    correction_notice_limit: int | None  # REG 30: tell the applicant within 7 working days
    correction_restarts_clock: bool  # REG 30 (2019); 2007: the correction time is paused
    third_party_limit: int  # REG 32: the third party answers within 15 working days
    agency_consultation: bool  # REG 34 (2019): consulting other agencies pauses the clock
    fee_payment_limit: int  # FEE: working days to pay a fee notice

    def __str__(self) -> str:
        return str(self.name)


RULES_2007 = RuleSet(
    code="2007",
    name=_("2007 Regulation (State Council Decree No. 492)"),
    decree="国务院令第492号",
    in_force_from=datetime.date(2008, 5, 1),
    in_force_until=datetime.date(2019, 5, 14),
    reply_limit=15,
    extension_limit=15,
    correction_notice_limit=None,
    correction_restarts_clock=False,
    third_party_limit=15,
    agency_consultation=False,
    fee_payment_limit=20,
)

RULES_2019 = RuleSet(
    code="2019",
    name=_("2019 Regulation (State Council Decree No. 711)"),
    decree="国务院令第711号",
    in_force_from=datetime.date(2019, 5, 15),
    in_force_until=None,
    reply_limit=20,
    extension_limit=20,
    correction_notice_limit=7,
    correction_restarts_clock=True,
    third_party_limit=15,
    agency_consultation=True,
    fee_payment_limit=20,
)

RULE_SETS: tuple[RuleSet, ...] = (RULES_2007, RULES_2019)
RULE_SET_CHOICES = [(rules.code, rules.name) for rules in RULE_SETS]


def rule_set_for(receipt_date: datetime.date) -> RuleSet:
    """The rule set in force on ``receipt_date``."""
    for rules in RULE_SETS:
        if rules.in_force_from <= receipt_date and (
            rules.in_force_until is None or receipt_date <= rules.in_force_until
        ):
            return rules
    raise RuleSetError(
        gettext(
            "No disclosure regulation was in force on {date}: applications are handled from "
            "{first} on."
        ).format(date=receipt_date.isoformat(), first=RULE_SETS[0].in_force_from.isoformat())
    )


def rule_set(code: str) -> RuleSet:
    """The rule set stored on an application by its code."""
    for rules in RULE_SETS:
        if rules.code == code:
            return rules
    raise RuleSetError(gettext("“{code}” is not a rule set.").format(code=code))
