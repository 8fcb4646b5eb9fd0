namespace CheckIn.Faults.Linearizability.Models;

/// <summary>
/// One seat's hold / confirm / release rules, as the API answers them (SeatRules in CheckIn.Grains, restated here so
/// the checker does not trust the code it checks):
/// <list type="bullet">
/// <item>hold: AVAILABLE → HELD until now + hold duration; the holder asking again is answered the same (never
/// extended; a confirmed owner is answered CONFIRMED); anyone else: SEAT_UNAVAILABLE.</item>
/// <item>confirm: the holder → CONFIRMED (again: the same); the passenger whose hold expired: HOLD_EXPIRED; anyone
/// else: NOT_HOLDER.</item>
/// <item>release: the owner → AVAILABLE; the passenger who just let go of a still free seat: the same answer again;
/// anyone else: NOT_HOLDER.</item>
/// </list>
/// Expiry is time, not an operation: the grain expires a due hold at the start of every command. The model does not
/// know the instant a command took effect, only its [invocation, completion] interval on the recorder's clock (the
/// same machine's clock as the silos'), so a command may see a hold with expiry E as expired if it completed at or
/// after E, and must see it expired if it took effect after E + <c>expiryTolerance</c> (the lag allowed for the grain's
/// clock reading and turn). In between, both are possible: the model offers both states and the search decides.
/// "Took effect after" uses the earliest instant the operation can take effect: its invocation, or later when an
/// operation linearized before it was invoked later or saw an expiry (<see cref="SeatState.NotBefore"/>; without it a
/// lost command, whose completion is +infinity, could see any hold expired and still be followed by a command that
/// completed long before that expiry).
/// Not modelled here: a passenger holds at most one seat per flight (a cross-seat rule, owned by PassengerSeatGrain;
/// a hold of another seat releases this one, which the recorder must add to this seat's history as that passenger's
/// release with an unknown outcome) and the waitlist's OFFERED.
/// </summary>
public sealed class SeatModel(TimeSpan holdDuration, TimeSpan expiryTolerance) : ISequentialModel<SeatState, SeatRequest, SeatAnswer>
{
    public SeatState Initial => SeatState.Free;

    public string PartitionOf(SeatRequest input) => input.Seat;

    /// <summary>
    /// Lost releases are tried last. Most of them are not requests that timed out but the recorder's stand-ins for a
    /// hold of another seat, added for every seat the passenger may own (Workload.Record): hundreds per passenger on
    /// a hot seat, nearly all of which released nothing. Taken as soon as they apply, one fires whenever its
    /// passenger gets the seat, which that passenger's next answers almost always contradict, and where it does not
    /// (their own release answered AVAILABLE again right after) it only uses up a lost command, a configuration the
    /// search must then explore once more without it (soak seed 502453, seat 1A: 20 M steps undecided; tried last:
    /// 0.5 M). A lost hold or confirm is a request that timed out and most likely took effect when it was sent.
    /// </summary>
    public bool TryLostLast(SeatRequest input) => input.Command == SeatCommand.Release;

    public IEnumerable<SeatState> Step(SeatState state, Operation<SeatRequest, SeatAnswer> operation)
    {
        var outcome = operation.Outcome;
        if (outcome.IsKnown && outcome.Output!.Code is { } code && SeatCodes.DecidedBeforeTheSeat.Contains(code))
        {
            return [state];
        }
        // A lost command that would change nothing here is not offered: the search leaves a lost command out wherever
        // it explains nothing (PartitionSearch), and an expiry it would expose is offered by the next known command.
        var next = new List<SeatState>(3);
        if (operation.Completed < state.NotBefore)
        {
            // It would take effect before an operation already linearized.
            return next;
        }
        var earliest = operation.Invoked > state.NotBefore ? operation.Invoked : state.NotBefore;
        var newHoldFrom = earliest + holdDuration - expiryTolerance;
        DateTimeOffset? newHoldBy = outcome.IsKnown ? operation.Completed + holdDuration + expiryTolerance : null;
        foreach (var seat in ExpiryBranches(state with { NotBefore = earliest }, operation))
        {
            var (answer, after) = Decide(seat, operation.Input, newHoldFrom, newHoldBy);
            if (!outcome.IsKnown)
            {
                if (after.Phase != seat.Phase || after.Holder != seat.Holder || after.ExpiresFrom != seat.ExpiresFrom || after.ExpiresBy != seat.ExpiresBy)
                {
                    next.Add(after);
                }
            }
            else if (Match(outcome.Output!, answer, after) is { } matched)
            {
                next.Add(matched);
            }
        }
        return next;
    }

    /// <summary>The rules at a known instant: what the seat answers and becomes. Generates histories for tests.</summary>
    public (SeatAnswer Answer, SeatState Next) Apply(SeatState state, SeatRequest request, DateTimeOffset now)
    {
        var seat = state.Phase == SeatPhase.Held && now >= state.ExpiresFrom ? Expire(state) : state;
        return Decide(seat, request, now + holdDuration, now + holdDuration);
    }

    private IEnumerable<SeatState> ExpiryBranches(SeatState seat, Operation<SeatRequest, SeatAnswer> operation)
    {
        if (seat.Phase != SeatPhase.Held)
        {
            yield return seat;
            yield break;
        }
        var mayHaveExpired = operation.Completed >= seat.ExpiresFrom;
        var mustHaveExpired = seat.ExpiresBy is { } by && seat.NotBefore > by + expiryTolerance;
        if (!mustHaveExpired)
        {
            yield return seat;
        }
        if (mayHaveExpired)
        {
            yield return Expire(seat);
        }
    }

    private static SeatState Expire(SeatState seat) => seat with
    {
        Phase = SeatPhase.Available,
        Holder = null,
        ExpiresFrom = null,
        ExpiresBy = null,
        PreviousHolder = seat.Holder,
        PreviousExpired = true,
        NotBefore = seat.ExpiresFrom > seat.NotBefore ? seat.ExpiresFrom.Value : seat.NotBefore,
    };

    private static (SeatAnswer Answer, SeatState Next) Decide(SeatState seat, SeatRequest request, DateTimeOffset newHoldFrom, DateTimeOffset? newHoldBy)
    {
        var passenger = request.Passenger;
        switch (request.Command)
        {
            case SeatCommand.Hold when seat.IsOwnedBy(passenger):
                return (SeatAnswer.Ok(seat.Phase, ExactExpiry(seat)), seat);
            case SeatCommand.Hold when seat.Phase == SeatPhase.Available:
                var held = seat with { Phase = SeatPhase.Held, Holder = passenger, ExpiresFrom = newHoldFrom, ExpiresBy = newHoldBy };
                return (SeatAnswer.Ok(SeatPhase.Held, ExactExpiry(held)), held);
            case SeatCommand.Hold:
                return (SeatAnswer.Refused(SeatCodes.SeatUnavailable), seat);
            case SeatCommand.Confirm when seat.IsOwnedBy(passenger):
                return (SeatAnswer.Ok(SeatPhase.Confirmed), seat with { Phase = SeatPhase.Confirmed, ExpiresFrom = null, ExpiresBy = null });
            case SeatCommand.Confirm when seat.PreviousExpired && string.Equals(seat.PreviousHolder, passenger, StringComparison.Ordinal):
                return (SeatAnswer.Refused(SeatCodes.HoldExpired), seat);
            case SeatCommand.Confirm:
                return (SeatAnswer.Refused(SeatCodes.NotHolder), seat);
            case SeatCommand.Release when seat.IsOwnedBy(passenger):
                return (SeatAnswer.Ok(SeatPhase.Available), SeatState.Free with { PreviousHolder = passenger, NotBefore = seat.NotBefore });
            case SeatCommand.Release when seat.Phase == SeatPhase.Available && string.Equals(seat.PreviousHolder, passenger, StringComparison.Ordinal):
                return (SeatAnswer.Ok(SeatPhase.Available), seat);
            case SeatCommand.Release:
                return (SeatAnswer.Refused(SeatCodes.NotHolder), seat);
            default:
                throw new ArgumentOutOfRangeException(nameof(request), request.Command, "Unknown seat command.");
        }
    }

    private static DateTimeOffset? ExactExpiry(SeatState seat) =>
        seat.Phase == SeatPhase.Held && seat.ExpiresFrom == seat.ExpiresBy ? seat.ExpiresFrom : null;

    /// <summary>The state after <paramref name="expected"/>, if the observed answer is it; a HELD answer pins the expiry.</summary>
    private static SeatState? Match(SeatAnswer observed, SeatAnswer expected, SeatState after)
    {
        if (!string.Equals(observed.Code, expected.Code, StringComparison.Ordinal) || observed.Status != expected.Status)
        {
            return null;
        }
        if (expected.Status != SeatPhase.Held)
        {
            return after;
        }
        return observed.HoldExpiresAt is { } at && at >= after.ExpiresFrom && (after.ExpiresBy is not { } by || at <= by)
            ? after with { ExpiresFrom = at, ExpiresBy = at }
            : null;
    }
}
