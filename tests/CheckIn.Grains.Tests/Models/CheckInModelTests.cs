using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Common;
using CheckIn.Grains.CheckIns;
using CsCheck;

namespace CheckIn.Grains.Tests.Models;

/// <summary>
/// <see cref="CheckInRules"/> (window, state guards, bag assessment, fees, the payment-intent state machine) against a
/// reference model of one passenger's journey written from README's and ARCHITECTURE's check-in sections, over
/// generated commands with the clock crossing opening, closing and departure. The rules decide; <see cref="Journey"/>
/// applies their answers the way <c>CheckInGrain</c> does (without the seat and the provider). Outcome codes, status,
/// bags, unpaid fees and intents must agree after every command.
/// </summary>
public sealed class CheckInModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Departure = T0 + TimeSpan.FromHours(30);
    private static readonly CheckInWindowOptions Window = new();
    private static readonly BaggageOptions Baggage = new();
    private static readonly TimeSpan[] Steps =
        [TimeSpan.Zero, TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromHours(12)];

    public enum Kind { Start, AddBag, Pay, PaymentEvent, Complete, Cancel, Advance }

    /// <summary>
    /// A command. AddBag: tag (0–3, so tags repeat) and weight in tenths of a kg (20.0–33.0, mostly light so the bag limit is reached). PaymentEvent: event id
    /// (0–3, so events repeat), Succeeded or Failed, and the intent: 0 the latest, 1 the first, 2 one nobody created.
    /// </summary>
    public sealed record Command(Kind Kind, int Tag, int Tenths, int Event, bool Succeeded, int Intent, int Step)
    {
        public override string ToString() => Kind switch
        {
            Kind.AddBag => $"AddBag(BAG{Tag}, {Tenths / 10m} kg)",
            Kind.PaymentEvent => $"PaymentEvent(evt{Event}, {(Succeeded ? "SUCCEEDED" : "FAILED")}, {(Intent switch { 0 => "latest", 1 => "first", _ => "unknown" })})",
            Kind.Advance => $"Advance({Steps[Step]})",
            _ => Kind.ToString(),
        };
    }

    private static readonly Gen<Command> CommandGen = Gen.Select(
        Gen.Frequency((2, Gen.Const(Kind.Start)), (3, Gen.Const(Kind.AddBag)), (1, Gen.Const(Kind.Pay)), (3, Gen.Const(Kind.PaymentEvent)),
            (2, Gen.Const(Kind.Complete)), (1, Gen.Const(Kind.Cancel)), (3, Gen.Const(Kind.Advance))),
        Gen.Int[0, 3], Gen.Frequency((3, Gen.Int[200, 250]), (2, Gen.Int[251, 330])), Gen.Int[0, 3], Gen.Bool, Gen.Int[0, 2], Gen.Int[0, Steps.Length - 1],
        (kind, tag, tenths, evt, ok, intent, step) => new Command(kind, tag, tenths, evt, ok, intent, step));

    [Fact]
    public void Check_in_rules_agree_with_the_model_over_generated_journeys()
    {
        // Most runs begin with check-in open (it shrinks towards that); the others an hour before it opens.
        Gen.Select(Gen.Bool, CommandGen.Array[1, 30]).Sample(Run, iter: 10_000, threads: 1,
            print: t => $"{(t.Item1 ? "before opening" : "open")}: {string.Join(", ", t.Item2.Select(c => c.ToString()))}");
    }

    private static void Run(bool beforeOpening, Command[] commands)
    {
        var now = Departure - TimeSpan.FromHours(24) - (beforeOpening ? TimeSpan.FromHours(1) : TimeSpan.Zero);
        var journey = new Journey();
        var model = new Model();
        foreach (var c in commands)
        {
            if (c.Kind == Kind.Advance)
            {
                now += Steps[c.Step];
                continue;
            }
            var actual = journey.Apply(c, now);
            var expected = model.Apply(c, now);
            Assert.Equal(expected, actual);
            Assert.Equal(model.Status, journey.Status);
            Assert.Equal(model.Bags.Count, journey.Bags.Count);
            Assert.Equal(model.Unpaid, CheckInRules.UnpaidFees(journey.Bags, journey.Payments));
            Assert.Equal(model.Intents.Select(i => i.Status), journey.Payments.Select(p => p.Status));
            Assert.True(journey.Bags.Count <= Baggage.MaxBags);
            Assert.True(journey.Bags.All(b => b.WeightKg <= Baggage.MaxKg));
            Assert.False(journey.Status == CheckInStatus.Completed && CheckInRules.UnpaidFees(journey.Bags, journey.Payments) > 0,
                "a check-in completed with an overweight-bag fee unpaid");
        }
    }

    private static string IntentFor(int which, IReadOnlyList<string> ids) => which switch
    {
        0 when ids.Count > 0 => ids[^1],
        1 when ids.Count > 0 => ids[0],
        _ => "pi_unknown",
    };

    /// <summary>The system under test: CheckInRules' answers applied as the check-in grain applies them.</summary>
    private sealed class Journey
    {
        public CheckInStatus Status { get; private set; } = CheckInStatus.NotStarted;
        public List<CheckedBag> Bags { get; } = [];
        public List<PaymentIntent> Payments { get; } = [];
        private readonly HashSet<string> _events = [];

        public string Apply(Command c, DateTimeOffset now)
        {
            switch (c.Kind)
            {
                case Kind.Start:
                    if (CheckInRules.CanStart(Status, now, Departure, Window) is { } notStarted)
                    {
                        return notStarted.Code.ToString();
                    }
                    Status = Status is CheckInStatus.NotStarted or CheckInStatus.Cancelled ? CheckInRules.StartedStatus(CheckInRules.UnpaidFees(Bags, Payments)) : Status;
                    return "ok";
                case Kind.AddBag:
                    var tag = $"BAG{c.Tag}";
                    if (Bags.Any(b => b.BagTag == tag))
                    {
                        return "ok";
                    }
                    if (CheckInRules.CanAddBag(Status, Bags.Count, now, Departure, Window, Baggage) is { } refused)
                    {
                        return refused.Code.ToString();
                    }
                    var assessed = CheckInRules.AssessBag(tag, c.Tenths / 10m, now, Baggage);
                    if (!assessed.IsSuccess)
                    {
                        return assessed.Error.Code.ToString();
                    }
                    Bags.Add(assessed.Value);
                    if (assessed.Value.Overweight)
                    {
                        Charge(now);
                        Status = CheckInStatus.WaitingForPayment;
                    }
                    return "ok";
                case Kind.Pay:
                    if (Status != CheckInStatus.WaitingForPayment)
                    {
                        return FailureCode.PaymentNotRequired.ToString();
                    }
                    if (Payments.Count == 0 || Payments[^1].Status != PaymentStatus.RequiresPayment)
                    {
                        Charge(now);
                    }
                    return "ok";
                case Kind.PaymentEvent:
                    var eventId = $"evt{c.Event}";
                    if (_events.Contains(eventId))
                    {
                        return nameof(PaymentEventEffect.Duplicate);
                    }
                    var index = Payments.FindIndex(p => p.IntentId == IntentFor(c.Intent, [.. Payments.Select(p => p.IntentId)]));
                    if (index < 0)
                    {
                        return nameof(PaymentEventEffect.UnknownIntent);
                    }
                    _events.Add(eventId);
                    var outcome = c.Succeeded ? PaymentStatus.Succeeded : PaymentStatus.Failed;
                    if (CheckInRules.NextPaymentStatus(Payments[index].Status, outcome) is not { } next)
                    {
                        return nameof(PaymentEventEffect.IntentAlreadyFinal);
                    }
                    Payments[index] = Payments[index] with { Status = next, UpdatedAt = now };
                    if (next == PaymentStatus.Succeeded && Status == CheckInStatus.WaitingForPayment && CheckInRules.UnpaidFees(Bags, Payments) == 0)
                    {
                        Status = CheckInStatus.InProgress;
                    }
                    return nameof(PaymentEventEffect.Applied);
                case Kind.Complete:
                    if (CheckInRules.CanComplete(Status, now, Departure, Window) is { } cannotComplete)
                    {
                        return cannotComplete.Code.ToString();
                    }
                    Status = CheckInStatus.Completed;
                    return "ok";
                case Kind.Cancel:
                    if (CheckInRules.CanCancel(Status, now, Departure) is { } cannotCancel)
                    {
                        return cannotCancel.Code.ToString();
                    }
                    if (Status != CheckInStatus.Cancelled)
                    {
                        // The provider confirms the void at once here; a payment that beats it is the grain's business.
                        for (var i = 0; i < Payments.Count; i++)
                        {
                            Payments[i] = Payments[i].Status == PaymentStatus.RequiresPayment ? Payments[i] with { Status = PaymentStatus.Canceled } : Payments[i];
                        }
                        Status = CheckInStatus.Cancelled;
                    }
                    return "ok";
                default:
                    throw new ArgumentOutOfRangeException(nameof(c));
            }
        }

        private void Charge(DateTimeOffset now)
        {
            var intent = new PaymentIntent($"pi_{Payments.Count + 1}", new Money(CheckInRules.UnpaidFees(Bags, Payments), Baggage.Currency),
                PaymentStatus.RequiresPayment, null, false, now, now);
            Payments.Add(intent);
            var paid = Payments.Where(p => p.Status == PaymentStatus.Succeeded).Select(p => p.IntentId).ToHashSet();
            for (var i = 0; i < Bags.Count; i++)
            {
                if (Bags[i].Overweight && (Bags[i].PaymentIntentId is null || !paid.Contains(Bags[i].PaymentIntentId!)))
                {
                    Bags[i] = Bags[i] with { PaymentIntentId = intent.IntentId };
                }
            }
        }
    }

    /// <summary>The reference model, from the docs: the window [departure − 24 h, departure − 45 min), 25/32 kg, 3 bags, 50 per heavy bag.</summary>
    private sealed class Model
    {
        public sealed record Intent(string Id, PaymentStatus Status, List<string> Covers);

        public CheckInStatus Status { get; private set; } = CheckInStatus.NotStarted;
        public Dictionary<string, bool> Bags { get; } = [];
        public HashSet<string> UnpaidBags { get; } = [];
        public List<Intent> Intents { get; } = [];
        private readonly HashSet<string> _seen = [];

        public decimal Unpaid => UnpaidBags.Count * 50m;

        private static string? Closed(DateTimeOffset now) =>
            now < Departure - TimeSpan.FromHours(24) ? "CheckinNotOpen"
            : now >= Departure - TimeSpan.FromMinutes(45) ? "CheckinClosed"
            : null;

        public string Apply(Command c, DateTimeOffset now)
        {
            var fresh = Status is CheckInStatus.NotStarted or CheckInStatus.Cancelled;
            switch (c.Kind)
            {
                case Kind.Start when fresh && Closed(now) is { } closed:
                    return closed;
                case Kind.Start:
                    // Started again after a cancellation with a heavy bag still unpaid (its intent was voided): pay first.
                    Status = fresh ? (UnpaidBags.Count > 0 ? CheckInStatus.WaitingForPayment : CheckInStatus.InProgress) : Status;
                    return "ok";
                case Kind.AddBag when Bags.ContainsKey($"BAG{c.Tag}"):
                    return "ok";
                case Kind.AddBag:
                    var refusal = Status switch
                    {
                        CheckInStatus.NotStarted => "CheckinNotStarted",
                        CheckInStatus.Cancelled => "CheckinCancelled",
                        CheckInStatus.Completed => "CheckinCompleted",
                        CheckInStatus.WaitingForPayment => "PaymentRequired",
                        _ => Closed(now) ?? (Bags.Count >= 3 ? "BagLimitReached" : c.Tenths > 320 ? "BagTooHeavy" : null),
                    };
                    if (refusal is not null)
                    {
                        return refusal;
                    }
                    Bags[$"BAG{c.Tag}"] = c.Tenths > 250;
                    if (c.Tenths > 250)
                    {
                        UnpaidBags.Add($"BAG{c.Tag}");
                        NewIntent();
                        Status = CheckInStatus.WaitingForPayment;
                    }
                    return "ok";
                case Kind.Pay when Status != CheckInStatus.WaitingForPayment:
                    return "PaymentNotRequired";
                case Kind.Pay:
                    if (Intents.Count == 0 || Intents[^1].Status != PaymentStatus.RequiresPayment)
                    {
                        NewIntent();
                    }
                    return "ok";
                case Kind.PaymentEvent when _seen.Contains($"evt{c.Event}"):
                    return "Duplicate";
                case Kind.PaymentEvent:
                    var intent = Intents.FirstOrDefault(i => i.Id == IntentFor(c.Intent, [.. Intents.Select(i => i.Id)]));
                    if (intent is null)
                    {
                        return "UnknownIntent";
                    }
                    _seen.Add($"evt{c.Event}");
                    if (intent.Status != PaymentStatus.RequiresPayment)
                    {
                        return "IntentAlreadyFinal";
                    }
                    Intents[Intents.IndexOf(intent)] = intent with { Status = c.Succeeded ? PaymentStatus.Succeeded : PaymentStatus.Failed };
                    if (c.Succeeded)
                    {
                        UnpaidBags.ExceptWith(intent.Covers);
                        if (Status == CheckInStatus.WaitingForPayment && UnpaidBags.Count == 0)
                        {
                            Status = CheckInStatus.InProgress;
                        }
                    }
                    return "Applied";
                case Kind.Complete:
                    var cannot = Status switch
                    {
                        CheckInStatus.NotStarted => "CheckinNotStarted",
                        CheckInStatus.Cancelled => "CheckinCancelled",
                        CheckInStatus.WaitingForPayment => "PaymentRequired",
                        CheckInStatus.Completed => null,
                        _ => Closed(now),
                    };
                    Status = cannot is null ? CheckInStatus.Completed : Status;
                    return cannot ?? "ok";
                case Kind.Cancel when Status == CheckInStatus.NotStarted:
                    return "CheckinNotStarted";
                case Kind.Cancel when Status != CheckInStatus.Cancelled && now >= Departure:
                    return "FlightDeparted";
                case Kind.Cancel:
                    if (Status != CheckInStatus.Cancelled)
                    {
                        for (var i = 0; i < Intents.Count; i++)
                        {
                            Intents[i] = Intents[i].Status == PaymentStatus.RequiresPayment ? Intents[i] with { Status = PaymentStatus.Canceled } : Intents[i];
                        }
                        Status = CheckInStatus.Cancelled;
                    }
                    return "ok";
                default:
                    throw new ArgumentOutOfRangeException(nameof(c));
            }
        }

        /// <summary>A new intent covers every heavy bag not paid for yet.</summary>
        private void NewIntent() => Intents.Add(new Intent($"pi_{Intents.Count + 1}", PaymentStatus.RequiresPayment, [.. UnpaidBags]));
    }
}
