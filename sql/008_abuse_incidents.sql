-- Abuse protection's audit trail (issue 12): every block, lifted or expired block and hold cooldown, appended by the
-- guard, block-list and passenger seat grains before they report the decision. An incident id is recorded once: a
-- grain that retries an append after a crash cannot duplicate it.
--
-- Idempotent: this file also seeds a fresh database through /docker-entrypoint-initdb.d.

CREATE TABLE IF NOT EXISTS abuse_incidents
(
    incident_id    uuid        NOT NULL PRIMARY KEY,
    -- ip:203.0.113.7, ip:2001:db8:1:2::/64, key:{name} or passenger:{flightId}/{passengerId}; never an API key itself.
    client_key     text        NOT NULL,
    rule           text        NOT NULL,
    observed_count integer     NOT NULL,
    window_ms      bigint      NOT NULL,
    decision       text        NOT NULL,
    expires_at     timestamptz,
    occurred_at    timestamptz NOT NULL,
    actor          text        NOT NULL,
    reason         text        NOT NULL,
    -- Arrival order: breaks ties of occurred_at (a block and its lifting in the same microsecond) newest first.
    recorded_order bigint      NOT NULL GENERATED ALWAYS AS IDENTITY
);

-- The admin listing is newest first, over a time range, optionally for one client.
CREATE INDEX IF NOT EXISTS abuse_incidents_occurred_at ON abuse_incidents (occurred_at DESC, recorded_order DESC);
CREATE INDEX IF NOT EXISTS abuse_incidents_client_occurred_at ON abuse_incidents (client_key, occurred_at DESC);
