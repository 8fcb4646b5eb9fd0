using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Audit;
using CheckIn.Grains.CheckIns;
using CheckIn.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CheckIn.Grains.Waitlist;

/// <summary>Seats chosen for an entry and claimed (OFFERED to the waitlist), written before any passenger is moved.</summary>
internal sealed record PendingAssignment(long Sequence, IReadOnlyList<string> Seats, string CorrelationId);

/// <summary>Persisted state of a flight's waitlist.</summary>
internal sealed class WaitlistState
{
    public long LastSequence { get; set; }

    /// <summary>Every entry, in joining order.</summary>
    public List<WaitlistEntry> Entries { get; set; } = [];

    /// <summary>Assignments begun and not finished; the next call finishes them first (after a crash too).</summary>
    public List<PendingAssignment> Pending { get; set; } = [];

    /// <summary>Outbox: written with the transition, appended to the audit log after it.</summary>
    public List<WaitlistAuditEvent> UnpublishedEvents { get; set; } = [];

    /// <summary>Outbox: written with the transition, delivered to the booking's inbox after it.</summary>
    public List<PassengerNotification> UndeliveredNotifications { get; set; } = [];
}

/// <summary>
/// A flight's waitlist: owns the line and decides, one message at a time, who gets a seat freed while someone waits.
/// Seats offer themselves one-way (<see cref="SeatOfferedAsync"/>); this grain claims and assigns seats by awaiting
/// seat and passenger-seat grains, which never await it. An assignment is written as pending (with its claimed,
/// OFFERED seats) before any passenger is moved, so a crash leaves it to be finished, never done twice.
/// </summary>
internal sealed partial class WaitlistGrain(
    [PersistentState("waitlist", StorageNames.Default)] IPersistentState<WaitlistState> state,
    IWaitlistAuditLog auditLog,
    TimeProvider time,
    IOptions<CheckInWindowOptions> window,
    IOptions<SeatHoldOptions> seatOptions,
    CheckInMetrics metrics,
    Pseudonyms pseudonyms,
    ILogger<WaitlistGrain> logger) : Grain, IWaitlistGrain, IRemindable
{
    private const string CloseReminder = "waitlist-close";
    private const string Actor = "waitlist";

    private string _flightId = "";
    private FlightInfo? _flight;

    /// <summary>Seats OFFERED to the line that it has not answered yet, in the order they came (soft state: seats re-offer).</summary>
    private readonly List<string> _offered = [];
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);

    /// <summary>The seat version each seat had after this activation answered its offer (late repeats are ignored).</summary>
    private readonly Dictionary<string, long> _answered = new(StringComparer.Ordinal);
    private List<Cabin>? _demand;
    private IGrainTimer? _sweepTimer;
    private bool _reminderRegistered;
    private readonly OutboxGauge _backlog = new(metrics, "waitlist");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _flightId = this.GetPrimaryKeyString();
        _backlog.Track(state.State.UnpublishedEvents.Count);
        ReportLength();
        _flight = await GrainFactory.GetFlightGrain(_flightId).GetAsync();
        await DeliverAsync();
        await UpdateSweepAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The line and what is still unpublished leave this process with the activation; the next one reports them.
        metrics.WaitlistGone(_flightId);
        _backlog.Track(0);
        return Task.CompletedTask;
    }

    public async Task<Result<WaitlistEntry>> JoinAsync(WaitlistJoin join, CommandContext context)
    {
        if (_flight is null && (_flight = await GrainFactory.GetFlightGrain(_flightId).GetAsync()) is null)
        {
            return Result<WaitlistEntry>.Fail(FailureCode.FlightNotFound, $"Flight {_flightId} does not exist.", "flightId");
        }
        await SettleAsync();
        if (join.PassengerIds.Count == 0 || join.PassengerIds.Distinct(StringComparer.Ordinal).Count() != join.PassengerIds.Count)
        {
            return Result<WaitlistEntry>.Fail(FailureCode.ValidationFailed, "passengerIds must name distinct passengers.", "togetherWith");
        }
        var (pnr, cabin, refusal) = await EligibilityAsync(join);
        if (refusal is not null)
        {
            return Result<WaitlistEntry>.Fail(refusal);
        }
        var now = time.GetUtcNow();
        if (CheckInRules.OutsideWindow(now, _flight.Definition.Departure, window.Value) is { } closed)
        {
            return Result<WaitlistEntry>.Fail(closed with { Detail = $"The waitlist follows the check-in window. {closed.Detail}" });
        }

        var waiting = state.State.Entries.Where(e => e.Status == WaitlistStatus.Waiting).ToList();
        if (waiting.FirstOrDefault(e => e.PassengerIds.Order(StringComparer.Ordinal).SequenceEqual(join.PassengerIds.Order(StringComparer.Ordinal))) is { } existing)
        {
            // Joining twice is a repeat: the entry as it stands, whatever the second request asked for.
            return Result<WaitlistEntry>.Ok(WithPlace(existing));
        }

        // Demand first: from here on a seat of this cabin that becomes free is offered to the line, so the entry can
        // never miss one between being written and being served.
        await SetDemandAsync([.. waiting.Select(e => e.Cabin), cabin]);
        var entry = new WaitlistEntry(state.State.LastSequence + 1, pnr, join.PassengerIds, cabin, join.Position,
            WaitlistStatus.Waiting, [], now, now);
        state.State.LastSequence = entry.Sequence;
        state.State.Entries.Add(entry);
        var joined = $"joined: {cabin} {join.Position}{(entry.Together ? ", together" : "")}";
        Record(entry, "JOINED", context, joined, NotificationTypes.WaitlistJoined,
            $"You are on the waitlist for flight {_flightId} ({cabin}, {join.Position}).");
        await WriteAsync();
        await DeliverAsync();
        LogChange(entry, context.Actor, joined, () => LogJoined(logger, _flightId, entry.Sequence, pseudonyms.Passengers(entry.PassengerIds), entry.Cabin, entry.Position));

        // Nobody waits while a seat that suits them is free: serve the line now.
        await ServeAfterCommitAsync();
        return Result<WaitlistEntry>.Ok(WithPlace(Find(entry.Sequence)));
    }

    /// <summary>
    /// Gathers what the eligibility rules need — the booking, and each passenger's seat from the grain that owns it
    /// (in parallel; those grains never call the waitlist) — and asks them. The booking's PNR, the cabin, or why not.
    /// </summary>
    private async Task<(string Pnr, Cabin Cabin, Error? Refusal)> EligibilityAsync(WaitlistJoin join)
    {
        var booking = await GrainFactory.GetBookingGrain(join.Pnr).GetAsync();
        var (cabin, refusal) = WaitlistEligibility.Booked(_flight!, booking, join.PassengerIds, join.Cabin);
        refusal ??= WaitlistEligibility.RowWidth(_flight!, join.PassengerIds.Count, cabin);
        if (refusal is null)
        {
            var seats = await Task.WhenAll(join.PassengerIds.Select(p => GrainFactory.GetPassengerSeatGrain(_flightId, p).GetSeatAsync()));
            refusal = WaitlistEligibility.AlreadyMet(_flight!, join.PassengerIds, seats, cabin, join.Position)
                ?? WaitlistEligibility.AlreadyWaitlisted(state.State.Entries, join.PassengerIds);
        }
        return (booking?.Pnr ?? join.Pnr, cabin, refusal);
    }

    public async Task<Result<WaitlistEntry>> GetAsync(string passengerId)
    {
        await SettleAsync();
        return Latest(passengerId) is { } entry
            ? Result<WaitlistEntry>.Ok(WithPlace(entry))
            : Result<WaitlistEntry>.Fail(FailureCode.WaitlistEntryNotFound, $"Passenger {passengerId} is not on the waitlist of flight {_flightId}.", "passengerId");
    }

    public async Task<Result<WaitlistEntry>> LeaveAsync(string passengerId, CommandContext context)
    {
        await SettleAsync();
        if (Latest(passengerId) is not { } entry)
        {
            return Result<WaitlistEntry>.Fail(FailureCode.WaitlistEntryNotFound, $"Passenger {passengerId} is not on the waitlist of flight {_flightId}.", "passengerId");
        }
        switch (entry.Status)
        {
            case WaitlistStatus.Left:
                return Result<WaitlistEntry>.Ok(entry);
            case WaitlistStatus.Assigned or WaitlistStatus.Expired:
                return Result<WaitlistEntry>.Fail(FailureCode.WaitlistEntryClosed,
                    $"The waitlist entry is {entry.Status.ToString().ToUpperInvariant()}; there is nothing to leave.", "passengerId");
        }
        var left = Replace(entry with { Status = WaitlistStatus.Left, Reason = "left at the passenger's request" });
        Record(left, "LEFT", context, left.Reason!, NotificationTypes.WaitlistLeft, $"You left the waitlist for flight {_flightId}.");
        await WriteAsync();
        LogChange(left, context.Actor, left.Reason!, () => LogLeft(logger, _flightId, left.Sequence, pseudonyms.Passengers(left.PassengerIds)));
        await DeliverAsync();
        await SetDemandAsync(WaitingCabins());
        // Someone behind may now be first for a seat that was waiting for the one who left.
        await ServeAfterCommitAsync();
        return Result<WaitlistEntry>.Ok(Find(entry.Sequence));
    }

    public async Task<IReadOnlyList<WaitlistEntry>> ListAsync()
    {
        await SettleAsync();
        return [.. state.State.Entries.Select(WithPlace)];
    }

    public async Task SeatOfferedAsync(string seatNumber, Cabin cabin, long version)
    {
        if (_answered.TryGetValue(seatNumber, out var answered) && answered > version)
        {
            // A repeat of an offer this activation already answered (assigned or ended): nothing to do.
            return;
        }
        if (!_offered.Contains(seatNumber))
        {
            _offered.Add(seatNumber);
        }
        await SettleAsync();
        await ServeAsync();
        await UpdateSweepAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != CloseReminder)
        {
            return;
        }
        await SettleAsync();
        await ServeAsync();
        await UpdateSweepAsync();
        if (!state.State.Entries.Any(e => e.Status == WaitlistStatus.Waiting) && state.State.Pending.Count == 0)
        {
            if (await this.GetReminder(CloseReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
            _reminderRegistered = false;
        }
    }

    /// <summary>
    /// Serves the line after a command was committed. The command's answer stands whatever happens here: a failure
    /// (storage or a seat unreachable for a moment) is logged and left to the sweep and the seats' repeated offers.
    /// </summary>
    private async Task ServeAfterCommitAsync()
    {
        try
        {
            await ServeAsync();
        }
        catch (Exception ex)
        {
            LogServeFailed(logger, ex, _flightId);
        }
        finally
        {
            // The sweep timer first (it cannot fail), then the close reminder (storage; retried on the next call).
            await UpdateSweepAsync();
        }
    }

    /// <summary>Before anything else: finish interrupted assignments and expire the line once check-in has closed.</summary>
    private async Task SettleAsync()
    {
        if (state.State.Pending.Count > 0)
        {
            await CompleteAsync([.. state.State.Pending]);
        }
        if (_flight is not null && time.GetUtcNow() >= CheckInRules.ClosesAt(_flight.Definition.Departure, window.Value)
            && state.State.Entries.Any(e => e.Status == WaitlistStatus.Waiting))
        {
            var context = CommandContext.System("check-in closed");
            var expiredEntries = new List<WaitlistEntry>();
            foreach (var entry in state.State.Entries.Where(e => e.Status == WaitlistStatus.Waiting).ToList())
            {
                var expired = Replace(entry with { Status = WaitlistStatus.Expired, Reason = "check-in closed before a seat was found" });
                Record(expired, "EXPIRED", context, expired.Reason!, NotificationTypes.WaitlistExpired,
                    $"Check-in for flight {_flightId} has closed; no seat was found for you on the waitlist.");
                expiredEntries.Add(expired);
            }
            await WriteAsync();
            foreach (var expired in expiredEntries)
            {
                LogChange(expired, context.Actor, expired.Reason!, () => LogExpired(logger, _flightId, expired.Sequence, pseudonyms.Passengers(expired.PassengerIds)));
            }
            await DeliverAsync();
            await SetDemandAsync([]);
        }
    }

    /// <summary>
    /// Serves the line until no free seat suits anyone: seats offered to the line first (in the order they came),
    /// then seats the seat map shows free (a backstop for anything freed before demand was set). Each pass matches
    /// every seat it can (one seat never to two entries, one entry never twice), claims the extra seats groups need,
    /// writes all of the pass's assignments as pending in one write, moves the passengers in parallel and records
    /// the outcomes in one more write. Offers nobody wants are ended: those seats become AVAILABLE to anyone.
    /// </summary>
    private async Task ServeAsync()
    {
        if (_flight is null)
        {
            return;
        }
        // Seats found taken while serving: left out of this call (the seat map may be behind).
        _refused.Clear();
        for (var pass = 0; pass < _flight.Seats.Count + 8; pass++)
        {
            var waiting = state.State.Entries.Where(e => e.Status == WaitlistStatus.Waiting).ToList();
            if (waiting.Count == 0)
            {
                break;
            }
            var matches = Match(waiting, await FreeSeatsAsync());
            if (matches.Count == 0)
            {
                break;
            }
            var claimed = await ClaimAsync(matches);
            if (claimed.Count == 0)
            {
                continue;
            }
            var pending = claimed.Select(m => new PendingAssignment(m.Entry.Sequence, m.Seats, Guid.NewGuid().ToString("N"))).ToList();
            state.State.Pending.AddRange(pending);
            await WriteAsync();
            await CompleteAsync(pending);
        }

        await Task.WhenAll(_offered.ToList().Select(async seat =>
        {
            var ended = await GrainFactory.GetSeatGrain(_flightId, seat).EndOfferAsync(CommandContext.System("nobody on the waitlist wants this seat") with { Actor = Actor });
            if (ended.IsSuccess)
            {
                _answered[seat] = ended.Value.Version;
            }
            LogOfferEnded(logger, _flightId, seat, ended.IsSuccess ? ended.Value.Status : null);
        }));
        _offered.Clear();
    }

    /// <summary>Every match one pass can make: seats offered to the line first, then other free seats in seat order.</summary>
    private List<WaitlistMatch> Match(List<WaitlistEntry> waiting, HashSet<string> free)
    {
        var candidates = _offered.Concat(_flight!.Seats.Select(s => s.SeatNumber).Where(s => !_offered.Contains(s)));
        return [.. WaitlistRules.MatchAll(waiting, _flight, candidates, free)];
    }

    /// <summary>Seats free for the line now: those offered to it, and those the seat map shows AVAILABLE or OFFERED.</summary>
    private async Task<HashSet<string>> FreeSeatsAsync()
    {
        var free = new HashSet<string>(_offered, StringComparer.Ordinal);
        if (await GrainFactory.GetSeatMapGrain(_flightId).GetAsync() is { } map)
        {
            foreach (var seat in map.Seats)
            {
                if (seat.Status == SeatStatus.Offered && !_offered.Contains(seat.SeatNumber) && !IsPendingSeat(seat.SeatNumber))
                {
                    // An offer whose message has not arrived (or was lost with a silo): take it now.
                    _offered.Add(seat.SeatNumber);
                    free.Add(seat.SeatNumber);
                }
                else if (seat.Status == SeatStatus.Available)
                {
                    free.Add(seat.SeatNumber);
                }
            }
        }
        free.ExceptWith(_refused);
        return free;
    }

    private bool IsPendingSeat(string seat) => state.State.Pending.Any(p => p.Seats.Contains(seat));

    /// <summary>
    /// Claims the seats of the matches that are not offered to the line yet (AVAILABLE → OFFERED). A match whose
    /// claim is refused (the seat map was behind: someone holds the seat) is dropped for this pass; seats it did
    /// claim are the line's now and are considered again.
    /// </summary>
    private async Task<List<WaitlistMatch>> ClaimAsync(List<WaitlistMatch> matches)
    {
        var context = new CommandContext(Actor, "claimed for the waitlist", Guid.NewGuid().ToString("N"));
        var toClaim = matches.SelectMany(m => m.Seats).Where(s => !_offered.Contains(s)).Distinct().ToList();
        var results = await Task.WhenAll(toClaim.Select(async s => (Seat: s, Ok: (await GrainFactory.GetSeatGrain(_flightId, s).ClaimForWaitlistAsync(context)).IsSuccess)));
        foreach (var (seat, ok) in results)
        {
            if (ok)
            {
                _offered.Add(seat);
            }
            else
            {
                _refused.Add(seat);
            }
        }
        return [.. matches.Where(m => m.Seats.All(_offered.Contains))];
    }

    /// <summary>
    /// Moves the passengers of pending assignments to their seats — different passengers and seats, so in parallel;
    /// each step is idempotent, safe to repeat after a crash — then records every outcome in one write.
    /// </summary>
    private async Task CompleteAsync(IReadOnlyList<PendingAssignment> pendings)
    {
        var outcomes = await Task.WhenAll(pendings.Select(AssignPassengersAsync));
        var done = new List<(WaitlistEntry Entry, CommandContext Context)>();
        foreach (var (pending, assigned, stopped) in outcomes)
        {
            state.State.Pending.Remove(pending);
            var entry = Find(pending.Sequence);
            var context = new CommandContext(Actor, $"assigned from waitlist entry {entry.Sequence}", pending.CorrelationId);
            if (assigned.Count > 0)
            {
                var assignedEntry = Replace(entry with
                {
                    Status = WaitlistStatus.Assigned,
                    AssignedSeats = assigned,
                    Reason = stopped is null ? "assigned from the waitlist" : $"partly assigned: {stopped}",
                });
                var seats = string.Join(", ", assigned);
                Record(assignedEntry, "ASSIGNED", context, assignedEntry.Reason!, NotificationTypes.SeatAssigned,
                    $"Good news: seat {seats} on flight {_flightId} is now confirmed for you from the waitlist.");
                done.Add((assignedEntry, context));
            }
        }
        await WriteAsync();
        foreach (var (entry, context) in done)
        {
            LogChange(entry, context.Actor, entry.Reason!, () => LogAssigned(logger, _flightId, entry.Sequence, pseudonyms.Passengers(entry.PassengerIds), string.Join(", ", entry.AssignedSeats)));
        }
        await DeliverAsync();
        await SetDemandAsync(WaitingCabins());
    }

    private async Task<(PendingAssignment Pending, List<string> Assigned, string? Stopped)> AssignPassengersAsync(PendingAssignment pending)
    {
        var entry = Find(pending.Sequence);
        var context = new CommandContext(Actor, $"assigned from waitlist entry {entry.Sequence}", pending.CorrelationId);
        var assigned = new List<string>(pending.Seats.Count);
        for (var i = 0; i < entry.PassengerIds.Count && i < pending.Seats.Count; i++)
        {
            var (passenger, seat) = (entry.PassengerIds[i], pending.Seats[i]);
            var result = await GrainFactory.GetPassengerSeatGrain(_flightId, passenger).AssignFromWaitlistAsync(seat, context);
            if (!result.IsSuccess)
            {
                // Not expected for a seat OFFERED to the line; the seat is left out of this call either way.
                _offered.Remove(seat);
                _refused.Add(seat);
                return (pending, assigned, $"seat {seat} was not available to passenger {passenger} ({result.Error.Code})");
            }
            if (result.Value.CheckedIn)
            {
                // The boarding pass named the old seat: reissued before the assignment is recorded (a crash in
                // between repeats both steps; each is a no-op the second time).
                await GrainFactory.GetCheckInGrain(_flightId, passenger).SeatReassignedAsync(seat, context);
            }
            assigned.Add(seat);
            _offered.Remove(seat);
            _answered[seat] = result.Value.Seat.Version;
        }
        return (pending, assigned, null);
    }

    private WaitlistEntry Find(long sequence) => state.State.Entries.First(e => e.Sequence == sequence);

    private WaitlistEntry? Latest(string passengerId) =>
        state.State.Entries.LastOrDefault(e => e.PassengerIds.Contains(passengerId, StringComparer.Ordinal));

    private WaitlistEntry Replace(WaitlistEntry changed)
    {
        var at = state.State.Entries.FindIndex(e => e.Sequence == changed.Sequence);
        var updated = changed with { UpdatedAt = time.GetUtcNow(), Version = state.State.Entries[at].Version + 1, PlaceInLine = null };
        state.State.Entries[at] = updated;
        return updated;
    }

    /// <summary>The entry with its place in line: 1 + the WAITING entries of its cabin that joined before it.</summary>
    private WaitlistEntry WithPlace(WaitlistEntry entry) => entry.Status != WaitlistStatus.Waiting
        ? entry with { PlaceInLine = null }
        : entry with { PlaceInLine = 1 + state.State.Entries.Count(e => e.Status == WaitlistStatus.Waiting && e.Cabin == entry.Cabin && e.Sequence < entry.Sequence) };

    private List<Cabin> WaitingCabins() => [.. state.State.Entries.Where(e => e.Status == WaitlistStatus.Waiting).Select(e => e.Cabin).Distinct()];

    private void Record(WaitlistEntry entry, string action, CommandContext context, string reason, string notification, string message)
    {
        var now = time.GetUtcNow();
        state.State.UnpublishedEvents.Add(new WaitlistAuditEvent(Guid.NewGuid(), _flightId, entry.Sequence, entry.Pnr, entry.PassengerIds, action,
            entry.AssignedSeats, context.Actor, reason, now, context.CorrelationId));
        state.State.UndeliveredNotifications.Add(new PassengerNotification(Guid.NewGuid(), notification, _flightId, entry.Pnr, entry.PassengerIds,
            entry.AssignedSeats, entry.Sequence, message, now));
    }

    private async Task WriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The write may or may not have landed: take storage's word and let the caller see the failure.
            _offered.Clear();
            await state.ReadStateAsync();
            _backlog.Track(state.State.UnpublishedEvents.Count);
            ReportLength();
            throw;
        }
        _backlog.Track(state.State.UnpublishedEvents.Count);
        ReportLength();
    }

    private void ReportLength() =>
        metrics.WaitlistLength(_flightId, state.State.Entries.Count(e => e.Status == WaitlistStatus.Waiting));

    /// <summary>
    /// Logs a written change of <paramref name="entry"/> inside its scope: the passengers and any ids the reason
    /// names as pseudonyms (the audit event keeps them), the seats it was assigned.
    /// </summary>
    private void LogChange(WaitlistEntry entry, string actor, string reason, Action log)
    {
        string[] identifiers = [.. entry.PassengerIds, entry.Pnr];
        var seats = entry.AssignedSeats.Count > 0 ? string.Join(",", entry.AssignedSeats) : null;
        using (LogScopes.Change(logger, _flightId, seats, pseudonyms.Passengers(entry.PassengerIds), pseudonyms.Actor(actor),
            pseudonyms.Scrub(reason, identifiers)))
        {
            log();
        }
    }

    /// <summary>Appends the audit outbox and delivers the notification outbox; what fails stays for the next call.</summary>
    private async Task DeliverAsync()
    {
        if (await Outbox.PublishAsync(state.State.UnpublishedEvents, events => auditLog.AppendAsync(events)) is { } failure)
        {
            LogOutboxFailed(logger, failure, _flightId, "audit log");
        }
        _backlog.Track(state.State.UnpublishedEvents.Count);
        if (state.State.UndeliveredNotifications.Count == 0)
        {
            return;
        }
        // In order per booking, bookings in parallel; what was delivered leaves the outbox (the next write persists it).
        var delivered = await Task.WhenAll(state.State.UndeliveredNotifications.GroupBy(n => n.Pnr).Select(async group =>
        {
            var done = new List<PassengerNotification>();
            try
            {
                foreach (var notification in group)
                {
                    await GrainFactory.GetNotificationInboxGrain(notification.Pnr).AddAsync(notification);
                    done.Add(notification);
                }
            }
            catch (Exception ex)
            {
                LogOutboxFailed(logger, ex, _flightId, "notification inbox");
            }
            return done;
        }));
        var sent = delivered.SelectMany(d => d).ToHashSet();
        state.State.UndeliveredNotifications.RemoveAll(sent.Contains);
    }

    private async Task SetDemandAsync(List<Cabin> cabins)
    {
        var wanted = cabins.Distinct().Order().ToList();
        if (_demand is not null && _demand.SequenceEqual(wanted))
        {
            return;
        }
        await GrainFactory.GetWaitlistDemandGrain(_flightId).SetAsync(wanted);
        _demand = wanted;
    }

    /// <summary>
    /// While anyone waits: a sweep timer (a backstop for seats freed before demand was set, or offers lost with a
    /// silo) and a reminder that wakes the line when check-in closes, after a restart too.
    /// </summary>
    private async Task UpdateSweepAsync()
    {
        var anyoneWaits = state.State.Entries.Any(e => e.Status == WaitlistStatus.Waiting);
        if (anyoneWaits && _sweepTimer is null)
        {
            _sweepTimer = this.RegisterGrainTimer(
                static (grain, _) => grain.SweepAsync(),
                this,
                new GrainTimerCreationOptions
                {
                    DueTime = seatOptions.Value.WaitlistSweepInterval,
                    Period = seatOptions.Value.WaitlistSweepInterval,
                    Interleave = false,
                    KeepAlive = true,
                });
        }
        else if (!anyoneWaits && _sweepTimer is not null)
        {
            _sweepTimer.Dispose();
            _sweepTimer = null;
        }
        if (anyoneWaits && !_reminderRegistered && _flight is not null)
        {
            var due = CheckInRules.ClosesAt(_flight.Definition.Departure, window.Value) - time.GetUtcNow();
            try
            {
                await this.RegisterOrUpdateReminder(CloseReminder, due < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : due, TimeSpan.FromMinutes(1));
                _reminderRegistered = true;
            }
            catch (Exception ex)
            {
                // Tried again on the next call or sweep; meanwhile every call still expires the line on time.
                LogReminderFailed(logger, ex, _flightId);
            }
        }
    }

    private async Task SweepAsync()
    {
        await SettleAsync();
        await ServeAsync();
        await UpdateSweepAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waitlist {FlightId}: entry {Sequence} ({Passengers}) joined for {Cabin} {Position}")]
    private static partial void LogJoined(ILogger logger, string flightId, long sequence, string passengers, Cabin cabin, SeatPreference position);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waitlist {FlightId}: entry {Sequence} ({Passengers}) assigned seat(s) {Seats}")]
    private static partial void LogAssigned(ILogger logger, string flightId, long sequence, string passengers, string seats);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waitlist {FlightId}: entry {Sequence} ({Passengers}) left the line")]
    private static partial void LogLeft(ILogger logger, string flightId, long sequence, string passengers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waitlist {FlightId}: entry {Sequence} ({Passengers}) expired: check-in closed")]
    private static partial void LogExpired(ILogger logger, string flightId, long sequence, string passengers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waitlist {FlightId}: nobody waiting wants seat {SeatNumber}; offer ended ({Status})")]
    private static partial void LogOfferEnded(ILogger logger, string flightId, string seatNumber, SeatStatus? status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waitlist {FlightId}: registering the check-in-close reminder failed; retried on the next call")]
    private static partial void LogReminderFailed(ILogger logger, Exception exception, string flightId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waitlist {FlightId}: serving the line failed; the sweep and the seats' repeated offers try again")]
    private static partial void LogServeFailed(ILogger logger, Exception exception, string flightId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waitlist {FlightId}: the {Target} refused the outbox; it is retried on the next call")]
    private static partial void LogOutboxFailed(ILogger logger, Exception exception, string flightId, string target);
}
