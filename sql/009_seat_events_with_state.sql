-- A seat's audit events reach seat_events in the same statement (one transaction, one commit) as the seat's state
-- (issue 16: one round trip per seat command instead of a state write followed by an audit insert).
--
-- Seat grains (grain type 'seat', pinned by [GrainType("seat")] on SeatGrain) keep the events of their latest change
-- in their state as an outbox ("unpublishedEvents" in the JSON payload: eventId, flightId, seatNumber, from, to,
-- passengerId, actor, reason, at, correlationId, seatVersion; statuses by enum name, e.g. "Held"). The write query
-- below inserts that outbox into seat_events when, and only when, the state write itself succeeds: a write that loses
-- on its ETag records nothing. An event id already recorded is skipped, so an outbox written again (the grain clears
-- it in memory only) adds nothing. Every other grain type writes exactly as 001 does.
--
-- seat_outbox_rows reads the outbox of a stored payload as seat_events rows (used by the query and by the flush below).
-- Then, once: the outboxes already stored record what earlier versions may not have appended yet.
--
-- Idempotent: this file also seeds a fresh database through /docker-entrypoint-initdb.d.

CREATE OR REPLACE FUNCTION seat_outbox_rows(payload bytea)
RETURNS TABLE (event_id uuid, flight_id text, seat_number text, from_status text, to_status text, passenger_id text,
               actor text, reason text, occurred_at timestamptz, correlation_id text, seat_version bigint)
LANGUAGE sql IMMUTABLE
AS $function$
    SELECT CAST(e ->> 'eventId' AS uuid), e ->> 'flightId', e ->> 'seatNumber', upper(e ->> 'from'), upper(e ->> 'to'),
           e ->> 'passengerId', e ->> 'actor', e ->> 'reason', CAST(e ->> 'at' AS timestamptz),
           e ->> 'correlationId', CAST(e ->> 'seatVersion' AS bigint)
      FROM (SELECT CAST(convert_from(payload, 'UTF8') AS jsonb) -> 'unpublishedEvents' AS events) p,
           jsonb_array_elements(CASE WHEN jsonb_typeof(p.events) = 'array' THEN p.events ELSE '[]' END) AS e
$function$;

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES ('WriteToStorageKey', $query$
WITH updated AS (
    UPDATE orleans_grain_state
       SET payload = @PayloadBinary,
           version = version + 1,
           modified_at = now()
     WHERE service_id = @ServiceId
       AND grain_type = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0
       AND grain_id_n1 = @GrainIdN1
       AND grain_id_extension = COALESCE(CAST(@GrainIdExtensionString AS text), '')
       AND version = CAST(@GrainStateVersion AS integer)
    RETURNING version
), inserted AS (
    INSERT INTO orleans_grain_state (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
           COALESCE(CAST(@GrainIdExtensionString AS text), ''), @PayloadBinary, 1
     WHERE CAST(@GrainStateVersion AS integer) IS NULL
    ON CONFLICT ON CONSTRAINT orleans_grain_state_grain_key DO NOTHING
    RETURNING version
), audited AS (
    INSERT INTO seat_events (event_id, flight_id, seat_number, from_status, to_status, passenger_id, actor, reason,
                             occurred_at, correlation_id, seat_version)
    SELECT * FROM seat_outbox_rows(@PayloadBinary)
     WHERE @GrainTypeString = 'seat'
       AND (EXISTS (SELECT 1 FROM updated) OR EXISTS (SELECT 1 FROM inserted))
    ON CONFLICT (event_id) DO NOTHING
)
SELECT (SELECT version FROM updated
        UNION ALL
        SELECT version FROM inserted) AS "NewGrainStateVersion";
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

INSERT INTO seat_events (event_id, flight_id, seat_number, from_status, to_status, passenger_id, actor, reason,
                         occurred_at, correlation_id, seat_version)
SELECT r.*
  FROM orleans_grain_state s, seat_outbox_rows(s.payload) r
 WHERE s.grain_type = 'seat'
   AND s.payload IS NOT NULL
ON CONFLICT (event_id) DO NOTHING;
