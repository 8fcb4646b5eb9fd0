-- Audit trail of check-in transitions (start, complete, cancel, ...), appended by check-in grains from their outbox.
-- An event id is recorded once: a grain that retries an append after a crash cannot duplicate it.
--
-- Idempotent: this file also seeds a fresh database through /docker-entrypoint-initdb.d.

CREATE TABLE IF NOT EXISTS checkin_events
(
    event_id       uuid        NOT NULL PRIMARY KEY,
    flight_id      text        NOT NULL,
    passenger_id   text        NOT NULL,
    action         text        NOT NULL,
    from_status    text        NOT NULL,
    to_status      text        NOT NULL,
    seat_number    text,
    actor          text        NOT NULL,
    reason         text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    correlation_id text        NOT NULL,
    -- The check-in's version after this transition: orders one check-in's events even when timestamps tie.
    version        bigint      NOT NULL
);

CREATE INDEX IF NOT EXISTS checkin_events_flight_passenger ON checkin_events (flight_id, passenger_id, occurred_at);
