"""The manager's dashboard: open and overdue work, as figures that each know their records.

Its modules: ``model`` (figures, charts, panels), ``dates``, ``counting`` (SQL counts and
their exact ListSpecs), ``figures`` (``compute``) and ``overdue`` (since the last visit).
The names callers use most are here too.

Every figure is a SQL aggregate (COUNT, GROUP BY, a median from window functions) and
carries the ``queries.ListSpec`` that lists exactly the records it counts, so a click on
a tile or a bar opens a list with the same count. Nothing here loops over rows in Python.

How a figure's ListSpec is made exact:

- Most figures are defined *by* a ListSpec (open, overdue, due soon, a status bar...): the
  value is ``COUNT(*)`` over ``queries.where_clauses(spec)``, the very clauses the list uses.
- Some need a condition ListSpec cannot express (created since an instant, answered since
  a date, no owner agency, the parent-inherited marking of a bilateral audience). Their
  value is counted with that extra condition; when it changes
  nothing the plain spec is kept, otherwise the spec names the records by ``ids`` (read
  from SQL) if there are at most ``IDS_LIMIT`` of them. Beyond that the spec is the nearest
  superset and the figure says ``exact=False``.
- *My work* is the list's own owner filter (``owner_user_id`` equal to the user's
  account), so it is exact; it is counted over the account's items (the owner index).

Audiences: ``internal`` sees everything; ``bilateral`` sees only what
``releasability.visible_clause`` allows (parents' markings included), for every figure,
every bar and every agency name. An agency not itself releasable is never named in a
bilateral dashboard: its bar joins "no agency / not releasable".

Rules a manager should know (also in the README of the dashboard):

- *Open* action item: status Open, In progress or Blocked. *Overdue*: open and due before
  today. *Due in the next 14 days*: open and due from today to today + 13 days.
- *Awaiting the counterpart's response*: a referral we sent (US to PRC) whose status still
  waits for an answer (Sent, Acknowledged, Under verification, Information requested),
  whatever its due date; *over 30 days*: of those, sent 31 or more days ago.
- *Response time*: days from sent to answered, for referrals whose status is Responded
  or Closed and that have both dates, sent in the last 12 calendar months (this month
  included). The median is computed in SQL per direction (and per month sent for the
  chart). US to PRC measures the counterpart; PRC to US measures us.
- *Last meeting*: the latest meeting that has started (``starts_at <= now``), is not
  cancelled nor archived, and that the audience may see. "Since" counts from that instant
  (records created) or from its date in Washington (dates such as completed or answered).
- *My work*: open action items whose owner account (``owner_user_id``) is the signed-in
  user's account. A name typed as the counterpart owner (``owner_person``) never counts.
"""

from workinggroup_app.read.dashboard.dates import (
    default_now,
    month_end,
    month_start,
    washington_date,
)
from workinggroup_app.read.dashboard.figures import compute, last_meeting
from workinggroup_app.read.dashboard.model import IDS_LIMIT, RESPONSE_MONTHS, labels_of
from workinggroup_app.read.dashboard.overdue import overdue_rows, record_visit

__all__ = [
    "IDS_LIMIT",
    "RESPONSE_MONTHS",
    "compute",
    "default_now",
    "labels_of",
    "last_meeting",
    "month_end",
    "month_start",
    "overdue_rows",
    "record_visit",
    "washington_date",
]
