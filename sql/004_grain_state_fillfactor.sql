-- Grain state rows are inserted once and then updated many times (a seat: hold, confirm, release, ...). Leaving a
-- fifth of every page free lets PostgreSQL keep an update on the row's own page (a HOT update), which skips the
-- unique index and keeps the table from spreading. Applies to pages written from now on.
--
-- Idempotent: this file also seeds a fresh database through /docker-entrypoint-initdb.d.

ALTER TABLE orleans_grain_state SET (fillfactor = 80);
