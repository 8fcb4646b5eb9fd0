using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;

namespace CheckIn.Grains.Seats;

/// <summary>The outcome of a seat rule: the record to keep, whether it changed, and the refusal if any.</summary>
internal sealed record SeatDecision(SeatRecord Record, bool Changed, Error? Error)
{
    public static SeatDecision Keep(SeatRecord record) => new(record, false, null);

    public static SeatDecision Move(SeatRecord record) => new(record, true, null);

    public static SeatDecision Refuse(SeatRecord record, FailureCode code, string detail) => new(record, false, new Error(code, detail));
}

/// <summary>
/// The seat lifecycle as pure functions of (record, command, now). The grain applies <see cref="Expire"/> before
/// every other rule, so the other rules never see a hold past its expiry.
/// </summary>
internal static class SeatRules
{
    public static SeatDecision Expire(SeatRecord seat, DateTimeOffset now) =>
        seat.IsHoldDue(now)
            ? SeatDecision.Move(seat with
            {
                Status = SeatStatus.Available,
                PassengerId = null,
                HoldExpiresAt = null,
                Version = seat.Version + 1,
                UpdatedAt = now,
                PreviousOwner = seat.PassengerId,
                PreviousEnd = ClaimEnd.Expired,
            })
            : SeatDecision.Keep(seat);

    public static SeatDecision Hold(SeatRecord seat, string passengerId, DateTimeOffset now, TimeSpan holdDuration)
    {
        if (seat.IsOwnedBy(passengerId))
        {
            // A repeat: same answer, and a hold is never extended by asking again.
            return SeatDecision.Keep(seat);
        }
        if (seat.Status != SeatStatus.Available)
        {
            return SeatDecision.Refuse(seat, FailureCode.SeatUnavailable, seat.Status switch
            {
                SeatStatus.Blocked => "The seat is blocked by the airline.",
                SeatStatus.Offered => "The seat was just freed and is being offered to the flight's waitlist first.",
                _ => "The seat is not available.",
            });
        }
        return SeatDecision.Move(seat with
        {
            Status = SeatStatus.Held,
            PassengerId = passengerId,
            HoldExpiresAt = now + holdDuration,
            Version = seat.Version + 1,
            UpdatedAt = now,
        });
    }

    public static SeatDecision Confirm(SeatRecord seat, string passengerId, DateTimeOffset now)
    {
        if (seat.IsOwnedBy(passengerId))
        {
            return seat.Status == SeatStatus.Confirmed
                ? SeatDecision.Keep(seat)
                : SeatDecision.Move(seat with
                {
                    Status = SeatStatus.Confirmed,
                    HoldExpiresAt = null,
                    Version = seat.Version + 1,
                    UpdatedAt = now,
                });
        }
        if (seat.PreviousEnd == ClaimEnd.Expired && string.Equals(seat.PreviousOwner, passengerId, StringComparison.Ordinal))
        {
            return SeatDecision.Refuse(seat, FailureCode.HoldExpired, "The hold on this seat expired before it was confirmed.");
        }
        return SeatDecision.Refuse(seat, FailureCode.NotHolder, "The seat is not held by this passenger.");
    }

    public static SeatDecision Release(SeatRecord seat, string passengerId, DateTimeOffset now)
    {
        if (seat.IsOwnedBy(passengerId))
        {
            return SeatDecision.Move(seat with
            {
                Status = SeatStatus.Available,
                PassengerId = null,
                HoldExpiresAt = null,
                Version = seat.Version + 1,
                UpdatedAt = now,
                PreviousOwner = passengerId,
                PreviousEnd = ClaimEnd.Released,
            });
        }
        if (seat.Status is SeatStatus.Available or SeatStatus.Offered && string.Equals(seat.PreviousOwner, passengerId, StringComparison.Ordinal))
        {
            // Already free since this passenger's claim ended: the release they asked for has happened. A seat freed
            // while passengers of its cabin wait is OFFERED to the line by the same write; the repeat reports that
            // (the seat as it is now), never NOT_HOLDER.
            return SeatDecision.Keep(seat);
        }
        return SeatDecision.Refuse(seat, FailureCode.NotHolder, "The seat is not held or confirmed by this passenger.");
    }

    /// <summary>A seat that just became free goes to the waitlist first: AVAILABLE → OFFERED.</summary>
    public static SeatDecision Offer(SeatRecord seat, DateTimeOffset now) =>
        seat.Status == SeatStatus.Available
            ? SeatDecision.Move(seat with { Status = SeatStatus.Offered, Version = seat.Version + 1, UpdatedAt = now })
            : SeatDecision.Keep(seat);

    /// <summary>The waitlist reserves a free seat (AVAILABLE → OFFERED); an offered seat is already its own.</summary>
    public static SeatDecision Claim(SeatRecord seat, DateTimeOffset now) => seat.Status switch
    {
        SeatStatus.Available => Offer(seat, now),
        SeatStatus.Offered => SeatDecision.Keep(seat),
        _ => SeatDecision.Refuse(seat, FailureCode.SeatUnavailable, "The seat is not free."),
    };

    /// <summary>The waitlist's choice: OFFERED → CONFIRMED for the passenger (a repeat keeps the seat).</summary>
    public static SeatDecision Assign(SeatRecord seat, string passengerId, DateTimeOffset now)
    {
        if (seat.IsOwnedBy(passengerId))
        {
            return Confirm(seat, passengerId, now);
        }
        if (seat.Status != SeatStatus.Offered)
        {
            return SeatDecision.Refuse(seat, FailureCode.SeatUnavailable, "The seat is not offered to the waitlist.");
        }
        return SeatDecision.Move(seat with
        {
            Status = SeatStatus.Confirmed,
            PassengerId = passengerId,
            HoldExpiresAt = null,
            Version = seat.Version + 1,
            UpdatedAt = now,
        });
    }

    /// <summary>Nobody in line wants the seat: OFFERED → AVAILABLE. Anything else is left alone.</summary>
    public static SeatDecision EndOffer(SeatRecord seat, DateTimeOffset now) =>
        seat.Status == SeatStatus.Offered
            ? SeatDecision.Move(seat with { Status = SeatStatus.Available, Version = seat.Version + 1, UpdatedAt = now })
            : SeatDecision.Keep(seat);

    /// <summary>An operator blocks a free seat. A seat someone holds or has confirmed is refused (release it first).</summary>
    public static SeatDecision Block(SeatRecord seat, DateTimeOffset now) => seat.Status switch
    {
        SeatStatus.Blocked => SeatDecision.Keep(seat),
        SeatStatus.Available or SeatStatus.Offered => SeatDecision.Move(seat with { Status = SeatStatus.Blocked, Version = seat.Version + 1, UpdatedAt = now }),
        _ => SeatDecision.Refuse(seat, FailureCode.SeatOccupied, "The seat is held or confirmed by a passenger; only a free seat can be blocked."),
    };

    /// <summary>An operator unblocks a seat: BLOCKED → AVAILABLE (the grain then offers it to the waitlist).</summary>
    public static SeatDecision Unblock(SeatRecord seat, DateTimeOffset now) =>
        seat.Status == SeatStatus.Blocked
            ? SeatDecision.Move(seat with { Status = SeatStatus.Available, Version = seat.Version + 1, UpdatedAt = now })
            : SeatDecision.Keep(seat);
}
