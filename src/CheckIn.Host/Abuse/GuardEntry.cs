using CheckIn.Contracts.Abuse;

namespace CheckIn.Host.Abuse;

/// <summary>A decision of the per-silo front: the verdict, when the client may try again and the rule behind a refusal.</summary>
public readonly record struct GuardDecision(GuardVerdict Verdict, DateTimeOffset? RetryAt, AbuseRule? Rule)
{
    public static GuardDecision Allowed => new(GuardVerdict.Allowed, null, null);

    public bool IsAllowed => Verdict == GuardVerdict.Allowed;
}

/// <summary>
/// What one silo knows about one client between calls to its guard grain: the permits it holds, the flights it has
/// reported or admitted recently, a block or refusal the grain answered, and the attempts not yet reported. Every
/// member is guarded by a lock on the entry.
/// </summary>
public sealed class GuardEntry(ClientLimits limits)
{
    public const int MaxUnreported = 256;

    private const int Actions = 4; // indexed by LimitedAction (1..3)

    private readonly int[] _remaining = new int[Actions];
    private readonly DateTimeOffset[] _refusedUntil = new DateTimeOffset[Actions];
    private readonly AbuseRule?[] _refusedRule = new AbuseRule?[Actions];
    private readonly Dictionary<string, DateTimeOffset> _flights = new(StringComparer.Ordinal);
    private List<ClientAttempt> _unreported = [];
    private int _newFlights;
    private DateTimeOffset _leaseUntil;
    private DateTimeOffset _failOpenUntil;

    public ClientLimits Limits { get; } = limits;

    public DateTimeOffset BlockedUntil { get; private set; }

    public AbuseRule? BlockRule { get; private set; }

    public DateTimeOffset LastSeen { get; private set; }

    /// <summary>Completes when the grain call in flight for this entry has been applied; null when none is.</summary>
    public TaskCompletionSource? InFlight { get; set; }

    /// <summary>Set when the sweep dropped the entry: a request that still holds it looks up a fresh one.</summary>
    public bool Forgotten { get; set; }

    public bool HasRefusedUnreported { get; private set; }

    public int UnreportedCount => _unreported.Count;

    public DateTimeOffset? OldestUnreported => _unreported.Count == 0 ? null : _unreported[0].At;

    /// <summary>The decision that needs no grain call, or null when the grain must decide.</summary>
    public GuardDecision? TryDecideLocally(LimitedAction action, string? flightId, DateTimeOffset now, TimeSpan scrapeWindow)
    {
        LastSeen = now;
        if (BlockedUntil > now)
        {
            return new GuardDecision(GuardVerdict.Blocked, BlockedUntil, BlockRule);
        }
        var a = (int)action;
        if (_refusedUntil[a] > now)
        {
            // Still counted: refused reads count towards the burst and scrape rules.
            Record(new ClientAttempt(action, flightId, now, false));
            HasRefusedUnreported = true;
            return new GuardDecision(GuardVerdict.RateLimited, _refusedUntil[a], _refusedRule[a]);
        }
        if (_failOpenUntil > now)
        {
            Record(new ClientAttempt(action, flightId, now, true));
            return GuardDecision.Allowed;
        }
        // While a report is in flight the grain is replacing this silo's reservation with one computed from what
        // that report carried: a permit of the old reservation spent now would be counted nowhere until the next
        // report, and other silos could be granted it again. The request waits for the answer instead.
        if (InFlight is not null || _leaseUntil <= now || _remaining[a] <= 0 || _unreported.Count >= MaxUnreported)
        {
            return null;
        }
        if (action == LimitedAction.SeatMapRead && flightId is not null && !KnowsFlight(flightId, now, scrapeWindow))
        {
            if (_newFlights <= 0)
            {
                return null;
            }
            _newFlights--;
        }
        _remaining[a]--;
        Admitted(new ClientAttempt(action, flightId, now, true));
        return GuardDecision.Allowed;
    }

    /// <summary>An attempt let through (on a permit, by the grain, or failing open): reported later.</summary>
    public void Admitted(ClientAttempt attempt)
    {
        Record(attempt);
        if (attempt.Action == LimitedAction.SeatMapRead && attempt.FlightId is { } flight)
        {
            RememberFlight(flight, attempt.At);
        }
    }

    public void RememberFlight(string flightId, DateTimeOffset at) => _flights[flightId] = at;

    /// <summary>Hands the unreported attempts to a grain call (the caller sets <see cref="InFlight"/>: no permit is spent until its answer).</summary>
    public List<ClientAttempt> Drain()
    {
        var drained = _unreported;
        _unreported = [];
        HasRefusedUnreported = false;
        return drained;
    }

    /// <summary>The grain call failed: its attempts go back to be reported with the next call, and the silo fails open for a while.</summary>
    public void Restore(List<ClientAttempt> drained, DateTimeOffset failOpenUntil)
    {
        var keep = Math.Max(0, MaxUnreported - _unreported.Count);
        _unreported.InsertRange(0, drained.Count <= keep ? drained : drained.GetRange(drained.Count - keep, keep));
        HasRefusedUnreported |= drained.Exists(d => !d.Admitted);
        _failOpenUntil = failOpenUntil;
    }

    /// <summary>
    /// Takes the grain's answer: its permits replace the previous reservation (none was spent while the call was in
    /// flight, see <see cref="TryDecideLocally"/>).
    /// </summary>
    public void Apply(GuardAnswer answer, LimitedAction? current, DateTimeOffset now)
    {
        switch (answer.Verdict)
        {
            case GuardVerdict.Blocked:
                BlockedUntil = answer.RetryAt ?? now;
                BlockRule = answer.Rule;
                break;
            case GuardVerdict.RateLimited when current is { } action:
                _refusedUntil[(int)action] = answer.RetryAt ?? now.AddSeconds(1);
                _refusedRule[(int)action] = answer.Rule;
                break;
            default:
                break;
        }
        var permits = answer.Permits;
        foreach (var action in (ReadOnlySpan<LimitedAction>)[LimitedAction.SeatMapRead, LimitedAction.SeatCommand, LimitedAction.Session])
        {
            _remaining[(int)action] = Math.Max(0, permits.For(action));
        }
        _newFlights = Math.Max(0, permits.NewFlights);
        _leaseUntil = permits.ValidUntil;
    }

    /// <summary>The cluster's block list no longer has this client (lifted, or expired): forget the grain's last word on it.</summary>
    public void ClearBlock()
    {
        BlockedUntil = default;
        BlockRule = null;
    }

    private bool KnowsFlight(string flightId, DateTimeOffset now, TimeSpan window)
    {
        if (_flights.TryGetValue(flightId, out var seen) && seen > now - window)
        {
            return true;
        }
        if (_flights.Count >= 256)
        {
            // Bounded: flights outside the scrape window are worth nothing to the rule.
            foreach (var (flight, at) in _flights)
            {
                if (at <= now - window)
                {
                    _flights.Remove(flight);
                }
            }
            if (_flights.Count >= 256)
            {
                _flights.Clear();
            }
        }
        return false;
    }

    private void Record(ClientAttempt attempt)
    {
        if (_unreported.Count < MaxUnreported)
        {
            _unreported.Add(attempt);
        }
    }
}
