using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Audit;
using CheckIn.Grains.Telemetry;
using CheckIn.Grains.Waitlist;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace CheckIn.Grains.Seats;

/// <summary>
/// Owns one seat's state. Non-reentrant: one command at a time. Every transition is written (state plus its audit
/// events, as an outbox) before the caller hears of it; the outbox reaches the audit trail in the same transaction
/// (PostgreSQL, <see cref="SeatAuditOptions.RecordedWithState"/>) or is appended right after the write (in memory), and
/// the change is announced one-way to the flight's seat map. A hold's expiry is driven by a grain timer (precise), the
/// flight's reminder (<see cref="HoldBackstopGrain"/>, the durable backstop, armed before a hold or an offer is
/// written; a reminder of the seat's own when that grain does not answer), the seat map's sweep, and is re-evaluated
/// at the start of every call. A seat that becomes free while passengers of its cabin wait goes OFFERED in the same
/// write and tells the flight's waitlist one-way (again and again, until the waitlist assigns it or ends the offer):
/// it never waits on the waitlist, which waits on it.
/// </summary>
/// <remarks>
/// The state name (<see cref="SeatAuditOptions.SeatStateName"/>) is what the storage records the outbox for
/// (<c>PostgresGrainStorage</c>; <c>sql/009_seat_events_with_state.sql</c> for the ADO.NET provider's query); the
/// grain type stays pinned so stored rows and reminders keep their keys.
/// </remarks>
[GrainType("seat")]
internal sealed partial class SeatGrain(
    [PersistentState(SeatAuditOptions.SeatStateName, StorageNames.Default)] IPersistentState<SeatState> state,
    [FromKeyedServices(StorageNames.Default)] IGrainStorage demandStorage,
    IAuditLog auditLog,
    TimeProvider time,
    IOptions<SeatHoldOptions> options,
    CheckInMetrics metrics,
    Pseudonyms pseudonyms,
    IOptions<SeatAuditOptions> audit,
    ILogger<SeatGrain> logger) : Grain, ISeatGrain, IRemindable
{
    /// <summary>
    /// The seat's own reminder: a row of the per-seat design of earlier versions, or the stand-in a hold or an offer
    /// registers when the flight's backstop does not answer. Its tick does its job, hands an open seat to the flight's
    /// backstop and drops the row.
    /// </summary>
    private const string OwnExpiryReminder = "hold-expiry";

    /// <summary>Added to a hold's expiry timer so that it rarely fires before the hold is due (see <see cref="OnExpiryTimerAsync"/>).</summary>
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(1);

    private string _flightId = "";
    private string _seatNumber = "";
    private SeatDefinition? _definition;
    private IGrainTimer? _expiryTimer;
    private IGrainTimer? _offerTimer;
    private bool _flightExists;
    private readonly OutboxGauge _backlog = new(metrics, "seat");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_flightId, _seatNumber) = GrainKeys.Split(this.GetPrimaryKeyString());
        await LoadDefinitionAsync();
        _backlog.Track(state.State.UnpublishedEvents.Count);
        if (state.State.UnpublishedEvents.Count > 0)
        {
            // A previous activation wrote these but may have died before the audit log had them (or before the map
            // heard of them).
            await PublishAsync();
            GrainFactory.GetSeatMapGrain(_flightId).SeatChangedAsync(Snapshot()).Ignore();
        }
        ScheduleExpiryTimer();
        OfferToWaitlistIfOffered();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // What is still unpublished leaves this process with the activation; the next one reports it again.
        _backlog.Track(0);
        return Task.CompletedTask;
    }

    public async Task<Result<SeatSnapshot>> GetAsync()
    {
        if (await FindDefinitionAsync() is { } missing)
        {
            return missing;
        }
        await ApplyAsync(CommandContext.System("read"), KeepAsIs);
        return Result<SeatSnapshot>.Ok(Snapshot());
    }

    public Task<Result<SeatSnapshot>> HoldAsync(string passengerId, CommandContext context) =>
        ExecuteAsync("hold", context, (seat, now) => SeatRules.Hold(seat, passengerId, now, options.Value.HoldDuration));

    public Task<Result<SeatSnapshot>> ConfirmAsync(string passengerId, CommandContext context) =>
        ExecuteAsync("confirm", context, (seat, now) => SeatRules.Confirm(seat, passengerId, now));

    public Task<Result<SeatSnapshot>> ReleaseAsync(string passengerId, CommandContext context) =>
        ExecuteAsync("release", context, (seat, now) => SeatRules.Release(seat, passengerId, now));

    public Task<Result<SeatSnapshot>> ClaimForWaitlistAsync(CommandContext context) =>
        ExecuteAsync("claim", context, SeatRules.Claim);

    public Task<Result<SeatSnapshot>> AssignFromWaitlistAsync(string passengerId, CommandContext context) =>
        ExecuteAsync("assign", context, (seat, now) => SeatRules.Assign(seat, passengerId, now));

    public Task<Result<SeatSnapshot>> EndOfferAsync(CommandContext context) =>
        ExecuteAsync("end_offer", context, SeatRules.EndOffer);

    public Task<Result<SeatSnapshot>> BlockAsync(CommandContext context) =>
        ExecuteAsync("block", context, SeatRules.Block);

    public Task<Result<SeatSnapshot>> UnblockAsync(CommandContext context) =>
        ExecuteAsync("unblock", context, SeatRules.Unblock);

    public async Task ExpireIfDueAsync()
    {
        if (_definition is null)
        {
            return;
        }
        var version = state.State.Record.Version;
        await ApplyAsync(CommandContext.System("expiry sweep"), KeepAsIs);
        if (state.State.Record.Version == version)
        {
            // Nothing changed here, yet whoever nudged us (the map's sweep) saw a hold past its expiry: its copy
            // missed a one-way notification. Say again what we have; the map ignores anything not newer.
            GrainFactory.GetSeatMapGrain(_flightId).SeatChangedAsync(Snapshot()).Ignore();
        }
    }

    public async Task BackstopAsync()
    {
        await ExpireIfDueAsync();
        if (state.State.Record.Status == SeatStatus.Offered)
        {
            // The durable backstop of an unanswered offer (say the waitlist's silo died with the message).
            OfferToWaitlist();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != OwnExpiryReminder)
        {
            return;
        }
        // The seat's own reminder (a row of the per-seat design, or the stand-in for an unreachable flight backstop):
        // do its job once more, hand what is still open to the flight's backstop, and drop the row. If the backstop
        // is still unreachable, the row stays and ticks again.
        await BackstopAsync();
        if (state.State.Record.Status is SeatStatus.Held or SeatStatus.Offered && !await TryArmBackstopAsync())
        {
            return;
        }
        if (await this.GetReminder(OwnExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>
    /// Runs one command and counts it with its outcome once the outcome is final (after the state write: a command
    /// whose write failed throws and is not counted). Repeats the API answers from its idempotency store never get here.
    /// </summary>
    private async Task<Result<SeatSnapshot>> ExecuteAsync(string command, CommandContext context, Func<SeatRecord, DateTimeOffset, SeatDecision> rule)
    {
        if (await FindDefinitionAsync() is { } missing)
        {
            if (_flightExists)
            {
                // A flight id nobody created is not counted: it would add a series per made-up id.
                metrics.SeatCommand(_flightId, command, WireNames.Of(FailureCode.SeatNotFound));
            }
            return missing;
        }
        var decision = await ApplyAsync(context, rule);
        metrics.SeatCommand(_flightId, command, decision.Error is { } refused ? WireNames.Of(refused.Code) : "ok");
        return decision.Error is { } error ? Result<SeatSnapshot>.Fail(error) : Result<SeatSnapshot>.Ok(Snapshot());
    }

    private static SeatDecision KeepAsIs(SeatRecord seat, DateTimeOffset now) => SeatDecision.Keep(seat);

    /// <summary>
    /// Expires a due hold, then applies the rule; a seat either step frees goes to the waitlist first when passengers
    /// of its cabin wait (so a hold that races an expiry cannot jump the line). Writes once if anything changed.
    /// </summary>
    private async Task<SeatDecision> ApplyAsync(CommandContext context, Func<SeatRecord, DateTimeOffset, SeatDecision> rule)
    {
        var now = time.GetUtcNow();
        var before = Current();
        var events = new List<SeatAuditEvent>(3);

        var expiry = SeatRules.Expire(before, now);
        var current = expiry.Record;
        if (expiry.Changed)
        {
            events.Add(NewEvent(before, current, before.PassengerId, CommandContext.System("hold expired") with { CorrelationId = context.CorrelationId }, now));
            current = await OfferIfWaitedForAsync(current, context, now, events);
        }
        var decision = rule(current, now);
        if (decision.Changed)
        {
            events.Add(NewEvent(current, decision.Record, decision.Record.PassengerId ?? current.PassengerId, context, now));
            if (current.Status is SeatStatus.Held or SeatStatus.Confirmed or SeatStatus.Blocked)
            {
                // Released or unblocked (an offer the waitlist ended is not offered again).
                decision = decision with { Record = await OfferIfWaitedForAsync(decision.Record, context, now, events) };
            }
        }
        var after = decision.Record;
        if (events.Count == 0)
        {
            return decision;
        }

        await CommitAsync(after, events);
        RecordEndings(before, expiry.Changed, current, decision, now);
        if (before.Status == SeatStatus.Held && decision.Record.Status != SeatStatus.Held)
        {
            CancelExpiryTimer();
        }
        else if (decision.Record.Status == SeatStatus.Held && before.HoldExpiresAt != decision.Record.HoldExpiresAt)
        {
            ScheduleExpiryTimer();
        }
        if (after.Status == SeatStatus.Offered && before.Status != SeatStatus.Offered)
        {
            OfferToWaitlistIfOffered();
        }
        else if (after.Status != SeatStatus.Offered)
        {
            StopOfferTimer();
        }
        return decision;
    }

    /// <summary>What the committed write made true: a hold ended (and how), an expiry's lag, an offer's assignment latency.</summary>
    private void RecordEndings(SeatRecord before, bool expired, SeatRecord current, SeatDecision decision, DateTimeOffset now)
    {
        if (expired)
        {
            metrics.HoldEnded(_flightId, "expired");
            metrics.HoldExpiryLag(_flightId, now - before.HoldExpiresAt!.Value);
        }
        if (!decision.Changed)
        {
            return;
        }
        switch (current.Status, decision.Record.Status)
        {
            case (SeatStatus.Held, SeatStatus.Confirmed):
                metrics.HoldEnded(_flightId, "confirmed");
                break;
            case (SeatStatus.Held, SeatStatus.Available or SeatStatus.Offered):
                metrics.HoldEnded(_flightId, "released");
                break;
            case (SeatStatus.Offered, SeatStatus.Confirmed):
                // An OFFERED record is only ever changed by its assignment, end or block: UpdatedAt is the offer.
                metrics.WaitlistAssigned(_flightId, now - current.UpdatedAt);
                break;
        }
    }

    private async Task<SeatRecord> OfferIfWaitedForAsync(SeatRecord freed, CommandContext context, DateTimeOffset now, List<SeatAuditEvent> events)
    {
        if (freed.Status != SeatStatus.Available || !await CabinIsWaitedForAsync())
        {
            return freed;
        }
        var offered = SeatRules.Offer(freed, now).Record;
        events.Add(NewEvent(freed, offered, null, CommandContext.System("offered to the waitlist") with { CorrelationId = context.CorrelationId }, now));
        return offered;
    }

    /// <summary>
    /// Whether passengers of this seat's cabin wait, read from the demand row in grain storage (no call to another
    /// grain or silo). Unreadable: assume they do. An offer nobody wants is harmless (the waitlist ends it and the seat
    /// is AVAILABLE again); a release that fails, or a seat that skips the line, is not.
    /// </summary>
    private async Task<bool> CabinIsWaitedForAsync()
    {
        try
        {
            return await WaitlistDemand.HasDemandAsync(demandStorage, GrainFactory.GetWaitlistDemandGrain(_flightId).GetGrainId(), _definition!.Cabin);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDemandUnreadable(logger, ex, _flightId, _seatNumber);
            return true;
        }
    }

    /// <summary>
    /// The record as the rules see it: a seat the flight defines as blocked is BLOCKED until an operator first
    /// changes it (its record then says so itself).
    /// </summary>
    private SeatRecord Current()
    {
        var r = state.State.Record;
        return r.Version == 0 && r.Status == SeatStatus.Available && _definition?.Blocked == true ? r with { Status = SeatStatus.Blocked } : r;
    }

    /// <summary>Tells the waitlist now and keeps telling it every <c>WaitlistOfferRetry</c> until the offer is answered.</summary>
    private void OfferToWaitlistIfOffered()
    {
        if (state.State.Record.Status != SeatStatus.Offered || _definition is null)
        {
            return;
        }
        OfferToWaitlist();
        _offerTimer ??= this.RegisterGrainTimer(
            static (grain, _) => grain.RepeatOfferAsync(),
            this,
            new GrainTimerCreationOptions
            {
                DueTime = options.Value.WaitlistOfferRetry,
                Period = options.Value.WaitlistOfferRetry,
                Interleave = false,
                KeepAlive = true,
            });
    }

    private Task RepeatOfferAsync()
    {
        if (state.State.Record.Status == SeatStatus.Offered)
        {
            OfferToWaitlist();
        }
        else
        {
            StopOfferTimer();
        }
        return Task.CompletedTask;
    }

    /// <summary>Arms the flight's backstop; false when its silo did not answer (a call that timed out or could not be delivered).</summary>
    private async Task<bool> TryArmBackstopAsync()
    {
        try
        {
            await GrainFactory.GetHoldBackstopGrain(_flightId).ArmAsync();
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException)
        {
            return false;
        }
    }

    private void StopOfferTimer()
    {
        _offerTimer?.Dispose();
        _offerTimer = null;
    }

    private void OfferToWaitlist()
    {
        if (_definition is { } seat)
        {
            GrainFactory.GetWaitlistGrain(_flightId).SeatOfferedAsync(_seatNumber, seat.Cabin, state.State.Record.Version).Ignore();
        }
    }

    private async Task CommitAsync(SeatRecord record, List<SeatAuditEvent> events)
    {
        if (record.Status is SeatStatus.Held or SeatStatus.Offered && !await TryArmBackstopAsync())
        {
            // Armed before the state write: a hold or an offer is never durable without a durable backstop. The
            // flight's does not answer (its silo died and the cluster has not declared it yet, a few seconds): this
            // seat registers a reminder of its own instead, so one flight-wide grain never blocks a hold. Its tick
            // hands the seat to the flight's backstop and removes it.
            await this.RegisterOrUpdateReminder(OwnExpiryReminder, options.Value.HoldDuration + TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
            LogBackstopUnreachable(logger, _flightId, _seatNumber);
        }

        var previous = state.State.Record;
        state.State.Record = record;
        state.State.UnpublishedEvents.AddRange(events);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The write may or may not have landed: reload what storage has rather than guess.
            state.State.Record = previous;
            state.State.UnpublishedEvents.RemoveAll(events.Contains);
            await state.ReadStateAsync();
            _backlog.Track(state.State.UnpublishedEvents.Count);
            throw;
        }
        _backlog.Track(state.State.UnpublishedEvents.Count);

        foreach (var e in events)
        {
            var passenger = pseudonyms.Passenger(e.PassengerId);
            var actor = pseudonyms.Actor(e.Actor);
            var reason = pseudonyms.Scrub(e.Reason, LogScopes.IdentifiersOf(e.PassengerId));
            using (LogScopes.Change(logger, e.FlightId, e.SeatNumber, passenger, actor, reason))
            {
                LogTransition(logger, e.FlightId, e.SeatNumber, e.From, e.To, passenger, actor, reason);
            }
        }
        await PublishAsync();
        GrainFactory.GetSeatMapGrain(_flightId).SeatChangedAsync(Snapshot()).Ignore();
    }

    private async Task PublishAsync()
    {
        if (audit.Value.RecordedWithState)
        {
            // The write that stored these recorded them in the audit trail in its own transaction: nothing to send.
            state.State.UnpublishedEvents.Clear();
            _backlog.Track(0);
            return;
        }
        if (await Outbox.PublishAsync(state.State.UnpublishedEvents, events => auditLog.AppendAsync(events)) is { } failure)
        {
            LogAuditAppendFailed(logger, failure, _flightId, _seatNumber, state.State.UnpublishedEvents.Count);
        }
        _backlog.Track(state.State.UnpublishedEvents.Count);
    }

    private async Task LoadDefinitionAsync()
    {
        var flight = await GrainFactory.GetFlightGrain(_flightId).GetAsync();
        _flightExists = flight is not null;
        _definition = flight?.FindSeat(_seatNumber);
    }

    private async Task<Result<SeatSnapshot>?> FindDefinitionAsync()
    {
        if (_definition is null)
        {
            await LoadDefinitionAsync();
        }
        return _definition is null
            ? Result<SeatSnapshot>.Fail(FailureCode.SeatNotFound, $"Flight {_flightId} has no seat {_seatNumber}.", "seatNumber")
            : null;
    }

    private SeatSnapshot Snapshot()
    {
        var r = Current();
        return new SeatSnapshot(_flightId, _seatNumber, r.Status, r.PassengerId, r.HoldExpiresAt, r.Version, r.UpdatedAt);
    }

    private SeatAuditEvent NewEvent(SeatRecord from, SeatRecord to, string? passengerId, CommandContext context, DateTimeOffset now) =>
        new(Guid.NewGuid(), _flightId, _seatNumber, from.Status, to.Status, passengerId, context.Actor, context.Reason, now, context.CorrelationId, to.Version);

    private void ScheduleExpiryTimer()
    {
        CancelExpiryTimer();
        if (state.State.Record is { Status: SeatStatus.Held, HoldExpiresAt: { } at })
        {
            var due = at - time.GetUtcNow() + TimerSlack;
            _expiryTimer = this.RegisterGrainTimer(
                static (grain, _) => grain.OnExpiryTimerAsync(),
                this,
                new GrainTimerCreationOptions
                {
                    DueTime = due > TimeSpan.Zero ? due : TimeSpan.Zero,
                    Period = Timeout.InfiniteTimeSpan,
                    Interleave = false,
                    KeepAlive = true,
                });
        }
    }

    /// <summary>
    /// Expires the hold; a timer that finds it not yet due sets itself again for the rest. Timers run on a millisecond
    /// tick count while holds expire on the wall clock, so a timer can fire a fraction of a millisecond before
    /// <c>holdExpiresAt</c>; without this, such a hold waited for the map's next sweep, up to a second (issue 16: a
    /// third of 10,000 burst expiries did, p99 1.0 s).
    /// </summary>
    private async Task OnExpiryTimerAsync()
    {
        CancelExpiryTimer();
        await ApplyAsync(CommandContext.System("expiry timer"), KeepAsIs);
        if (_expiryTimer is null && state.State.Record.Status == SeatStatus.Held)
        {
            ScheduleExpiryTimer();
        }
    }

    private void CancelExpiryTimer()
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seat {FlightId}/{SeatNumber} {From} -> {To} passenger {Passenger} by {Actor}: {Reason}")]
    private static partial void LogTransition(ILogger logger, string flightId, string seatNumber, SeatStatus from, SeatStatus to, string? passenger, string actor, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seat {FlightId}/{SeatNumber}: the waitlist demand row could not be read; offering the freed seat to the waitlist")]
    private static partial void LogDemandUnreadable(ILogger logger, Exception exception, string flightId, string seatNumber);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seat {FlightId}/{SeatNumber}: {Count} audit events stay in the outbox; the audit log refused them")]
    private static partial void LogAuditAppendFailed(ILogger logger, Exception exception, string flightId, string seatNumber, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seat {FlightId}/{SeatNumber}: the flight's hold backstop did not answer; the seat registered a reminder of its own")]
    private static partial void LogBackstopUnreachable(ILogger logger, string flightId, string seatNumber);
}
