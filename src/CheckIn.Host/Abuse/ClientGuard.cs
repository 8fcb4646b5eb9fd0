using CheckIn.Contracts;
using System.Collections.Concurrent;
using CheckIn.Contracts.Abuse;
using CheckIn.Grains.Abuse;
using CheckIn.Host.Api;
using Microsoft.Extensions.Options;

namespace CheckIn.Host.Abuse;

/// <summary>
/// This silo's front of the cluster's abuse protection (ARCHITECTURE.md "Abuse protection"). A client's guard grain
/// decides; this front lets attempts through on permits the grain reserved for this silo, refuses what the grain
/// already refused or blocked, and asks the grain (one call at a time per client) only when it has nothing left to
/// spend. A background loop (<see cref="ClientGuardLoop"/>) reports what was spent or refused and polls the
/// cluster's block list. A grain that cannot be reached fails open: known blocks still hold, nothing else is refused.
/// </summary>
public sealed partial class ClientGuard
{
    /// <summary>How many clients one silo tracks; a client beyond it is decided by its grain on every request.</summary>
    public const int MaxEntries = 100_000;

    /// <summary>A client silent this long is forgotten (after its attempts are reported).</summary>
    public static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(2);

    /// <summary>Attempts older than this are reported even when nothing else asks the grain (the grain's lease).</summary>
    public static readonly TimeSpan ReportAfter = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan GrainCallTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FailOpenFor = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, GuardEntry> _entries = new(StringComparer.Ordinal);
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly RateLimitOptions _options;
    private readonly ClientIdentity _identity;
    private readonly AbuseRejections _rejections;
    private readonly ILogger<ClientGuard> _logger;
    private readonly string _siloId;
    private volatile BlockTable _blocks = BlockTable.Empty;

    public ClientGuard(IGrainFactory grains, TimeProvider time, IOptions<RateLimitOptions> options, ClientIdentity identity,
        AbuseRejections rejections, ILocalSiloDetails silo, ILogger<ClientGuard> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(silo);
        _grains = grains;
        _time = time;
        _options = options.Value;
        _identity = identity;
        _rejections = rejections;
        _logger = logger;
        _siloId = silo.SiloAddress.ToParsableString();
    }

    public bool Enabled => _options.Enabled;

    public RateLimitOptions Options => _options;

    internal int TrackedClients => _entries.Count;

    /// <summary>Decides one attempt of <paramref name="clientKey"/>; without a grain call while permits last.</summary>
    public ValueTask<GuardDecision> CheckAsync(string clientKey, ClientLimits limits, LimitedAction action, string? flightId)
    {
        if (!_options.Enabled)
        {
            return ValueTask.FromResult(GuardDecision.Allowed);
        }
        var now = _time.GetUtcNow();
        if (_blocks.Find(clientKey, now) is { } block)
        {
            return ValueTask.FromResult(new GuardDecision(GuardVerdict.Blocked, block.ExpiresAt, block.Rule));
        }
        var entry = EntryOf(clientKey, limits);
        lock (entry)
        {
            if (!entry.Forgotten && entry.TryDecideLocally(action, flightId, now, _options.ScrapeWindow) is { } local)
            {
                return ValueTask.FromResult(local);
            }
        }
        return new ValueTask<GuardDecision>(DecideAsync(clientKey, entry, action, flightId));
    }

    /// <summary>The client's block as this silo knows it (block list or its grain's last answer), without any call.</summary>
    public GuardDecision? BlockOf(string clientKey)
    {
        if (!_options.Enabled)
        {
            return null;
        }
        var now = _time.GetUtcNow();
        if (_blocks.Find(clientKey, now) is { } block)
        {
            return new GuardDecision(GuardVerdict.Blocked, block.ExpiresAt, block.Rule);
        }
        if (_entries.TryGetValue(clientKey, out var entry))
        {
            lock (entry)
            {
                if (entry.BlockedUntil > now)
                {
                    return new GuardDecision(GuardVerdict.Blocked, entry.BlockedUntil, entry.BlockRule);
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Counts a failed credential (a wrong or missing admin key, a wrong dashboard credential) as a sign-in attempt of
    /// the request's client. Null: go on and answer 401. Otherwise the 429 to send instead.
    /// </summary>
    public async Task<IResult?> CountFailedSignInAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = _identity.Resolve(context);
        var decision = await CheckAsync(client.Key, client.Limits, LimitedAction.Session, null);
        if (decision.IsAllowed)
        {
            return null;
        }
        _rejections.TooMany(client, decision, LimitedAction.Session);
        return AbuseProblems.TooMany(decision, LimitedAction.Session, client.Limits, _options, _time.GetUtcNow());
    }

    /// <summary>An operator lifted the client's block through this silo: it applies here at once.</summary>
    public void Forget(string clientKey)
    {
        _blocks = _blocks.Without(clientKey);
        if (_entries.TryGetValue(clientKey, out var entry))
        {
            lock (entry)
            {
                entry.ClearBlock();
            }
        }
    }

    private GuardEntry EntryOf(string clientKey, ClientLimits limits)
    {
        if (_entries.TryGetValue(clientKey, out var entry) && !entry.Forgotten)
        {
            return entry;
        }
        if (_entries.Count >= MaxEntries)
        {
            // Not tracked: a fresh entry per request has no permits, so its grain decides every attempt.
            return new GuardEntry(limits);
        }
        return _entries.AddOrUpdate(clientKey, _ => new GuardEntry(limits), (_, old) => old.Forgotten ? new GuardEntry(limits) : old);
    }

    private async Task<GuardDecision> DecideAsync(string clientKey, GuardEntry entry, LimitedAction action, string? flightId)
    {
        while (true)
        {
            Task waitFor;
            List<ClientAttempt> drained;
            TaskCompletionSource call;
            ClientAttempt current;
            var forgotten = false;
            lock (entry)
            {
                var now = _time.GetUtcNow();
                if (entry.Forgotten)
                {
                    forgotten = true;
                    waitFor = Task.CompletedTask;
                    drained = [];
                    call = null!;
                    current = null!;
                }
                else if (entry.TryDecideLocally(action, flightId, now, _options.ScrapeWindow) is { } local)
                {
                    return local;
                }
                else if (entry.InFlight is { } inFlight)
                {
                    waitFor = inFlight.Task;
                    drained = [];
                    call = null!;
                    current = null!;
                }
                else
                {
                    waitFor = Task.CompletedTask;
                    drained = entry.Drain();
                    call = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    entry.InFlight = call;
                    current = new ClientAttempt(action, flightId, now, true);
                }
            }
            if (forgotten)
            {
                entry = EntryOf(clientKey, entry.Limits);
                continue;
            }
            if (call is null)
            {
                // One grain call per client at a time: wait for the one in flight, then look again at its permits.
                await waitFor;
                continue;
            }
            var answer = await CallGrainAsync(clientKey, entry, drained, current, call);
            if (answer is null)
            {
                return GuardDecision.Allowed;
            }
            return answer.Verdict switch
            {
                GuardVerdict.Allowed => GuardDecision.Allowed,
                var verdict => new GuardDecision(verdict, answer.RetryAt, answer.Rule),
            };
        }
    }

    /// <summary>Sends <paramref name="drained"/> (and <paramref name="current"/>) to the grain and applies the answer; null when it failed open.</summary>
    private async Task<GuardAnswer?> CallGrainAsync(string clientKey, GuardEntry entry, List<ClientAttempt> drained, ClientAttempt? current, TaskCompletionSource call)
    {
        try
        {
            var report = new GuardReport(_siloId, entry.Limits, drained, current);
            var answer = await _grains.GetClientGuardGrain(clientKey).CheckAsync(report).WaitAsync(GrainCallTimeout, TimeProvider.System);
            lock (entry)
            {
                if (current is { FlightId: { } flight } && answer.Verdict == GuardVerdict.Allowed)
                {
                    // The grain recorded the attempt itself; the entry only remembers the flight.
                    entry.RememberFlight(flight, current.At);
                }
                entry.Apply(answer, current?.Action, _time.GetUtcNow());
            }
            return answer;
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or OperationCanceledException or InvalidOperationException)
        {
            // A new list: with an immutable report, a call that timed out may still be reading the one it was sent.
            var unreported = new List<ClientAttempt>(drained);
            if (current is not null)
            {
                unreported.Add(current);
            }
            lock (entry)
            {
                entry.Restore(unreported, _time.GetUtcNow() + FailOpenFor);
            }
            using (HostLogScope.Begin(_logger, null, null, AbuseRejections.ActorOf(clientKey), "guard grain unavailable: failing open"))
            {
                LogFailOpen(_logger, clientKey, ex.GetType().Name, ex.Message);
            }
            return null;
        }
        finally
        {
            lock (entry)
            {
                entry.InFlight = null;
            }
            call.TrySetResult();
        }
    }

    /// <summary>Reports the entries that have refused attempts or attempts older than the lease, and forgets idle ones.</summary>
    internal async Task ReportAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var calls = new List<Task>();
        foreach (var (clientKey, entry) in _entries)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            List<ClientAttempt> drained;
            TaskCompletionSource call;
            lock (entry)
            {
                if (entry.InFlight is not null || entry.Forgotten)
                {
                    continue;
                }
                var due = entry.HasRefusedUnreported || entry.OldestUnreported <= now - ReportAfter;
                if (!due)
                {
                    if (entry.UnreportedCount == 0 && entry.LastSeen <= now - IdleAfter)
                    {
                        entry.Forgotten = true;
                        _entries.TryRemove(new KeyValuePair<string, GuardEntry>(clientKey, entry));
                    }
                    continue;
                }
                drained = entry.Drain();
                call = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                entry.InFlight = call;
            }
            calls.Add(CallGrainAsync(clientKey, entry, drained, null, call));
            if (calls.Count >= 64)
            {
                await Task.WhenAll(calls);
                calls.Clear();
            }
        }
        await Task.WhenAll(calls);
    }

    /// <summary>Fetches the cluster's block list when it changed; entries whose block left it forget that block.</summary>
    internal async Task PollBlocksAsync()
    {
        var known = _blocks;
        var snapshot = await _grains.GetBlockListGrain().GetAsync(known.Version);
        if (snapshot.Blocks is not { } blocks)
        {
            return;
        }
        var table = new BlockTable(snapshot.Version, blocks.ToDictionary(b => b.ClientKey, StringComparer.Ordinal));
        _blocks = table;
        foreach (var (clientKey, entry) in _entries)
        {
            if (!table.Contains(clientKey))
            {
                lock (entry)
                {
                    entry.ClearBlock();
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Abuse protection failed open for client {ClientKey}: its guard grain did not answer ({Error}: {Detail}). Known blocks still apply.")]
    private static partial void LogFailOpen(ILogger logger, string clientKey, string error, string detail);

    /// <summary>The cluster's active blocks as last polled (replaced whole, read without locks).</summary>
    private sealed class BlockTable(long version, Dictionary<string, ClientBlock> blocks)
    {
        public static readonly BlockTable Empty = new(-1, []);

        public long Version { get; } = version;

        public ClientBlock? Find(string clientKey, DateTimeOffset now) =>
            blocks.Count > 0 && blocks.TryGetValue(clientKey, out var block) && block.ExpiresAt > now ? block : null;

        public bool Contains(string clientKey) => blocks.ContainsKey(clientKey);

        public BlockTable Without(string clientKey) =>
            blocks.ContainsKey(clientKey) ? new BlockTable(Version, blocks.Where(b => b.Key != clientKey).ToDictionary(StringComparer.Ordinal)) : this;
    }
}
