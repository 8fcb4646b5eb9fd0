-- Reminder table for Orleans's ADO.NET reminder service (Microsoft.Orleans.Reminders.AdoNet 10.4.2).
--
-- The provider loads every OrleansQuery row at start and requires the keys ReadReminderRowsKey,
-- ReadReminderRowKey, ReadRangeRows1Key, ReadRangeRows2Key, UpsertReminderRowKey, DeleteReminderRowKey and
-- DeleteReminderRowsKey. It binds ServiceId, GrainId, ReminderName, StartTime (UTC), Period (milliseconds),
-- GrainHash, BeginHash and EndHash (the uint hashes reinterpreted as signed integers) and Version, and reads the
-- columns GrainId, ReminderName, StartTime, Period and Version.
--
-- Idempotent: this file also seeds a fresh database through /docker-entrypoint-initdb.d. OrleansQuery is created
-- again here so the file stands on its own.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

CREATE TABLE IF NOT EXISTS orleans_reminders
(
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period_ms     bigint      NOT NULL,
    -- The grain's uniform hash as a signed integer: the silo owning a hash range reads its rows by it.
    grain_hash    integer     NOT NULL,
    version       integer     NOT NULL,
    CONSTRAINT orleans_reminders_pkey PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS orleans_reminders_service_hash ON orleans_reminders (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES ('ReadReminderRowsKey', $query$
SELECT r.grain_id AS "GrainId", r.reminder_name AS "ReminderName", r.start_time AS "StartTime",
       r.period_ms AS "Period", r.version AS "Version"
  FROM orleans_reminders r
 WHERE r.service_id = @ServiceId
   AND r.grain_id = @GrainId;
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES ('ReadReminderRowKey', $query$
SELECT r.grain_id AS "GrainId", r.reminder_name AS "ReminderName", r.start_time AS "StartTime",
       r.period_ms AS "Period", r.version AS "Version"
  FROM orleans_reminders r
 WHERE r.service_id = @ServiceId
   AND r.grain_id = @GrainId
   AND r.reminder_name = @ReminderName;
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- The provider picks this one when BeginHash < EndHash in signed order: the range does not wrap.
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES ('ReadRangeRows1Key', $query$
SELECT r.grain_id AS "GrainId", r.reminder_name AS "ReminderName", r.start_time AS "StartTime",
       r.period_ms AS "Period", r.version AS "Version"
  FROM orleans_reminders r
 WHERE r.service_id = @ServiceId
   AND r.grain_hash > CAST(@BeginHash AS integer)
   AND r.grain_hash <= CAST(@EndHash AS integer);
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- ...and this one otherwise: the range wraps around (BeginHash = EndHash means the whole ring).
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES ('ReadRangeRows2Key', $query$
SELECT r.grain_id AS "GrainId", r.reminder_name AS "ReminderName", r.start_time AS "StartTime",
       r.period_ms AS "Period", r.version AS "Version"
  FROM orleans_reminders r
 WHERE r.service_id = @ServiceId
   AND (r.grain_hash > CAST(@BeginHash AS integer) OR r.grain_hash <= CAST(@EndHash AS integer));
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES ('UpsertReminderRowKey', $query$
INSERT INTO orleans_reminders AS r (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, CAST(@StartTime AS timestamptz), CAST(@Period AS bigint),
        CAST(@GrainHash AS integer), 0)
ON CONFLICT ON CONSTRAINT orleans_reminders_pkey DO UPDATE
   SET start_time = EXCLUDED.start_time,
       period_ms = EXCLUDED.period_ms,
       grain_hash = EXCLUDED.grain_hash,
       version = r.version + 1
RETURNING r.version AS "Version";
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- Removes the row only when the caller's ETag is current; answers one boolean column.
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES ('DeleteReminderRowKey', $query$
WITH removed AS (
    DELETE FROM orleans_reminders
     WHERE service_id = @ServiceId
       AND grain_id = @GrainId
       AND reminder_name = @ReminderName
       AND version = CAST(@Version AS integer)
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM removed) AS "Removed";
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES ('DeleteReminderRowsKey', $query$
DELETE FROM orleans_reminders
 WHERE service_id = @ServiceId;
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
