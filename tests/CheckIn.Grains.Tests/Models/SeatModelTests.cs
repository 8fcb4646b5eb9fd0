using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Seats;
using CsCheck;

namespace CheckIn.Grains.Tests.Models;

/// <summary>
/// <see cref="SeatRules"/> against a small reference model of one seat, written from README's seat API and
/// ARCHITECTURE's seat section (not from the rules), over generated command sequences with a fake clock crossing the
/// 120 s hold expiry. After every command the outcome code and the seat (status, holder, expiry) must agree.
/// A failure shrinks to a short command list and prints the seed that reproduces it.
/// </summary>
public sealed class SeatModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan HoldFor = TimeSpan.FromSeconds(120);
    private static readonly string[] Passengers = ["P1", "P2", "P3"];

    public enum Kind { Hold, Confirm, Release, Block, Unblock, Offer, EndOffer, Advance }

    /// <summary>A command: Passenger is used by hold/confirm/release, Seconds (0–160 in 20 s steps, so 120 is hit exactly) by Advance.</summary>
    public sealed record Command(Kind Kind, int Passenger, int Seconds)
    {
        public override string ToString() => Kind switch
        {
            Kind.Advance => $"Advance({Seconds}s)",
            Kind.Hold or Kind.Confirm or Kind.Release => $"{Kind}({Passengers[Passenger]})",
            _ => Kind.ToString(),
        };
    }

    private static readonly Gen<Command> CommandGen = Gen.Select(
        Gen.Frequency((3, Gen.Const(Kind.Hold)), (3, Gen.Const(Kind.Confirm)), (2, Gen.Const(Kind.Release)), (1, Gen.Const(Kind.Block)),
            (1, Gen.Const(Kind.Unblock)), (1, Gen.Const(Kind.Offer)), (1, Gen.Const(Kind.EndOffer)), (4, Gen.Const(Kind.Advance))),
        Gen.Int[0, Passengers.Length - 1],
        Gen.Int[0, 8],
        (kind, passenger, step) => new Command(kind, passenger, step * 20));

    /// <summary>The reference model: status, holder, expiry, and how the last claim ended (for HOLD_EXPIRED and repeat releases).</summary>
    private sealed record Model(SeatStatus Status, string? Holder, DateTimeOffset? ExpiresAt, string? LastHolder, bool LastExpired)
    {
        public static Model Free { get; } = new(SeatStatus.Available, null, null, null, false);

        /// <summary>A hold past its time is gone before anything else is looked at.</summary>
        public Model At(DateTimeOffset now) => Status == SeatStatus.Held && now >= ExpiresAt
            ? new Model(SeatStatus.Available, null, null, Holder, true)
            : this;

        private bool Has(string p) => Holder == p && Status is SeatStatus.Held or SeatStatus.Confirmed;

        public (FailureCode? Code, Model Next) Apply(Kind kind, string p, DateTimeOffset now) => kind switch
        {
            Kind.Hold when Has(p) => (null, this),
            Kind.Hold when Status == SeatStatus.Available => (null, this with { Status = SeatStatus.Held, Holder = p, ExpiresAt = now + HoldFor }),
            Kind.Hold => (FailureCode.SeatUnavailable, this),
            Kind.Confirm when Has(p) => (null, this with { Status = SeatStatus.Confirmed, ExpiresAt = null }),
            Kind.Confirm when LastExpired && LastHolder == p => (FailureCode.HoldExpired, this),
            Kind.Confirm => (FailureCode.NotHolder, this),
            Kind.Release when Has(p) => (null, new Model(SeatStatus.Available, null, null, p, false)),
            Kind.Release when Status is SeatStatus.Available or SeatStatus.Offered && LastHolder == p => (null, this),
            Kind.Release => (FailureCode.NotHolder, this),
            Kind.Block when Status is SeatStatus.Held or SeatStatus.Confirmed => (FailureCode.SeatOccupied, this),
            Kind.Block => (null, this with { Status = SeatStatus.Blocked }),
            Kind.Unblock when Status == SeatStatus.Blocked => (null, this with { Status = SeatStatus.Available }),
            Kind.Offer when Status == SeatStatus.Available => (null, this with { Status = SeatStatus.Offered }),
            Kind.EndOffer when Status == SeatStatus.Offered => (null, this with { Status = SeatStatus.Available }),
            _ => (null, this),
        };
    }

    [Fact]
    public void Seat_rules_agree_with_the_model_over_generated_sequences()
    {
        CommandGen.Array[1, 30].Sample(Run, iter: 5_000, threads: 1, print: cs => string.Join(", ", cs.Select(c => c.ToString())));
    }

    private static void Run(Command[] commands)
    {
        var now = T0;
        var seat = SeatRecord.Initial;
        var model = Model.Free;
        foreach (var command in commands)
        {
            if (command.Kind == Kind.Advance)
            {
                now += TimeSpan.FromSeconds(command.Seconds);
                continue;
            }
            var p = Passengers[command.Passenger];
            var before = seat;

            // As the seat grain does: expiry first, then the command.
            var expired = SeatRules.Expire(seat, now).Record;
            var decision = Decide(command.Kind, expired, p, now);
            seat = decision.Record;

            (var code, model) = model.At(now).Apply(command.Kind, p, now);

            Assert.Equal(code, decision.Error?.Code);
            Assert.Equal(model.Status, seat.Status);
            Assert.Equal(model.Holder, seat.PassengerId);
            Assert.Equal(model.ExpiresAt, seat.HoldExpiresAt);
            Assert.Equal(decision.Changed, decision.Record.Version > expired.Version);
            Invariants(command.Kind, p, before, seat, decision.Error, now);
        }
    }

    private static SeatDecision Decide(Kind kind, SeatRecord seat, string p, DateTimeOffset now) => kind switch
    {
        Kind.Hold => SeatRules.Hold(seat, p, now, HoldFor),
        Kind.Confirm => SeatRules.Confirm(seat, p, now),
        Kind.Release => SeatRules.Release(seat, p, now),
        Kind.Block => SeatRules.Block(seat, now),
        Kind.Unblock => SeatRules.Unblock(seat, now),
        Kind.Offer => SeatRules.Offer(seat, now),
        Kind.EndOffer => SeatRules.EndOffer(seat, now),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static void Invariants(Kind kind, string p, SeatRecord before, SeatRecord after, Error? error, DateTimeOffset now)
    {
        // One holder at most, and only a held or confirmed seat has one; only a held seat has an expiry, in the future.
        Assert.Equal(after.Status is SeatStatus.Held or SeatStatus.Confirmed, after.PassengerId is not null);
        Assert.Equal(after.Status == SeatStatus.Held, after.HoldExpiresAt is not null);
        Assert.True(after.HoldExpiresAt is null || after.HoldExpiresAt > now);
        // A hold past its time is never confirmed.
        if (kind == Kind.Confirm && error is null && before.Status == SeatStatus.Held)
        {
            Assert.True(before.HoldExpiresAt > now, $"confirmed a hold that expired at {before.HoldExpiresAt} at {now}");
        }
        // Asking again does not extend a hold.
        if (kind == Kind.Hold && before.Status == SeatStatus.Held && before.PassengerId == p && before.HoldExpiresAt > now)
        {
            Assert.Equal(before.HoldExpiresAt, after.HoldExpiresAt);
        }
    }
}
