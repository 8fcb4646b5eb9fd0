using System.Globalization;
using CheckIn.Contracts;
using CheckIn.Contracts.Abuse;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Abuse;
using CheckIn.Grains.Audit;
using CheckIn.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CheckIn.Grains.Seats;

/// <summary>Persisted state of a passenger on a flight.</summary>
internal sealed class PassengerSeatState
{
    /// <summary>The seat the passenger holds or has confirmed (as far as this grain committed it).</summary>
    public string? CurrentSeat { get; set; }

    /// <summary>
    /// A seat this grain asked to hold before it knew the answer. Written before the seat call, so that after a
    /// crash the next activation asks that seat and either adopts it (releasing the old one) or forgets it.
    /// </summary>
    public string? PendingSeat { get; set; }

    /// <summary>The seat is on an issued boarding pass: only the check-in may change it now.</summary>
    public bool LockedByCheckIn { get; set; }

    /// <summary>
    /// Seats whose call never answered (their silo was unreachable): they may or may not have become this passenger's.
    /// Parked here so the passenger's next commands do not have to reach them first; each is resolved (released if it
    /// turned out ours and is not <see cref="CurrentSeat"/>) as soon as it answers again.
    /// </summary>
    public List<string> UnresolvedSeats { get; set; } = [];

    /// <summary>
    /// <see cref="CurrentSeat"/> came from the passenger's own hold and is not confirmed: letting go of it (release, or
    /// holding another seat) is a hold cycle. Only kept while hold cooldowns are enabled.
    /// </summary>
    public bool CurrentSeatHeld { get; set; }

    /// <summary>When the passenger's recent hold cycles happened, oldest first (at most <c>HoldCycles</c>).</summary>
    public List<DateTimeOffset> HoldCycles { get; set; } = [];

    /// <summary>Until when the passenger may not hold a seat (a past value means no cooldown).</summary>
    public DateTimeOffset? HoldCooldownUntil { get; set; }

    /// <summary>A cooldown incident written to this state but not yet confirmed appended to the incident log.</summary>
    public HoldCooldownIncidentState? UnreportedIncident { get; set; }
}

/// <summary>The parts of a hold cooldown's incident that this grain keeps until the incident log has it.</summary>
internal sealed class HoldCooldownIncidentState
{
    public Guid IncidentId { get; set; }

    public int ObservedCount { get; set; }

    public TimeSpan Window { get; set; }

    public DateTimeOffset At { get; set; }

    public DateTimeOffset Until { get; set; }
}

/// <summary>
/// Keeps one passenger to at most one seat on one flight. All of the passenger's seat commands run here one at a
/// time; the seat grains decide who gets a seat. Calls only go passenger → seat, never back: no cycle. It also owns
/// the passenger's hold cooldown (<see cref="HoldCycleRules"/>): too many hold cycles and holds are refused for a while.
/// </summary>
internal sealed partial class PassengerSeatGrain(
    [PersistentState("passenger-seat", StorageNames.Default)] IPersistentState<PassengerSeatState> state,
    IOptions<RateLimitOptions> limits,
    IAbuseIncidentLog incidents,
    TimeProvider time,
    Pseudonyms pseudonyms,
    ILogger<PassengerSeatGrain> logger) : Grain, IPassengerSeatGrain, IRemindable
{
    private const string ReconcileReminder = "seat-move";
    private static readonly TimeSpan ReconcileDue = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ResolveRetry = TimeSpan.FromSeconds(2);

    private string _flightId = "";
    private string _passengerId = "";
    private IGrainTimer? _resolveTimer;

    /// <summary>Whether stored state may say <see cref="PassengerSeatState.CurrentSeatHeld"/>: only then must a confirm write.</summary>
    private bool _heldInStorage;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_flightId, _passengerId) = GrainKeys.Split(this.GetPrimaryKeyString());
        _heldInStorage = state.State.CurrentSeatHeld;
        await ReconcileAsync();
        await ReportIncidentAsync();
        ScheduleResolve();
    }

    public async Task<Result<SeatSnapshot>> HoldAsync(string seatNumber, CommandContext context)
    {
        await ReconcileAsync();
        return Locked() ?? CoolingDown() ?? await MoveToAsync(seatNumber, seat => seat.HoldAsync(_passengerId, context), context, isHold: true);
    }

    public async Task<Result<WaitlistSeatAssignment>> AssignFromWaitlistAsync(string seatNumber, CommandContext context)
    {
        await ReconcileAsync();
        // The waitlist chose this seat for the passenger: straight to CONFIRMED, the same move as a hold. A check-in
        // lock moves with the passenger (they asked to wait for this seat); the waitlist then reissues the pass.
        var result = await MoveToAsync(seatNumber, seat => seat.AssignFromWaitlistAsync(_passengerId, context), context, isHold: false);
        return result.IsSuccess
            ? Result<WaitlistSeatAssignment>.Ok(new WaitlistSeatAssignment(result.Value, state.State.LockedByCheckIn))
            : Result<WaitlistSeatAssignment>.Fail(result.Error);
    }

    /// <summary>
    /// Takes <paramref name="seatNumber"/> (a hold, or the waitlist's assignment) and then releases the passenger's
    /// previous seat, if any. A previous seat released while others wait goes down the waitlist in turn. Only the
    /// passenger's own hold (<paramref name="isHold"/>) that moves them off a held seat counts as a hold cycle.
    /// </summary>
    private async Task<Result<SeatSnapshot>> MoveToAsync(string seatNumber, Func<ISeatGrain, Task<Result<SeatSnapshot>>> take, CommandContext context, bool isHold)
    {
        var current = state.State.CurrentSeat;
        if (current == seatNumber)
        {
            return await take(Seat(seatNumber));
        }

        state.State.PendingSeat = seatNumber;
        await WriteAsync();
        IGrainReminder? backstop = null;
        if (current is not null)
        {
            // Between taking the new seat and releasing the old one the passenger briefly has two. If this process
            // dies in that gap, the reminder wakes this grain, which finishes the move (see ReconcileAsync).
            backstop = await this.RegisterOrUpdateReminder(ReconcileReminder, ReconcileDue, ReconcileDue);
        }

        Result<SeatSnapshot> result;
        try
        {
            result = await take(Seat(seatNumber));
        }
        catch
        {
            // No answer (typically the seat's silo died and is not yet declared dead): the hold may or may not have
            // landed. Park the seat instead of leaving it pending, or every later command of this passenger would ask
            // that unreachable seat first.
            state.State.PendingSeat = null;
            Park(seatNumber);
            throw;
        }
        state.State.PendingSeat = null;
        state.State.UnresolvedSeats.Remove(seatNumber);
        if (!result.IsSuccess)
        {
            // Storage still says "pending": harmless, the next activation asks the seat and finds it is not ours.
            // Nothing was taken, so there is no move to finish: the backstop goes in this turn, not on a wake-up.
            if (backstop is not null)
            {
                await this.UnregisterReminder(backstop);
            }
            return result;
        }

        var previousHeld = state.State.CurrentSeatHeld;
        state.State.CurrentSeat = seatNumber;
        state.State.CurrentSeatHeld = CyclesCounted && result.Value.Status == SeatStatus.Held;
        if (current is not null)
        {
            var released = await ReleasePreviousAsync(current, seatNumber, context);
            var cooldown = isHold && previousHeld && released ? RecordCycle() : null;
            await WriteAsync();
            await this.UnregisterReminder(backstop!);
            await ReportIncidentAsync(cooldown);
        }
        // For a first seat no second write is needed: storage says "pending: this seat", which the next activation
        // adopts after checking with the seat (and if a hold expired meanwhile, ConfirmAsync lets the seat say so).
        return result;
    }

    public async Task<Result<SeatSnapshot>> ConfirmAsync(string seatNumber, CommandContext context)
    {
        await ReconcileAsync();
        if (Locked() is { } locked)
        {
            return locked;
        }
        var result = await ConfirmCurrentAsync(seatNumber, context);
        if (result.IsSuccess && state.State.CurrentSeatHeld)
        {
            // A confirmed seat given up later is not a hold cycle. Written only when storage may say "held" (after
            // a move): a first seat's hold is stored as pending, and adopting it asks the seat for its status.
            state.State.CurrentSeatHeld = false;
            if (_heldInStorage)
            {
                await WriteAsync();
            }
        }
        return result;
    }

    public async Task<Result<SeatSnapshot>> ConfirmForCheckInAsync(string seatNumber, CommandContext context)
    {
        await ReconcileAsync();
        var result = await ConfirmCurrentAsync(seatNumber, context);
        if (result.IsSuccess)
        {
            state.State.CurrentSeatHeld = false;
            if (!state.State.LockedByCheckIn || _heldInStorage)
            {
                state.State.LockedByCheckIn = true;
                await WriteAsync();
            }
        }
        return result;
    }

    public async Task<Result<SeatSnapshot>> ReleaseForCheckInAsync(string seatNumber, CommandContext context)
    {
        await ReconcileAsync();
        if (state.State.LockedByCheckIn)
        {
            state.State.LockedByCheckIn = false;
            await WriteAsync();
        }
        return await ReleaseSeatAsync(seatNumber, context, isOwnRelease: false);
    }

    private Result<SeatSnapshot>? Locked() => state.State.LockedByCheckIn
        ? Result<SeatSnapshot>.Fail(FailureCode.CheckinCompleted, $"Passenger {_passengerId} is checked in on seat {state.State.CurrentSeat}; cancel the check-in to change seats.")
        : null;

    private async Task<Result<SeatSnapshot>> ConfirmCurrentAsync(string seatNumber, CommandContext context)
    {
        if (state.State.CurrentSeat != seatNumber)
        {
            // Never confirm a seat other than the current one: a seat still owned here would be a second seat (a
            // previous one whose release failed, parked until it answers). That release is owed, so it is finished
            // now, and the seat itself answers (NOT_HOLDER): refusing while the seat still says ours would contradict
            // the seat (the fault suite's checker found it). Any other seat explains itself too: HOLD_EXPIRED for the
            // passenger's own expired hold, NOT_HOLDER otherwise. Only this grain can make the seat ours, and it is
            // busy with this call, so nothing changes in between. A seat that does not answer fails the call.
            if (!(await SettleLeftoverAsync(seatNumber)).IsSuccess)
            {
                return Result<SeatSnapshot>.Fail(FailureCode.NotHolder, $"Seat {seatNumber} is not the seat passenger {_passengerId} holds.");
            }
            if (state.State.UnresolvedSeats.Remove(seatNumber))
            {
                await WriteAsync();
            }
        }
        return await Seat(seatNumber).ConfirmAsync(_passengerId, context);
    }

    public async Task<Result<SeatSnapshot>> ReleaseAsync(string seatNumber, CommandContext context)
    {
        await ReconcileAsync();
        return Locked() ?? await ReleaseSeatAsync(seatNumber, context, isOwnRelease: true);
    }

    private async Task<Result<SeatSnapshot>> ReleaseSeatAsync(string seatNumber, CommandContext context, bool isOwnRelease)
    {
        var result = await Seat(seatNumber).ReleaseAsync(_passengerId, context);
        if (result.IsSuccess && state.State.CurrentSeat == seatNumber)
        {
            var cooldown = isOwnRelease && state.State.CurrentSeatHeld ? RecordCycle() : null;
            state.State.CurrentSeat = null;
            state.State.CurrentSeatHeld = false;
            await WriteAsync();
            await ReportIncidentAsync(cooldown);
        }
        return result;
    }

    private bool CyclesCounted => limits.Value.Enabled;

    /// <summary>HOLD_COOLDOWN while the passenger's cooldown lasts, with <c>retryAt</c> saying when it ends.</summary>
    private Result<SeatSnapshot>? CoolingDown()
    {
        if (!CyclesCounted || HoldCycleRules.CooldownEnd(History, time.GetUtcNow()) is not { } until)
        {
            return null;
        }
        var retryAt = until.ToString("O", CultureInfo.InvariantCulture);
        return Result<SeatSnapshot>.Fail(new Error(
            FailureCode.HoldCooldown,
            $"Passenger {_passengerId} held and let go of seats more than {limits.Value.HoldCycles} times within {limits.Value.HoldCycleWindow}; holding a seat is paused until {retryAt}.",
            "passengerId",
            new Dictionary<string, string> { ["retryAt"] = retryAt }));
    }

    private HoldCycleHistory History => new(state.State.HoldCycles, state.State.HoldCooldownUntil);

    /// <summary>
    /// Counts one hold cycle into the state (not yet written). When it starts a cooldown, the incident goes into the
    /// same state write, so that it is appended before the command answers or, failing that, at the next activation.
    /// </summary>
    private HoldCooldownIncidentState? RecordCycle()
    {
        var now = time.GetUtcNow();
        var decision = HoldCycleRules.RecordCycle(History, now, limits.Value);
        state.State.HoldCycles = [.. decision.History.Cycles];
        state.State.HoldCooldownUntil = decision.History.CooldownUntil;
        if (decision.CooldownStartedAfter is not { } count)
        {
            return null;
        }
        state.State.UnreportedIncident = new HoldCooldownIncidentState
        {
            IncidentId = Guid.NewGuid(),
            ObservedCount = count,
            Window = limits.Value.HoldCycleWindow,
            At = now,
            Until = decision.History.CooldownUntil!.Value,
        };
        LogCooldownStarted(logger, _flightId, pseudonyms.Passenger(_passengerId)!, count, decision.History.CooldownUntil.Value);
        return state.State.UnreportedIncident;
    }

    /// <summary>Appends the cooldown incident the state still carries (an id already in the log is ignored).</summary>
    private async Task ReportIncidentAsync(HoldCooldownIncidentState? started = null)
    {
        if ((started ?? state.State.UnreportedIncident) is not { } pending)
        {
            return;
        }
        await incidents.AppendAsync(new AbuseIncident(
            pending.IncidentId,
            $"passenger:{_flightId}/{_passengerId}",
            AbuseRule.HoldCycles,
            pending.ObservedCount,
            pending.Window,
            IncidentDecision.HoldCooldown,
            pending.Until,
            pending.At,
            "system",
            $"{pending.ObservedCount} hold cycles within {pending.Window} (more than {limits.Value.HoldCycles}): no holds until {pending.Until:O}"));
        // Storage keeps the copy until the next write: appending it again after a reactivation is harmless.
        state.State.UnreportedIncident = null;
    }

    public async Task<string?> GetSeatNumberAsync() => (await GetSeatAsync())?.SeatNumber;

    public async Task<SeatSnapshot?> GetSeatAsync()
    {
        await ReconcileAsync();
        if (state.State.CurrentSeat is not { } current)
        {
            return null;
        }
        // The seat is the truth: a hold may have expired (and been taken) since this grain last looked.
        var seat = await Seat(current).GetAsync();
        return seat.IsSuccess && seat.Value.PassengerId == _passengerId && seat.Value.Status is SeatStatus.Held or SeatStatus.Confirmed
            ? seat.Value
            : null;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReconcileReminder)
        {
            await ReconcileAsync();
            await DropReminderAsync();
        }
    }

    /// <summary>Finishes a hold that a crash interrupted: adopt the pending seat if it is ours, then let go of the old one.</summary>
    private async Task ReconcileAsync()
    {
        if (state.State.PendingSeat is not { } pending)
        {
            return;
        }
        Result<SeatSnapshot> seat;
        try
        {
            seat = await Seat(pending).GetAsync();
        }
        catch
        {
            // Unreachable now: resolve it later rather than fail this passenger's command on it.
            state.State.PendingSeat = null;
            Park(pending);
            return;
        }
        var ours = seat.IsSuccess && seat.Value.PassengerId == _passengerId;
        var previous = state.State.CurrentSeat;
        if (ours && previous is not null && previous != pending)
        {
            await ReleasePreviousAsync(previous, pending, CommandContext.System("completing an interrupted seat change"));
        }
        if (ours)
        {
            state.State.CurrentSeat = pending;
            // The seat knows whether it is still only held (a first seat's hold is stored only as pending).
            state.State.CurrentSeatHeld = CyclesCounted && seat.Value!.Status == SeatStatus.Held;
        }
        state.State.PendingSeat = null;
        await WriteAsync();
        LogReconciled(logger, _flightId, pseudonyms.Passenger(_passengerId)!, pending, ours);
    }

    /// <summary>Releases the seat a move left behind; true when this release let go of it (false: not ours, or no answer).</summary>
    private async Task<bool> ReleasePreviousAsync(string previous, string replacement, CommandContext context)
    {
        Result<SeatSnapshot> released;
        try
        {
            released = await Seat(previous).ReleaseAsync(_passengerId, context with { Reason = $"replaced by seat {replacement}" });
        }
        catch
        {
            // The new seat is ours; the old one does not answer. The move succeeded: release the old seat later.
            Park(previous);
            return false;
        }
        if (!released.IsSuccess)
        {
            // Already gone (expired and taken by someone else): nothing of ours to release.
            LogPreviousNotReleased(logger, _flightId, pseudonyms.Passenger(_passengerId)!, previous, released.Error.Code);
        }
        return released.IsSuccess;
    }

    private void Park(string seatNumber)
    {
        if (!state.State.UnresolvedSeats.Contains(seatNumber))
        {
            state.State.UnresolvedSeats.Add(seatNumber);
        }
        LogParked(logger, _flightId, pseudonyms.Passenger(_passengerId)!, seatNumber);
        ScheduleResolve();
    }

    private void ScheduleResolve()
    {
        if (state.State.UnresolvedSeats.Count == 0 || _resolveTimer is not null)
        {
            return;
        }
        _resolveTimer = this.RegisterGrainTimer(
            static (grain, _) => grain.ResolveUnresolvedAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = ResolveRetry, Period = ResolveRetry, Interleave = false, KeepAlive = true });
    }

    /// <summary>
    /// Asks each parked seat again. One that answers is settled: released if it is ours but not the passenger's current
    /// seat (the command that asked for it failed, so for the passenger it never happened), forgotten otherwise.
    /// </summary>
    private async Task ResolveUnresolvedAsync()
    {
        var settled = false;
        foreach (var seatNumber in state.State.UnresolvedSeats.ToList())
        {
            try
            {
                await SettleLeftoverAsync(seatNumber);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                continue;
            }
            state.State.UnresolvedSeats.Remove(seatNumber);
            settled = true;
        }
        if (settled)
        {
            await WriteAsync();
        }
        if (state.State.UnresolvedSeats.Count == 0)
        {
            _resolveTimer?.Dispose();
            _resolveTimer = null;
        }
    }

    /// <summary>
    /// Asks a seat for its status and lets go of it if it says ours but is not the passenger's current seat (a parked
    /// seat, or one whose command failed: for the passenger it never happened). Answers what the seat said first.
    /// </summary>
    private async Task<Result<SeatSnapshot>> SettleLeftoverAsync(string seatNumber)
    {
        var seat = await Seat(seatNumber).GetAsync();
        if (seat.IsSuccess && seat.Value.PassengerId == _passengerId && state.State.CurrentSeat != seatNumber)
        {
            var released = await Seat(seatNumber).ReleaseAsync(_passengerId, CommandContext.System("releasing a seat whose command failed"));
            LogUnresolvedReleased(logger, _flightId, pseudonyms.Passenger(_passengerId)!, seatNumber, released.IsSuccess);
        }
        return seat;
    }

    private async Task DropReminderAsync()
    {
        if (await this.GetReminder(ReconcileReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task WriteAsync()
    {
        await state.WriteStateAsync();
        _heldInStorage = state.State.CurrentSeatHeld;
    }

    private ISeatGrain Seat(string seatNumber) => GrainFactory.GetSeatGrain(_flightId, seatNumber);

    [LoggerMessage(Level = LogLevel.Information, Message = "Passenger {Passenger} on {FlightId}: interrupted hold of {SeatNumber} reconciled, adopted={Adopted}")]
    private static partial void LogReconciled(ILogger logger, string flightId, string passenger, string seatNumber, bool adopted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Passenger {Passenger} on {FlightId}: seat {SeatNumber} did not answer; parked until it does")]
    private static partial void LogParked(ILogger logger, string flightId, string passenger, string seatNumber);

    [LoggerMessage(Level = LogLevel.Information, Message = "Passenger {Passenger} on {FlightId}: seat {SeatNumber} from a failed command was ours and is released (released={Released})")]
    private static partial void LogUnresolvedReleased(ILogger logger, string flightId, string passenger, string seatNumber, bool released);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Passenger {Passenger} on {FlightId}: {Cycles} hold cycles, hold cooldown until {CooldownUntil}")]
    private static partial void LogCooldownStarted(ILogger logger, string flightId, string passenger, int cycles, DateTimeOffset cooldownUntil);

    [LoggerMessage(Level = LogLevel.Information, Message = "Passenger {Passenger} on {FlightId}: previous seat {SeatNumber} was not theirs any more ({Code})")]
    private static partial void LogPreviousNotReleased(ILogger logger, string flightId, string passenger, string seatNumber, FailureCode code);
}
