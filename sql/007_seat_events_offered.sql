-- Seats have two more audited states since the waitlist (issue 6): OFFERED (freed while passengers wait, reserved for
-- the flight's waitlist) and BLOCKED/unblocked by an operator at any time. Widens the status checks of seat_events.
--
-- Idempotent: this file also seeds a fresh database through /docker-entrypoint-initdb.d.

ALTER TABLE seat_events DROP CONSTRAINT IF EXISTS seat_events_from_status_check;
ALTER TABLE seat_events DROP CONSTRAINT IF EXISTS seat_events_to_status_check;
ALTER TABLE seat_events ADD CONSTRAINT seat_events_from_status_check
    CHECK (from_status IN ('AVAILABLE', 'HELD', 'CONFIRMED', 'BLOCKED', 'OFFERED'));
ALTER TABLE seat_events ADD CONSTRAINT seat_events_to_status_check
    CHECK (to_status IN ('AVAILABLE', 'HELD', 'CONFIRMED', 'BLOCKED', 'OFFERED'));
