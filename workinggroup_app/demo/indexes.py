"""The search index and secondary indexes during a large load: filled in bulk, and built
after the rows rather than row by row.
"""

from __future__ import annotations

from workinggroup_app.demo.seeder import DEFER_INDEXES, LARGE_LOAD, STAGES, SeederBase
from workinggroup_app.demo.writer import quote_name


class Indexes(SeederBase):
    def begin_bulk_search(self) -> None:
        """SQLite: take the FTS trigger off; each flushed chunk is indexed in one statement.

        Row-by-row trigger inserts into the trigram index cost ~3x more than
        ``INSERT INTO search_fts SELECT ...`` per chunk. The trigger is put back at the end,
        in the same transaction, from its own SQL in ``sqlite_master``.
        """
        if not self.sqlite:
            return
        trigger_sql = self.w.scalar(
            "SELECT sql FROM sqlite_master WHERE type='trigger' AND name='search_text_ai'"
        )
        if not (trigger_sql and "search_fts" in trigger_sql):
            return
        self.trigger_sql = str(trigger_sql)
        self.w.execute("DROP TRIGGER search_text_ai")
        self.fts_tuned = self.n["action_item"] + self.n["referral"] > 50_000
        if self.fts_tuned:  # fewer, larger segment merges while loading
            self.w.execute("INSERT INTO search_fts(search_fts, rank) VALUES('automerge', 16)")
            self.w.execute("INSERT INTO search_fts(search_fts, rank) VALUES('crisismerge', 64)")

    def end_bulk_search(self) -> None:
        self.stage(STAGES[6])
        self.flush_search()
        self.flush_history()
        if self.trigger_sql is None:
            return
        if self.fts_tuned:  # back to FTS5's defaults
            self.w.execute("INSERT INTO search_fts(search_fts, rank) VALUES('automerge', 4)")
            self.w.execute("INSERT INTO search_fts(search_fts, rank) VALUES('crisismerge', 16)")
        self.w.execute(self.trigger_sql)

    def defer_indexes(self) -> None:
        """Large loads: drop the non-unique secondary indexes of the big tables.

        Maintaining an index row by row in random key order (a title, a person, the
        pg_trgm GIN index on ``search_text``) costs far more than building it once from
        sorted keys: on PostgreSQL the GIN index alone took 144 of 255 s for 1M action
        items. The indexes are rebuilt in ``rebuild_indexes`` from their own definitions
        (``sqlite_master.sql``, ``pg_get_indexdef``) in the same transaction, so a failed
        load rolls the drops back. Unique and constraint indexes stay.
        """
        self.deferred: list[tuple[str, str]] = []
        if self.n["action_item"] < LARGE_LOAD or not DEFER_INDEXES:
            return
        tables = self.DEFERRED_INDEX_TABLES
        cur = self.w.raw.cursor()
        try:
            if self.sqlite:
                marks = ", ".join("?" * len(tables))
                cur.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    f"AND tbl_name IN ({marks}) AND sql IS NOT NULL ORDER BY name",
                    tables,
                )
                found = [
                    (str(n), str(d))
                    for n, d in cur.fetchall()
                    if not str(d).upper().startswith("CREATE UNIQUE")
                ]
            else:
                cur.execute(
                    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_class t ON t.oid = i.indrelid "
                    "WHERE t.relname = ANY(%s) "
                    "AND t.relnamespace = current_schema()::regnamespace "
                    "AND NOT i.indisunique AND NOT i.indisprimary AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
                    "ORDER BY c.relname",
                    (list(tables),),
                )
                found = [(str(n), str(d)) for n, d in cur.fetchall()]
                cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for name, _ddl in found:
                cur.execute(f"DROP INDEX {quote_name(name)}")
            self.deferred = found
        finally:
            cur.close()

    def rebuild_indexes(self) -> None:
        for _name, ddl in self.deferred:
            self.w.execute(ddl, label="(rebuild indexes)")
