-- Grain state for Orleans's ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet 10.4.2).
--
-- The provider reads its SQL from OrleansQuery at silo start (keys WriteToStorageKey, ReadFromStorageKey,
-- ClearStorageKey and the optional DeleteStorageKey), binds the named parameters GrainIdHash, GrainIdN0,
-- GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, GrainStateVersion and
-- PayloadBinary, and reads the columns PayloadBinary, Version and NewGrainStateVersion.
--
-- Concurrency contract: the grain's ETag is the row's version. A write succeeds only when the ETag it carries is
-- the stored version (or it carries none and no row exists yet); otherwise the query yields NULL and the provider
-- throws InconsistentStateException. The unique key makes two concurrent first writes of the same grain
-- impossible: the loser's insert hits the key, does nothing and reports the conflict.
--
-- Idempotent: this file also seeds a fresh database through /docker-entrypoint-initdb.d.

-- Unquoted on purpose: every Orleans ADO.NET provider asks for "SELECT QueryKey, QueryText FROM OrleansQuery".
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

CREATE TABLE IF NOT EXISTS orleans_grain_state
(
    service_id         text        NOT NULL,
    grain_type         text        NOT NULL,
    -- Integer and GUID keys live in n0/n1; string keys and key extensions in grain_id_extension ('' when absent,
    -- so the unique key also holds for keys without a string part: NULLs never collide in a unique index).
    grain_id_n0        bigint      NOT NULL,
    grain_id_n1        bigint      NOT NULL,
    grain_id_extension text        NOT NULL,
    -- NULL after ClearStateAsync: the row stays so that its version keeps growing.
    payload            bytea,
    version            integer     NOT NULL,
    modified_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleans_grain_state_grain_key
        UNIQUE (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension)
);

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES ('ReadFromStorageKey', $query$
SELECT s.payload AS "PayloadBinary",
       s.version AS "Version"
  FROM orleans_grain_state s
 WHERE s.service_id = @ServiceId
   AND s.grain_type = @GrainTypeString
   AND s.grain_id_n0 = @GrainIdN0
   AND s.grain_id_n1 = @GrainIdN1
   AND s.grain_id_extension = COALESCE(CAST(@GrainIdExtensionString AS text), '');
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- Exactly one of the two branches can produce a row: an UPDATE when the caller holds the current version, an
-- INSERT when it holds none and the grain has no row. Anything else returns NULL, which the provider reports as
-- a version conflict.
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
)
SELECT (SELECT version FROM updated
        UNION ALL
        SELECT version FROM inserted) AS "NewGrainStateVersion";
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- Clearing keeps the row (payload NULL) and bumps the version, so a stale writer still conflicts afterwards.
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES ('ClearStorageKey', $query$
UPDATE orleans_grain_state
   SET payload = NULL,
       version = version + 1,
       modified_at = now()
 WHERE service_id = @ServiceId
   AND grain_type = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0
   AND grain_id_n1 = @GrainIdN1
   AND grain_id_extension = COALESCE(CAST(@GrainIdExtensionString AS text), '')
   AND version = CAST(@GrainStateVersion AS integer)
RETURNING version;
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- Used only with AdoNetGrainStorageOptions.DeleteStateOnClear. The provider treats a returned value equal to the
-- caller's ETag as a conflict, so a successful delete returns the next version.
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES ('DeleteStorageKey', $query$
DELETE FROM orleans_grain_state
 WHERE service_id = @ServiceId
   AND grain_type = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0
   AND grain_id_n1 = @GrainIdN1
   AND grain_id_extension = COALESCE(CAST(@GrainIdExtensionString AS text), '')
   AND version = CAST(@GrainStateVersion AS integer)
RETURNING version + 1;
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
