using CheckIn.Contracts.Abuse;

namespace CheckIn.Grains.Abuse;

/// <summary>The numbers the window rules apply (a client's per-minute limits come with each report).</summary>
internal sealed record WindowSettings(int BurstReads, TimeSpan BurstWindow, int ScrapeDistinctFlights, TimeSpan ScrapeWindow, TimeSpan Lease)
{
    /// <summary>How long a silo may spend permits without reporting back.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after its lease ends a reservation still counts as used: a silo reports what it spent within a lease
    /// (its loop reports attempts older than a lease every 250 ms), so until then the grain must assume all of it was.
    /// </summary>
    public static readonly TimeSpan ReportGrace = TimeSpan.FromSeconds(2);

    public static WindowSettings From(RateLimitOptions options) =>
        new(options.BurstReads, options.BurstWindow, options.ScrapeDistinctFlights, options.ScrapeWindow, DefaultLease);

    /// <summary>Nothing older than this matters to any rule: the minute, or a longer burst or scrape window.</summary>
    public TimeSpan Longest => TimeSpan.FromTicks(Math.Max(MinuteWindow.Ticks, Math.Max(BurstWindow.Ticks, ScrapeWindow.Ticks)));

    public static readonly TimeSpan MinuteWindow = TimeSpan.FromMinutes(1);
}

/// <summary>What the rules decided on one report: a verdict for its current attempt, or a block to impose.</summary>
internal readonly record struct WindowDecision(
    GuardVerdict Verdict,
    DateTimeOffset? RetryAt,
    AbuseRule? Rule,
    int ObservedCount,
    TimeSpan Window,
    Permits Permits)
{
    public bool TripsBlock => Verdict == GuardVerdict.Blocked;
}

/// <summary>
/// One client's recent attempts and the permits its silos hold, with the rules that decide on them (pure: no
/// Orleans, every time passed in). Memory is bounded whatever the client sends:
/// <list type="bullet">
/// <item>admitted attempts per action in 60 one-second buckets; an attempt counts in the minute window from its
/// second's start <c>s</c> until <c>s + 60 s</c> (exclusive), so it leaves the window up to one second early, never late;</item>
/// <item>seat-map read times (admitted or refused), at most BurstReads + 1, the newest kept;</item>
/// <item>seat-map flights with when each was last read, at most ScrapeDistinctFlights, the most recently read kept;</item>
/// <item>one reservation per silo id, replaced when the silo reports, dropped <see cref="WindowSettings.ReportGrace"/>
/// after its lease ends (a silo that stopped reporting).</item>
/// </list>
/// Every silo's admissions are either decided here or spend a permit reserved here, and a reservation counts as used
/// until it is reported or expires, so all silos together never exceed a per-minute limit.
/// </summary>
internal sealed class ClientWindow(WindowSettings settings)
{
    private const int Buckets = 60;
    private static readonly LimitedAction[] Actions = [LimitedAction.SeatMapRead, LimitedAction.SeatCommand, LimitedAction.Session];

    // [action index][second % 60]: the second each bucket holds and its admitted count.
    private readonly long[][] _bucketSecond = [NewSeconds(), NewSeconds(), NewSeconds()];
    private readonly int[][] _bucketCount = [new int[Buckets], new int[Buckets], new int[Buckets]];
    private readonly List<DateTimeOffset> _reads = [];
    private readonly Dictionary<string, DateTimeOffset> _flights = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Permits> _reservations = new(StringComparer.Ordinal);

    public WindowSettings Settings => settings;

    /// <summary>How many flights the window remembers now (never more than ScrapeDistinctFlights).</summary>
    public int TrackedFlights => _flights.Count;

    /// <summary>How many read times the window remembers now (never more than BurstReads + 1).</summary>
    public int TrackedReads => _reads.Count;

    /// <summary>
    /// Records the report's attempts (they replace the silo's reservation), decides its current attempt, and
    /// reserves new permits for the silo. <see cref="GuardVerdict.Blocked"/> means a burst or scrape rule tripped: the
    /// caller imposes the block.
    /// </summary>
    public WindowDecision Decide(GuardReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        _reservations.Remove(report.SiloId);
        DropExpiredReservations(now);
        foreach (var attempt in report.Attempts)
        {
            Record(attempt, now);
        }

        var current = report.Current;
        if (current is not null && current.Action == LimitedAction.SeatMapRead)
        {
            // A read counts for the burst and scrape rules whether or not it is let through.
            RecordRead(Clamp(current.At, now), current.FlightId, now);
        }

        var reads = ReadsInBurst(now);
        if (reads > settings.BurstReads)
        {
            return Block(AbuseRule.Burst, reads, settings.BurstWindow, now);
        }
        var flights = FlightsInScrape(now);
        if (flights >= settings.ScrapeDistinctFlights)
        {
            return Block(AbuseRule.Scrape, flights, settings.ScrapeWindow, now);
        }

        var verdict = GuardVerdict.Allowed;
        DateTimeOffset? retryAt = null;
        AbuseRule? rule = null;
        if (current is not null)
        {
            var limit = report.Limits.For(current.Action);
            var admitted = AdmittedInMinute(current.Action, now);
            var reservedByOthers = Reserved(report.SiloId, current.Action, now);
            if (admitted + reservedByOthers + 1 <= limit)
            {
                AddAdmitted(current.Action, Clamp(current.At, now), now);
            }
            else
            {
                verdict = GuardVerdict.RateLimited;
                retryAt = RetryAt(current.Action, admitted + reservedByOthers + 1 - limit, report.SiloId, now);
                rule = RateRule(current.Action);
            }
        }

        var permits = Reserve(report.SiloId, report.Limits, now);
        return new WindowDecision(verdict, retryAt, rule, 0, TimeSpan.Zero, permits);
    }

    /// <summary>Admitted attempts of an action that still count in the minute window at <paramref name="now"/>.</summary>
    public int AdmittedInMinute(LimitedAction action, DateTimeOffset now)
    {
        var index = IndexOf(action);
        var nowSecond = now.ToUnixTimeSeconds();
        var total = 0;
        for (var i = 0; i < Buckets; i++)
        {
            var second = _bucketSecond[index][i];
            if (second > nowSecond - Buckets && second <= nowSecond)
            {
                total += _bucketCount[index][i];
            }
        }
        return total;
    }

    /// <summary>Seat-map reads (admitted or refused) within the burst window ending at <paramref name="now"/>.</summary>
    public int ReadsInBurst(DateTimeOffset now)
    {
        var from = now - settings.BurstWindow;
        var count = 0;
        for (var i = _reads.Count - 1; i >= 0 && _reads[i] > from; i--)
        {
            count++;
        }
        return count;
    }

    /// <summary>Distinct flights whose seat map was read within the scrape window ending at <paramref name="now"/>.</summary>
    public int FlightsInScrape(DateTimeOffset now)
    {
        var from = now - settings.ScrapeWindow;
        var count = 0;
        foreach (var seen in _flights.Values)
        {
            if (seen > from)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Forgets everything the burst and scrape rules count (a lifted block starts clean).</summary>
    public void ForgetReads()
    {
        _reads.Clear();
        _flights.Clear();
    }

    private WindowDecision Block(AbuseRule rule, int observed, TimeSpan window, DateTimeOffset now) =>
        new(GuardVerdict.Blocked, null, rule, observed, window, Permits.None(now));

    private void Record(ClientAttempt attempt, DateTimeOffset now)
    {
        var at = Clamp(attempt.At, now);
        if (attempt.Action == LimitedAction.SeatMapRead)
        {
            RecordRead(at, attempt.FlightId, now);
        }
        if (attempt.Admitted)
        {
            AddAdmitted(attempt.Action, at, now);
        }
    }

    private DateTimeOffset Clamp(DateTimeOffset at, DateTimeOffset now)
    {
        var earliest = now - settings.Longest;
        return at > now ? now : at < earliest ? earliest : at;
    }

    private void RecordRead(DateTimeOffset at, string? flightId, DateTimeOffset now)
    {
        // Sorted, newest last; reports from several silos arrive out of order.
        var position = _reads.BinarySearch(at);
        _reads.Insert(position < 0 ? ~position : position, at);
        var from = now - settings.BurstWindow;
        var stale = 0;
        while (stale < _reads.Count && _reads[stale] <= from)
        {
            stale++;
        }
        var over = Math.Max(stale, _reads.Count - (settings.BurstReads + 1));
        if (over > 0)
        {
            _reads.RemoveRange(0, over);
        }

        if (flightId is null)
        {
            return;
        }
        var scrapeFrom = now - settings.ScrapeWindow;
        if (_flights.TryGetValue(flightId, out var seen))
        {
            _flights[flightId] = seen > at ? seen : at;
            return;
        }
        if (_flights.Count >= settings.ScrapeDistinctFlights)
        {
            foreach (var old in _flights.Where(f => f.Value <= scrapeFrom).Select(f => f.Key).ToList())
            {
                _flights.Remove(old);
            }
        }
        if (_flights.Count >= settings.ScrapeDistinctFlights)
        {
            var oldest = _flights.MinBy(f => f.Value);
            if (oldest.Value > at)
            {
                // Every remembered flight was read later than this one: it changes no count that matters.
                return;
            }
            _flights.Remove(oldest.Key);
        }
        _flights[flightId] = at;
    }

    private void AddAdmitted(LimitedAction action, DateTimeOffset at, DateTimeOffset now)
    {
        var index = IndexOf(action);
        var second = at.ToUnixTimeSeconds();
        if (second <= now.ToUnixTimeSeconds() - Buckets)
        {
            return;
        }
        var slot = (int)(second % Buckets);
        if (_bucketSecond[index][slot] != second)
        {
            if (_bucketSecond[index][slot] > second)
            {
                // The slot holds a later second: this one is a minute older than that, out of the window.
                return;
            }
            _bucketSecond[index][slot] = second;
            _bucketCount[index][slot] = 0;
        }
        _bucketCount[index][slot]++;
    }

    /// <summary>When <paramref name="excess"/> admitted attempts will have left the minute window (at least a second from now).</summary>
    private DateTimeOffset RetryAt(LimitedAction action, int excess, string siloId, DateTimeOffset now)
    {
        var floor = now + TimeSpan.FromSeconds(1);
        var index = IndexOf(action);
        var nowSecond = now.ToUnixTimeSeconds();
        var left = 0;
        foreach (var slot in Enumerable.Range(0, Buckets).OrderBy(i => _bucketSecond[index][i]))
        {
            var second = _bucketSecond[index][slot];
            if (second <= nowSecond - Buckets || second > nowSecond)
            {
                continue;
            }
            left += _bucketCount[index][slot];
            if (left >= excess)
            {
                var leaves = DateTimeOffset.FromUnixTimeSeconds(second + Buckets);
                return leaves > floor ? leaves : floor;
            }
        }
        // Other silos' permits are in the way: they are reported or lapse within a lease.
        var leaseEnd = _reservations.Where(r => r.Key != siloId).Select(r => r.Value.ValidUntil).DefaultIfEmpty(floor).Max();
        return leaseEnd > floor ? leaseEnd : floor;
    }

    private Permits Reserve(string siloId, ClientLimits limits, DateTimeOffset now)
    {
        // Shares for the caller, every other silo holding a live lease, and one more: a silo the client has not used
        // yet (round-robin balancing) then finds headroom at the grain instead of a refusal while the others' leases run.
        var holders = 2 + _reservations.Count(r => r.Key != siloId && r.Value.ValidUntil > now);
        int Share(int free) => Math.Max(0, free) / holders;

        int Free(LimitedAction action) => limits.For(action) - AdmittedInMinute(action, now) - Reserved(siloId, action, now);
        var reads = Math.Min(Free(LimitedAction.SeatMapRead), settings.BurstReads - ReadsInBurst(now) - Reserved(siloId, LimitedAction.SeatMapRead, now));
        var newFlights = settings.ScrapeDistinctFlights - 1 - FlightsInScrape(now)
            - _reservations.Where(r => r.Key != siloId).Sum(r => r.Value.NewFlights);

        var permits = new Permits(
            Share(reads),
            Share(Free(LimitedAction.SeatCommand)),
            Share(Free(LimitedAction.Session)),
            Share(newFlights),
            now + settings.Lease);
        if (permits.SeatMapReads + permits.SeatCommands + permits.Sessions > 0)
        {
            _reservations[siloId] = permits;
        }
        return permits;
    }

    // A reservation counts as used until its silo reports, or until ReportGrace after its lease (a silo that died).
    private int Reserved(string exceptSilo, LimitedAction action, DateTimeOffset now) =>
        _reservations.Where(r => r.Key != exceptSilo).Sum(r => r.Value.For(action));

    private void DropExpiredReservations(DateTimeOffset now)
    {
        foreach (var silo in _reservations.Where(r => r.Value.ValidUntil + WindowSettings.ReportGrace <= now).Select(r => r.Key).ToList())
        {
            _reservations.Remove(silo);
        }
    }

    private static AbuseRule RateRule(LimitedAction action) => action switch
    {
        LimitedAction.SeatMapRead => AbuseRule.SeatMapRate,
        LimitedAction.SeatCommand => AbuseRule.SeatCommandRate,
        _ => AbuseRule.SessionRate,
    };

    private static int IndexOf(LimitedAction action) => Array.IndexOf(Actions, action) is var i and >= 0 ? i : 2;

    private static long[] NewSeconds()
    {
        var seconds = new long[Buckets];
        Array.Fill(seconds, long.MinValue);
        return seconds;
    }
}
