using System.Globalization;
using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;

namespace CheckIn.Grains.CheckIns;

/// <summary>The check-in state machine and the check-in window as pure functions (no grain, no clock of their own).</summary>
public static class CheckInRules
{
    public static DateTimeOffset OpensAt(DateTimeOffset departure, CheckInWindowOptions window) => departure - window.Opens;

    public static DateTimeOffset ClosesAt(DateTimeOffset departure, CheckInWindowOptions window) => departure - window.Closes;

    /// <summary>Null inside the window [opensAt, closesAt); otherwise CHECKIN_NOT_OPEN (with opensAt) or CHECKIN_CLOSED.</summary>
    public static Error? OutsideWindow(DateTimeOffset now, DateTimeOffset departure, CheckInWindowOptions window)
    {
        var opensAt = OpensAt(departure, window);
        if (now < opensAt)
        {
            var at = opensAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
            return new Error(FailureCode.CheckinNotOpen, $"Check-in opens at {at}.", null, new Dictionary<string, string> { ["opensAt"] = at });
        }
        return now >= ClosesAt(departure, window)
            ? new Error(FailureCode.CheckinClosed, $"Check-in closed {window.Closes.TotalMinutes:0} minutes before departure.")
            : null;
    }

    public static Error? CanStart(CheckInStatus status, DateTimeOffset now, DateTimeOffset departure, CheckInWindowOptions window) =>
        status is CheckInStatus.NotStarted or CheckInStatus.Cancelled ? OutsideWindow(now, departure, window) : null;

    public static Error? CanComplete(CheckInStatus status, DateTimeOffset now, DateTimeOffset departure, CheckInWindowOptions window) => status switch
    {
        CheckInStatus.NotStarted => new Error(FailureCode.CheckinNotStarted, "Start the check-in first."),
        CheckInStatus.Cancelled => new Error(FailureCode.CheckinCancelled, "The check-in was cancelled; start it again first."),
        CheckInStatus.WaitingForPayment => new Error(FailureCode.PaymentRequired, "The overweight-bag fee must be paid before check-in can complete."),
        CheckInStatus.Completed => null,
        _ => OutsideWindow(now, departure, window),
    };

    public static Error? CanCancel(CheckInStatus status, DateTimeOffset now, DateTimeOffset departure) => status switch
    {
        CheckInStatus.NotStarted => new Error(FailureCode.CheckinNotStarted, "There is no check-in to cancel."),
        CheckInStatus.Cancelled => null,
        _ when now >= departure => new Error(FailureCode.FlightDeparted, "The flight has departed; the check-in can no longer be cancelled."),
        _ => null,
    };

    /// <summary>Null when a bag may be added now (an already-added tag is answered by the grain before this).</summary>
    public static Error? CanAddBag(CheckInStatus status, int bags, DateTimeOffset now, DateTimeOffset departure, CheckInWindowOptions window, BaggageOptions baggage) => status switch
    {
        CheckInStatus.NotStarted => new Error(FailureCode.CheckinNotStarted, "Start the check-in first."),
        CheckInStatus.Cancelled => new Error(FailureCode.CheckinCancelled, "The check-in was cancelled; start it again first."),
        CheckInStatus.Completed => new Error(FailureCode.CheckinCompleted, "The check-in is completed; cancel it first to add bags."),
        CheckInStatus.WaitingForPayment => new Error(FailureCode.PaymentRequired, "Pay the pending overweight-bag fee first."),
        _ when OutsideWindow(now, departure, window) is { } closed => closed,
        _ when bags >= baggage.MaxBags => new Error(FailureCode.BagLimitReached, $"At most {baggage.MaxBags} bags may be checked per passenger.", "bagTag"),
        _ => null,
    };

    /// <summary>
    /// A weighed bag: included up to <see cref="BaggageOptions.IncludedKg"/>, overweight with the fee up to
    /// <see cref="BaggageOptions.MaxKg"/>, refused (BAG_TOO_HEAVY) above.
    /// </summary>
    public static Result<CheckedBag> AssessBag(string bagTag, decimal weightKg, DateTimeOffset now, BaggageOptions baggage)
    {
        if (weightKg > baggage.MaxKg)
        {
            return Result<CheckedBag>.Fail(new Error(FailureCode.BagTooHeavy,
                $"Bag {bagTag} weighs {weightKg} kg; bags over {baggage.MaxKg} kg cannot be checked and must be repacked.", "bagTag",
                new Dictionary<string, string> { ["weightKg"] = weightKg.ToString(CultureInfo.InvariantCulture), ["maxKg"] = baggage.MaxKg.ToString(CultureInfo.InvariantCulture) }));
        }
        var overweight = weightKg > baggage.IncludedKg;
        var fee = new Money(overweight ? baggage.OverweightFee : 0m, baggage.Currency);
        return Result<CheckedBag>.Ok(new CheckedBag(bagTag, weightKg, overweight, fee, null, now));
    }

    /// <summary>
    /// Where a start (or a start again after a cancellation) leads: a check-in that still owes an overweight-bag fee
    /// (its intent was voided by the cancellation) waits for a payment again; it can never complete unpaid.
    /// </summary>
    public static CheckInStatus StartedStatus(decimal unpaidFees) =>
        unpaidFees > 0 ? CheckInStatus.WaitingForPayment : CheckInStatus.InProgress;

    /// <summary>The overweight fees no succeeded payment covers yet.</summary>
    public static decimal UnpaidFees(IEnumerable<CheckedBag> bags, IEnumerable<PaymentIntent> payments)
    {
        var paid = payments.Where(p => p.Status == PaymentStatus.Succeeded).Select(p => p.IntentId).ToHashSet(StringComparer.Ordinal);
        return bags.Where(b => b.Overweight && (b.PaymentIntentId is null || !paid.Contains(b.PaymentIntentId))).Sum(b => b.Fee.Amount);
    }

    /// <summary>
    /// The provider's intent state machine: REQUIRES_PAYMENT → SUCCEEDED | FAILED | CANCELED; terminal states never
    /// change. Null when the event cannot change the intent.
    /// </summary>
    public static PaymentStatus? NextPaymentStatus(PaymentStatus current, PaymentStatus outcome) =>
        current == PaymentStatus.RequiresPayment && outcome != PaymentStatus.RequiresPayment ? outcome : null;

    /// <summary>What a client may do next.</summary>
    public static IReadOnlyList<CheckInAction> AllowedActions(CheckInStatus status, DateTimeOffset now, DateTimeOffset departure, CheckInWindowOptions window)
    {
        var open = OutsideWindow(now, departure, window) is null;
        var beforeDeparture = now < departure;
        return status switch
        {
            CheckInStatus.NotStarted or CheckInStatus.Cancelled => open ? [CheckInAction.Start] : [],
            CheckInStatus.InProgress when open => [CheckInAction.ChooseSeat, CheckInAction.AddBag, CheckInAction.Complete, CheckInAction.Cancel],
            CheckInStatus.WaitingForPayment when open => [CheckInAction.Pay, CheckInAction.Cancel],
            CheckInStatus.InProgress or CheckInStatus.WaitingForPayment => beforeDeparture ? [CheckInAction.Cancel] : [],
            CheckInStatus.Completed => beforeDeparture ? [CheckInAction.GetBoardingPass, CheckInAction.Cancel] : [CheckInAction.GetBoardingPass],
            _ => [],
        };
    }

    /// <summary>
    /// Seats to try when a passenger completes without one, best first: available seats in the passenger's cabin,
    /// window and aisle before middle, then front to back, then by column. The map's status decides: a blocked or
    /// OFFERED seat is never a candidate, a seat an operator unblocked is.
    /// </summary>
    public static IReadOnlyList<string> AutoAssignCandidates(FlightInfo flight, SeatMapView map, Cabin cabin)
    {
        var available = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in map.Seats)
        {
            if (entry.Status == SeatStatus.Available)
            {
                available.Add(entry.SeatNumber);
            }
        }
        return flight.Seats
            .Where(s => s.Cabin == cabin && available.Contains(s.SeatNumber))
            .OrderBy(s => s.Characteristics.Contains(SeatCharacteristic.Window) || s.Characteristics.Contains(SeatCharacteristic.Aisle) ? 0 : 1)
            .ThenBy(s => s.Row)
            .ThenBy(s => s.Column, StringComparer.Ordinal)
            .Select(s => s.SeatNumber)
            .ToList();
    }

    /// <summary>
    /// The cabin a passenger sits in: their booked cabin (bookings are validated against the flight's cabins), or —
    /// for a flight whose layout lacks it — Economy when the flight has it, otherwise the flight's rearmost cabin.
    /// </summary>
    public static Cabin CabinOf(FlightInfo flight, Cabin booked = Cabin.Economy)
    {
        var cabins = flight.Definition.Layout.Cabins.Select(c => c.Cabin).ToList();
        if (cabins.Contains(booked))
        {
            return booked;
        }
        return cabins.Contains(Cabin.Economy) || cabins.Count == 0 ? Cabin.Economy : cabins.Max();
    }
}
