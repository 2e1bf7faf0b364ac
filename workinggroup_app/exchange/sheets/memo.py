"""What the last check of a sheet found, row by row, kept with the sheet so the import after
its dry run does not validate unchanged rows twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from workinggroup_app.exchange.sheets.problems import Problem


@dataclass(slots=True)
class MemoRow:
    """What checking one row on its own found: everything but the duplicate checks, which
    look across rows and at the database."""

    cells: tuple[Any, ...]  # the raw cells checked ...
    kinds: tuple[type, ...]  # ... and their types (1 == 1.0 == True, but not as cells)
    values: dict[str, Any] | None  # for the duplicate checks: ``clean``, else the cells as
    # values (None for a blank row); one dict, not two, for a valid row: memory
    clean: dict[str, Any] | None  # what Services.validate made of them; None if it refused
    problems: tuple[Problem, ...]

    def matches(self, raw: Sequence[Any]) -> bool:
        cells = tuple(raw)
        return cells == self.cells and tuple(map(type, cells)) == self.kinds


@dataclass
class Memo:
    """The rows of a sheet as one check found them, by index, to reuse in the next check
    of the same sheet (the import after its dry run re-checks inside its transaction).

    A row's result depends on its cells, the mapping and headers (``key``), and, for link
    columns, on which record each label names in the database. So a row is reused only when
    its cells are unchanged (compared with their types), and the whole memo only when every
    label it resolved still names the same record (``links``, looked up again inside the
    new check's transaction); otherwise the rows are checked afresh. Duplicates, within the
    file and against the database, are always checked again, set-based.
    """

    key: tuple[Any, ...]
    links: dict[tuple[str, str], int | None] = field(default_factory=dict)
    rows: dict[int, MemoRow] = field(default_factory=dict)
