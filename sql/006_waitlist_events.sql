-- Audit trail of waitlist transitions (JOINED, ASSIGNED, LEFT, EXPIRED), appended by waitlist grains from their outbox.
-- An event id is recorded once: a grain that retries an append after a crash cannot duplicate it.
--
-- Idempotent: this file also seeds a fresh database through /docker-entrypoint-initdb.d.

CREATE TABLE IF NOT EXISTS waitlist_events
(
    event_id       uuid        NOT NULL PRIMARY KEY,
    flight_id      text        NOT NULL,
    -- The entry's place in the flight's queue (its join order): orders one flight's events even when timestamps tie.
    entry_sequence bigint      NOT NULL,
    pnr            text        NOT NULL,
    passenger_ids  text[]      NOT NULL,
    action         text        NOT NULL,
    -- The entry's assigned seats when the transition happened; empty unless it was assigned.
    seats          text[]      NOT NULL,
    actor          text        NOT NULL,
    reason         text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    correlation_id text        NOT NULL,
    -- Arrival order: a grain appends its outbox in order, so this breaks ties of occurred_at within one entry
    -- (JOINED and ASSIGNED in the same microsecond) the way the in-memory log's insertion order does.
    recorded_order bigint      NOT NULL GENERATED ALWAYS AS IDENTITY
);

CREATE INDEX IF NOT EXISTS waitlist_events_flight_occurred_at ON waitlist_events (flight_id, occurred_at);
