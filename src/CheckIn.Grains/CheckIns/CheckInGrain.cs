using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Grains.Audit;
using CheckIn.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CheckIn.Grains.CheckIns;

/// <summary>Persisted state of one passenger's check-in on one flight.</summary>
internal sealed class CheckInState
{
    public CheckInStatus Status { get; set; } = CheckInStatus.NotStarted;

    public string? SeatNumber { get; set; }

    public BoardingPass? BoardingPass { get; set; }

    public int? SequenceNumber { get; set; }

    public string? CancellationReason { get; set; }

    public List<CheckedBag> Bags { get; set; } = [];

    /// <summary>Every payment intent created for this check-in, oldest first.</summary>
    public List<PaymentIntent> Payments { get; set; } = [];

    /// <summary>Payment webhook event ids already applied: a repeated delivery changes nothing (kept for good).</summary>
    public List<string> ProcessedPaymentEvents { get; set; } = [];

    /// <summary>Intents a cancellation voided here and still has to cancel at the provider.</summary>
    public List<string> IntentsToVoid { get; set; } = [];

    /// <summary>A seat a cancellation has still to release (written with the cancellation, cleared once released).</summary>
    public string? SeatToRelease { get; set; }

    public long Version { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Transitions written with the state but not yet in the audit log (an outbox).</summary>
    public List<CheckInAuditEvent> UnpublishedEvents { get; set; } = [];
}

/// <summary>
/// Owns one passenger's check-in on one flight. Non-reentrant. Calls go check-in → passenger seat → seat and
/// check-in → flight / booking / sequence, never back: no cycle. Each transition is written with its audit events
/// before the caller hears of it; seat changes it causes are made so that a crash in between is finished by a retry
/// (complete) or by the next activation (cancel).
/// </summary>
internal sealed partial class CheckInGrain(
    [PersistentState("checkin", StorageNames.Default)] IPersistentState<CheckInState> state,
    ICheckInAuditLog auditLog,
    TimeProvider time,
    IOptions<CheckInWindowOptions> window,
    IOptions<BaggageOptions> baggage,
    IBagScale scale,
    IPaymentGateway payments,
    CheckInMetrics metrics,
    Pseudonyms pseudonyms,
    ILogger<CheckInGrain> logger) : Grain, ICheckInGrain
{
    private const int MaxAutoAssignAttempts = 20;

    private string _flightId = "";
    private string _passengerId = "";
    private FlightInfo? _flight;
    private Passenger? _passenger;
    private string _pnr = "";
    private string _pseudonym = "";
    private readonly OutboxGauge _backlog = new(metrics, "checkin");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_flightId, _passengerId) = GrainKeys.Split(this.GetPrimaryKeyString());
        var dash = _passengerId.LastIndexOf('-');
        _pnr = dash > 0 ? _passengerId[..dash] : _passengerId;
        _pseudonym = pseudonyms.Passenger(_passengerId)!;
        _backlog.Track(state.State.UnpublishedEvents.Count);
        if (state.State.UnpublishedEvents.Count > 0)
        {
            await PublishAsync();
        }
        if (state.State.SeatToRelease is not null && state.RecordExists)
        {
            await ReleaseCancelledSeatAsync(CommandContext.System("finishing an interrupted cancellation"));
        }
        if (state.State.IntentsToVoid.Count > 0)
        {
            await VoidIntentsAsync();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // What is still unpublished leaves this process with the activation; the next one reports it again.
        _backlog.Track(0);
        return Task.CompletedTask;
    }

    public async Task<Result<CheckInView>> AddBagAsync(string bagTag, CommandContext context)
    {
        if (await LoadAsync() is { } missing)
        {
            return Result<CheckInView>.Fail(missing);
        }
        var s = state.State;
        if (s.Bags.Any(b => b.BagTag == bagTag))
        {
            return Result<CheckInView>.Ok(View());
        }
        var from = s.Status;
        if (CheckInRules.CanAddBag(from, s.Bags.Count, time.GetUtcNow(), _flight!.Definition.Departure, window.Value, baggage.Value) is { } refused)
        {
            return Result<CheckInView>.Fail(refused);
        }

        var weighing = await scale.WeighAsync(bagTag);
        if (weighing.NotFound)
        {
            return Result<CheckInView>.Fail(FailureCode.UnknownBagTag, $"The Weight service knows no bag tagged {bagTag}.", "bagTag");
        }
        if (weighing.WeightKg is not { } weightKg)
        {
            return Result<CheckInView>.Fail(Unavailable(FailureCode.WeightServiceUnavailable, "The Weight service did not answer; nothing changed. Try again shortly.", weighing.RetryAfter));
        }
        var assessed = CheckInRules.AssessBag(bagTag, weightKg, time.GetUtcNow(), baggage.Value);
        if (!assessed.IsSuccess)
        {
            return Result<CheckInView>.Fail(assessed.Error);
        }

        var bag = assessed.Value;
        var to = from;
        if (bag.Overweight)
        {
            var created = await CreateIntentAsync(CheckInRules.UnpaidFees([.. s.Bags, bag], s.Payments), $"Overweight bag {bagTag} ({weightKg} kg)");
            if (!created.IsSuccess)
            {
                return Result<CheckInView>.Fail(created.Error);
            }
            Charge(created.Value);
            bag = bag with { PaymentIntentId = created.Value.IntentId };
            to = CheckInStatus.WaitingForPayment;
        }
        s.Bags.Add(bag);
        await CommitAsync("ADD_BAG", from, to, context with { Reason = $"bag {bagTag} {weightKg} kg{(bag.Overweight ? ", overweight" : "")}" });
        return Result<CheckInView>.Ok(View());
    }

    public async Task<Result<CheckInView>> RetryPaymentAsync(CommandContext context)
    {
        if (await LoadAsync() is { } missing)
        {
            return Result<CheckInView>.Fail(missing);
        }
        var s = state.State;
        if (s.Status != CheckInStatus.WaitingForPayment)
        {
            return Result<CheckInView>.Fail(FailureCode.PaymentNotRequired, "The check-in is not waiting for a payment.");
        }
        if (s.Payments.Count > 0 && s.Payments[^1].Status == PaymentStatus.RequiresPayment)
        {
            // The current intent can still be paid: the same pay link again.
            return Result<CheckInView>.Ok(View());
        }
        var created = await CreateIntentAsync(CheckInRules.UnpaidFees(s.Bags, s.Payments), "Overweight bag fees (new attempt)");
        if (!created.IsSuccess)
        {
            return Result<CheckInView>.Fail(created.Error);
        }
        Charge(created.Value);
        await CommitAsync("RETRY_PAYMENT", s.Status, s.Status, context);
        return Result<CheckInView>.Ok(View());
    }

    public async Task<Result<PaymentEventOutcome>> ApplyPaymentEventAsync(PaymentEvent paymentEvent, CommandContext context)
    {
        if (await LoadAsync() is { } missing)
        {
            return Result<PaymentEventOutcome>.Fail(missing);
        }
        var s = state.State;
        if (s.ProcessedPaymentEvents.Contains(paymentEvent.EventId))
        {
            return Outcome(PaymentEventEffect.Duplicate);
        }
        var index = s.Payments.FindIndex(p => p.IntentId == paymentEvent.IntentId);
        if (index < 0)
        {
            LogUnknownIntent(logger, _flightId, _pseudonym, paymentEvent.IntentId, paymentEvent.EventId);
            return Outcome(PaymentEventEffect.UnknownIntent);
        }
        var intent = s.Payments[index];
        s.ProcessedPaymentEvents.Add(paymentEvent.EventId);
        var from = s.Status;
        if (CheckInRules.NextPaymentStatus(intent.Status, paymentEvent.Outcome) is not { } next)
        {
            // Out of order or conflicting: the intent's terminal state stands. The event id is remembered.
            await WriteAsync();
            return Outcome(PaymentEventEffect.IntentAlreadyFinal);
        }

        var now = time.GetUtcNow();
        var refundDue = next == PaymentStatus.Succeeded && from == CheckInStatus.Cancelled;
        s.Payments[index] = intent with { Status = next, UpdatedAt = now, RefundDue = refundDue };
        var resumes = next == PaymentStatus.Succeeded && from == CheckInStatus.WaitingForPayment && CheckInRules.UnpaidFees(s.Bags, s.Payments) == 0;
        var action = next switch
        {
            PaymentStatus.Succeeded when refundDue => "PAYMENT_SUCCEEDED_AFTER_CANCEL",
            PaymentStatus.Succeeded => "PAYMENT_SUCCEEDED",
            PaymentStatus.Failed => "PAYMENT_FAILED",
            _ => "PAYMENT_CANCELED",
        };
        var reason = refundDue
            ? $"payment {intent.IntentId} succeeded after cancellation: {intent.Amount.Amount} {intent.Amount.Currency} to refund"
            : $"payment {intent.IntentId} {action[8..].ToLowerInvariant().Replace('_', ' ')} (event {paymentEvent.EventId})";
        await CommitAsync(action, from, resumes ? CheckInStatus.InProgress : from, context with { Reason = reason });
        return Outcome(PaymentEventEffect.Applied);
    }

    private Result<PaymentEventOutcome> Outcome(PaymentEventEffect effect) => Result<PaymentEventOutcome>.Ok(new PaymentEventOutcome(effect, View()));

    /// <summary>Records a new intent; it charges every unpaid overweight bag.</summary>
    private void Charge(PaymentIntent intent)
    {
        state.State.Bags = [.. state.State.Bags.Select(b => b.Overweight && !IsPaid(b) ? b with { PaymentIntentId = intent.IntentId } : b)];
        state.State.Payments.Add(intent);
    }

    private bool IsPaid(CheckedBag bag) =>
        bag.PaymentIntentId is { } id && state.State.Payments.Any(p => p.IntentId == id && p.Status == PaymentStatus.Succeeded);

    private async Task<Result<PaymentIntent>> CreateIntentAsync(decimal amount, string description)
    {
        var currency = baggage.Value.Currency;
        // Keyed by this check-in and attempt number: a retry after a lost answer finds the same intent.
        var key = $"{GrainKeys.Compound(_flightId, _passengerId)}/payment/{state.State.Payments.Count + 1}";
        var created = await payments.CreateIntentAsync(new PaymentRequest(amount, currency, GrainKeys.Compound(_flightId, _passengerId), description, key));
        if (created.Unavailable || created.IntentId is null)
        {
            return Result<PaymentIntent>.Fail(Unavailable(FailureCode.PaymentServiceUnavailable, "The payment provider did not answer; nothing changed. Try again shortly.", created.RetryAfter));
        }
        var now = time.GetUtcNow();
        return Result<PaymentIntent>.Ok(new PaymentIntent(created.IntentId, new Money(amount, currency), PaymentStatus.RequiresPayment, created.PayUrl, false, now, now));
    }

    private static Error Unavailable(FailureCode code, string detail, TimeSpan? retryAfter) =>
        new(code, detail, null, new Dictionary<string, string>
        {
            ["retryAfter"] = ((int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(5)).TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    /// <summary>
    /// Cancels at the provider the intents a cancellation left unpaid. Only the provider's answer makes an intent
    /// CANCELED here: an intent that was paid meanwhile stays open until its webhook says SUCCEEDED (then recorded
    /// for refund).
    /// </summary>
    private async Task VoidIntentsAsync()
    {
        var now = time.GetUtcNow();
        foreach (var intentId in state.State.IntentsToVoid.ToList())
        {
            var answer = await payments.CancelIntentAsync(intentId);
            if (answer == IntentCancellation.Unavailable)
            {
                // Kept for the next activation.
                LogVoidFailed(logger, _flightId, _pseudonym, intentId);
                continue;
            }
            state.State.IntentsToVoid.Remove(intentId);
            var i = state.State.Payments.FindIndex(p => p.IntentId == intentId);
            if (answer == IntentCancellation.Canceled && i >= 0 && state.State.Payments[i].Status == PaymentStatus.RequiresPayment)
            {
                state.State.Payments[i] = state.State.Payments[i] with { Status = PaymentStatus.Canceled, UpdatedAt = now };
            }
        }
        await WriteAsync();
    }

    /// <summary>Writes the state; after a failed write (it may or may not have landed) reloads what storage has.</summary>
    private async Task WriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            await state.ReadStateAsync();
            _backlog.Track(state.State.UnpublishedEvents.Count);
            throw;
        }
        _backlog.Track(state.State.UnpublishedEvents.Count);
    }

    public async Task<Result<CheckInView>> GetAsync()
    {
        if (await LoadAsync() is { } missing)
        {
            return Result<CheckInView>.Fail(missing);
        }
        return Result<CheckInView>.Ok(View());
    }

    public async Task<Result<CheckInView>> StartAsync(CommandContext context)
    {
        if (await LoadAsync() is { } missing)
        {
            return Result<CheckInView>.Fail(missing);
        }
        var from = state.State.Status;
        if (CheckInRules.CanStart(from, time.GetUtcNow(), _flight!.Definition.Departure, window.Value) is { } refused)
        {
            return Result<CheckInView>.Fail(refused);
        }
        if (from is not (CheckInStatus.NotStarted or CheckInStatus.Cancelled))
        {
            return Result<CheckInView>.Ok(View());
        }
        state.State.CancellationReason = null;
        await CommitAsync("START", from, CheckInRules.StartedStatus(CheckInRules.UnpaidFees(state.State.Bags, state.State.Payments)), context);
        return Result<CheckInView>.Ok(View());
    }

    public async Task<Result<CheckInView>> CompleteAsync(CommandContext context)
    {
        if (await LoadAsync() is { } missing)
        {
            return Result<CheckInView>.Fail(missing);
        }
        var from = state.State.Status;
        if (CheckInRules.CanComplete(from, time.GetUtcNow(), _flight!.Definition.Departure, window.Value) is { } refused)
        {
            return Result<CheckInView>.Fail(refused);
        }
        if (from == CheckInStatus.Completed)
        {
            return Result<CheckInView>.Ok(View());
        }

        var seat = await SecureSeatAsync(context);
        if (!seat.IsSuccess)
        {
            return Result<CheckInView>.Fail(seat.Error);
        }
        // Numbered before the write: a crash in between skips a number, never repeats one.
        state.State.SequenceNumber ??= await GrainFactory.GetCheckInSequenceGrain(_flightId).NextAsync();
        state.State.SeatNumber = seat.Value;
        state.State.BoardingPass = IssueBoardingPass(seat.Value, state.State.SequenceNumber.Value);
        await CommitAsync("COMPLETE", from, CheckInStatus.Completed, context);
        return Result<CheckInView>.Ok(View());
    }

    public async Task<Result<CheckInView>> CancelAsync(string reason, CommandContext context)
    {
        if (await LoadAsync() is { } missing)
        {
            return Result<CheckInView>.Fail(missing);
        }
        var from = state.State.Status;
        if (CheckInRules.CanCancel(from, time.GetUtcNow(), _flight!.Definition.Departure) is { } refused)
        {
            return Result<CheckInView>.Fail(refused);
        }
        if (from == CheckInStatus.Cancelled)
        {
            return Result<CheckInView>.Ok(View());
        }

        // The cancellation is durable first, with the seat it still has to release; a crash before the release is
        // finished by the next activation.
        var seat = await GrainFactory.GetPassengerSeatGrain(_flightId, _passengerId).GetSeatNumberAsync();
        state.State.SeatToRelease = seat;
        state.State.SeatNumber = null;
        state.State.BoardingPass = null;
        state.State.CancellationReason = reason;
        state.State.IntentsToVoid.AddRange(state.State.Payments.Where(p => p.Status == PaymentStatus.RequiresPayment).Select(p => p.IntentId));
        await CommitAsync("CANCEL", from, CheckInStatus.Cancelled, context with { Reason = reason });
        await ReleaseCancelledSeatAsync(context with { Reason = $"check-in cancelled: {reason}" });
        if (state.State.IntentsToVoid.Count > 0)
        {
            await VoidIntentsAsync();
        }
        return Result<CheckInView>.Ok(View());
    }

    public async Task<Result<CheckInView>> SeatReassignedAsync(string seatNumber, CommandContext context)
    {
        if (await LoadAsync() is { } missing)
        {
            return Result<CheckInView>.Fail(missing);
        }
        var s = state.State;
        if (s.Status != CheckInStatus.Completed || s.SeatNumber == seatNumber || s.SequenceNumber is not { } sequence)
        {
            return Result<CheckInView>.Ok(View());
        }
        // The passenger-seat grain is the truth: only a seat the passenger really has goes on the pass.
        if (await GrainFactory.GetPassengerSeatGrain(_flightId, _passengerId).GetSeatNumberAsync() != seatNumber)
        {
            return Result<CheckInView>.Ok(View());
        }
        s.SeatNumber = seatNumber;
        s.BoardingPass = IssueBoardingPass(seatNumber, sequence);
        await CommitAsync("SEAT_CHANGED", CheckInStatus.Completed, CheckInStatus.Completed, context);
        return Result<CheckInView>.Ok(View());
    }

    /// <summary>The passenger's seat, confirmed: their current seat if they have one, else the best free one in their cabin.</summary>
    private async Task<Result<string>> SecureSeatAsync(CommandContext context)
    {
        var passengerSeat = GrainFactory.GetPassengerSeatGrain(_flightId, _passengerId);
        if (await passengerSeat.GetSeatNumberAsync() is { } current)
        {
            var confirmed = await passengerSeat.ConfirmForCheckInAsync(current, context with { Reason = "check-in completed" });
            if (confirmed.IsSuccess)
            {
                return Result<string>.Ok(current);
            }
            // The hold ran out between the two calls: the passenger has no seat now, so one is assigned below.
            LogSeatLost(logger, _flightId, _pseudonym, current, confirmed.Error.Code);
        }

        var map = await GrainFactory.GetSeatMapGrain(_flightId).GetAsync();
        if (map is not null)
        {
            var cabin = CheckInRules.CabinOf(_flight!, _passenger!.Cabin);
            var assign = context with { Reason = "seat assigned automatically at check-in" };
            foreach (var candidate in CheckInRules.AutoAssignCandidates(_flight!, map, cabin).Take(MaxAutoAssignAttempts))
            {
                // Another passenger may take the seat first (the map is a read model): then try the next one.
                var held = await passengerSeat.HoldAsync(candidate, assign);
                if (held.IsSuccess && (await passengerSeat.ConfirmForCheckInAsync(candidate, assign)).IsSuccess)
                {
                    return Result<string>.Ok(candidate);
                }
            }
        }
        return Result<string>.Fail(FailureCode.NoSeatAvailable, $"No free seat is left in the passenger's cabin on flight {_flightId}.");
    }

    private async Task ReleaseCancelledSeatAsync(CommandContext context)
    {
        if (state.State.SeatToRelease is not { } seat)
        {
            return;
        }
        var released = await GrainFactory.GetPassengerSeatGrain(_flightId, _passengerId).ReleaseForCheckInAsync(seat, context);
        if (!released.IsSuccess)
        {
            // Not the passenger's any more (an expired hold someone else took): nothing of theirs to release.
            LogSeatLost(logger, _flightId, _pseudonym, seat, released.Error.Code);
        }
        state.State.SeatToRelease = null;
        await WriteAsync();
    }

    private BoardingPass IssueBoardingPass(string seatNumber, int sequence)
    {
        var flight = _flight!.Definition;
        var cabin = _flight.FindSeat(seatNumber)?.Cabin ?? CheckInRules.CabinOf(_flight, _passenger!.Cabin);
        var bcbp = Bcbp.Encode(new BcbpData(
            _passenger!.LastName, _passenger.FirstName, _pnr, flight.Origin, flight.Destination, flight.FlightId,
            DateOnly.FromDateTime(flight.Departure.DateTime), cabin, seatNumber, sequence, BagsChecked: state.State.Bags.Count > 0));
        return new BoardingPass(
            _flightId, _passengerId, _pnr, _passenger.FirstName, _passenger.LastName, flight.Origin, flight.Destination,
            flight.Departure, flight.Departure - window.Value.BoardingBeforeDeparture, seatNumber, cabin, sequence, bcbp, time.GetUtcNow(),
            state.State.Bags.Count);
    }

    private async Task CommitAsync(string action, CheckInStatus from, CheckInStatus to, CommandContext context)
    {
        var now = time.GetUtcNow();
        state.State.Status = to;
        state.State.Version++;
        state.State.UpdatedAt = now;
        var e = new CheckInAuditEvent(Guid.NewGuid(), _flightId, _passengerId, action, from, to, state.State.SeatNumber ?? state.State.SeatToRelease,
            context.Actor, context.Reason, now, context.CorrelationId, state.State.Version);
        state.State.UnpublishedEvents.Add(e);
        await WriteAsync();
        if (from != to)
        {
            metrics.CheckInTransition(_flightId, WireNames.Of(from), WireNames.Of(to));
        }
        var actor = pseudonyms.Actor(context.Actor);
        var reason = pseudonyms.Scrub(context.Reason, [_passengerId, _pnr]);
        using (LogScopes.Change(logger, _flightId, e.SeatNumber, _pseudonym, actor, reason))
        {
            LogTransition(logger, _flightId, _pseudonym, action, from, to, actor, reason);
        }
        await PublishAsync();
    }

    private async Task PublishAsync()
    {
        if (await Outbox.PublishAsync(state.State.UnpublishedEvents, events => auditLog.AppendAsync(events)) is { } failure)
        {
            LogAuditAppendFailed(logger, failure, _flightId, _pseudonym, state.State.UnpublishedEvents.Count);
        }
        _backlog.Track(state.State.UnpublishedEvents.Count);
    }

    /// <summary>Loads the flight and the passenger once per activation; an error if either does not exist.</summary>
    private async Task<Error?> LoadAsync()
    {
        _flight ??= await GrainFactory.GetFlightGrain(_flightId).GetAsync();
        if (_flight is null)
        {
            return new Error(FailureCode.FlightNotFound, $"Flight {_flightId} does not exist.", "flightId");
        }
        if (_passenger is null)
        {
            var booking = await GrainFactory.GetBookingGrain(_pnr).GetAsync();
            _passenger = booking is not null && booking.Flights.Any(f => f.FlightId == _flightId)
                ? booking.Passengers.FirstOrDefault(p => p.PassengerId == _passengerId)
                : null;
        }
        return _passenger is null
            ? new Error(FailureCode.PassengerNotFound, $"Passenger {_passengerId} is not booked on flight {_flightId}.", "passengerId")
            : null;
    }

    private CheckInView View()
    {
        var s = state.State;
        var departure = _flight!.Definition.Departure;
        var w = window.Value;
        return new CheckInView(
            _flightId, _passengerId, s.Status, s.SeatNumber, s.BoardingPass,
            CheckInRules.AllowedActions(s.Status, time.GetUtcNow(), departure, w),
            CheckInRules.OpensAt(departure, w), CheckInRules.ClosesAt(departure, w), s.Version, s.UpdatedAt, s.CancellationReason,
            [.. s.Bags], [.. s.Payments]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Check-in {FlightId}/{Passenger} {Action}: {From} -> {To} by {Actor}: {Reason}")]
    private static partial void LogTransition(ILogger logger, string flightId, string passenger, string action, CheckInStatus from, CheckInStatus to, string actor, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Check-in {FlightId}/{Passenger}: seat {SeatNumber} was not theirs any more ({Code})")]
    private static partial void LogSeatLost(ILogger logger, string flightId, string passenger, string seatNumber, FailureCode code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Check-in {FlightId}/{Passenger}: payment event {EventId} names intent {IntentId}, which is not this check-in's; ignored")]
    private static partial void LogUnknownIntent(ILogger logger, string flightId, string passenger, string intentId, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Check-in {FlightId}/{Passenger}: the provider did not cancel intent {IntentId}; retried at the next activation")]
    private static partial void LogVoidFailed(ILogger logger, string flightId, string passenger, string intentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Check-in {FlightId}/{Passenger}: {Count} audit events stay in the outbox; the audit log refused them")]
    private static partial void LogAuditAppendFailed(ILogger logger, Exception exception, string flightId, string passenger, int count);
}
