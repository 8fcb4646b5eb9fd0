-- Audit trail of seat transitions, appended by seat grains (through IAuditLog) from their outbox.
-- An event id is recorded once: a grain that retries an append after a crash cannot duplicate it.
--
-- Idempotent: this file also seeds a fresh database through /docker-entrypoint-initdb.d.

CREATE TABLE IF NOT EXISTS seat_events
(
    event_id       uuid        NOT NULL PRIMARY KEY,
    flight_id      text        NOT NULL,
    seat_number    text        NOT NULL,
    from_status    text        NOT NULL
        CONSTRAINT seat_events_from_status_check CHECK (from_status IN ('AVAILABLE', 'HELD', 'CONFIRMED', 'BLOCKED')),
    to_status      text        NOT NULL
        CONSTRAINT seat_events_to_status_check CHECK (to_status IN ('AVAILABLE', 'HELD', 'CONFIRMED', 'BLOCKED')),
    passenger_id   text,
    actor          text        NOT NULL,
    reason         text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    correlation_id text        NOT NULL,
    -- The seat's version after this transition: orders one seat's events even when timestamps tie.
    seat_version   bigint      NOT NULL
);

CREATE INDEX IF NOT EXISTS seat_events_flight_occurred_at ON seat_events (flight_id, occurred_at);
