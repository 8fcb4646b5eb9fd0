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

    public static SeatDecision Hold(SeatRecord seat, bool blocked, string passengerId, DateTimeOffset now, TimeSpan holdDuration)
    {
        if (blocked)
        {
            return SeatDecision.Refuse(seat, FailureCode.SeatUnavailable, "The seat is blocked by the airline.");
        }
        if (seat.IsOwnedBy(passengerId))
        {
            // A repeat: same answer, and a hold is never extended by asking again.
            return SeatDecision.Keep(seat);
        }
        if (seat.Status != SeatStatus.Available)
        {
            return SeatDecision.Refuse(seat, FailureCode.SeatUnavailable, "The seat is not available.");
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
        if (seat.Status == SeatStatus.Available && string.Equals(seat.PreviousOwner, passengerId, StringComparison.Ordinal))
        {
            // Already free since this passenger's claim ended: the release they asked for has happened.
            return SeatDecision.Keep(seat);
        }
        return SeatDecision.Refuse(seat, FailureCode.NotHolder, "The seat is not held or confirmed by this passenger.");
    }
}
