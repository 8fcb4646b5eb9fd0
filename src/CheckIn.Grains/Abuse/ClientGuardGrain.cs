using System.Globalization;
using CheckIn.Contracts;
using CheckIn.Contracts.Abuse;
using CheckIn.Grains.Audit;
using CheckIn.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CheckIn.Grains.Abuse;

/// <summary>The only persisted part of a client's guard: its block. Counts live in memory (a minute is all they cover).</summary>
internal sealed class ClientBlockState
{
    public DateTimeOffset? BlockedUntil { get; set; }

    public DateTimeOffset BlockedAt { get; set; }

    public AbuseRule Rule { get; set; }

    public Guid IncidentId { get; set; }

    /// <summary>What the rule saw, kept so that a re-announced incident says the same as the first.</summary>
    public int ObservedCount { get; set; }

    public TimeSpan Window { get; set; }

    public bool IsActive(DateTimeOffset now) => BlockedUntil is { } until && until > now;
}

/// <summary>
/// Counts one client's attempts for the whole cluster (key: the client key) and decides its refusals and blocks;
/// the rules are <see cref="ClientWindow"/>'s. A block is stored, recorded as an incident and put on the block
/// list before the grain answers <see cref="GuardVerdict.Blocked"/>. Idle activations go after two minutes: the
/// counts they lose are worth nothing by then, and the block is read back from storage.
/// </summary>
[CollectionAgeLimit(Minutes = 2)]
internal sealed partial class ClientGuardGrain(
    [PersistentState(ClientGuardGrain.StateName, StorageNames.Default)] IPersistentState<ClientBlockState> state,
    TimeProvider time,
    IOptionsMonitor<RateLimitOptions> options,
    IAbuseIncidentLog incidents,
    CheckInMetrics metrics,
    Pseudonyms pseudonyms,
    ILogger<ClientGuardGrain> logger) : Grain, IClientGuardGrain
{
    internal const string StateName = "client-guard";

    private string _clientKey = "";
    private ClientWindow? _window;
    // Whether this activation has made sure the stored block's incident and block-list entry exist (both idempotent).
    private bool _announced;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _clientKey = this.GetPrimaryKeyString();
        return Task.CompletedTask;
    }

    public async Task<GuardAnswer> CheckAsync(GuardReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = time.GetUtcNow();
        var current = options.CurrentValue;
        if (state.State.IsActive(now))
        {
            if (!_announced)
            {
                // A block stored by an activation that died before its incident or list entry was written.
                await AnnounceAsync(current);
            }
            return new GuardAnswer(GuardVerdict.Blocked, state.State.BlockedUntil, state.State.Rule, Permits.None(now));
        }
        if (state.State.BlockedUntil is not null)
        {
            // Expired: the block list writes BLOCK_EXPIRED; here it simply stops applying.
            state.State = new ClientBlockState();
            _announced = false;
        }

        var window = Window(current);
        var decision = window.Decide(report, now);
        if (!decision.TripsBlock)
        {
            return new GuardAnswer(decision.Verdict, decision.RetryAt, decision.Rule, decision.Permits);
        }

        var rule = decision.Rule!.Value;
        state.State = new ClientBlockState
        {
            BlockedAt = now,
            BlockedUntil = now + current.BlockDuration,
            Rule = rule,
            IncidentId = Guid.NewGuid(),
            ObservedCount = decision.ObservedCount,
            Window = decision.Window,
        };
        _announced = false;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = new ClientBlockState();
            throw;
        }
        // Counted once the block is durable, once per block (the refusals it causes are counted by the front).
        metrics.ClientBlocked(WireNames.Of(rule));
        var reason = Reason(state.State, current);
        await AnnounceAsync(current);
        using (LogScopes.Change(logger, null, null, null, SystemActor, reason))
        using (logger.BeginScope(new LogScope().With("ClientKey", ClientKeyForLog).With("Rule", WireNames.Of(rule))))
        {
            LogBlocked(logger, ClientKeyForLog, rule, decision.ObservedCount, decision.Window, state.State.BlockedUntil!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        return new GuardAnswer(GuardVerdict.Blocked, state.State.BlockedUntil, rule, Permits.None(now));
    }

    public async Task<bool> LiftAsync(string actor, string reason)
    {
        var now = time.GetUtcNow();
        if (!state.State.IsActive(now))
        {
            return false;
        }
        var block = state.State;
        // The lift is on record before it takes effect: never a lifted block without its incident.
        await incidents.AppendAsync(new AbuseIncident(
            Guid.NewGuid(), _clientKey, block.Rule, 0, TimeSpan.Zero, IncidentDecision.BlockLifted, block.BlockedUntil, now, actor, reason));
        state.State = new ClientBlockState();
        await state.WriteStateAsync();
        _announced = false;
        _window?.ForgetReads();
        await GrainFactory.GetBlockListGrain().RemoveAsync(_clientKey);
        LogLifted(logger, ClientKeyForLog, block.Rule, pseudonyms.Actor(actor), reason);
        return true;
    }

    /// <summary>The incident, then the block list entry (both idempotent by incident id), before anyone hears of the block.</summary>
    private async Task AnnounceAsync(RateLimitOptions current)
    {
        var block = state.State;
        var until = block.BlockedUntil!.Value;
        await incidents.AppendAsync(new AbuseIncident(
            block.IncidentId, _clientKey, block.Rule, block.ObservedCount, block.Window, IncidentDecision.Blocked, until, block.BlockedAt, SystemActor,
            Reason(block, current)));
        await GrainFactory.GetBlockListGrain().AddAsync(new ClientBlock(_clientKey, block.Rule, block.BlockedAt, until, block.IncidentId));
        _announced = true;
    }

    /// <summary>Why the client is blocked, as the incident records it.</summary>
    private static string Reason(ClientBlockState block, RateLimitOptions current)
    {
        var (observed, window) = (block.ObservedCount, block.Window);
        var reason = block.Rule switch
        {
            AbuseRule.Burst => $"{observed} seat-map reads within {window.TotalSeconds:0.###} s (limit {current.BurstReads})",
            AbuseRule.Scrape => $"{observed} distinct flights' seat maps within {window.TotalSeconds:0.###} s (limit {current.ScrapeDistinctFlights})",
            _ => $"rule {block.Rule}",
        };
        return $"{reason}: blocked for {(block.BlockedUntil!.Value - block.BlockedAt).TotalMinutes:0.#} min";
    }

    /// <summary>The client key as a log line shows it (a key naming a passenger shows its pseudonym).</summary>
    private string ClientKeyForLog => pseudonyms.Actor(_clientKey);

    private ClientWindow Window(RateLimitOptions current)
    {
        var settings = WindowSettings.From(current);
        if (_window is null || _window.Settings != settings)
        {
            // New settings start a new window: counts under other numbers would mislead the rules.
            _window = new ClientWindow(settings);
        }
        return _window;
    }

    internal const string SystemActor = "system";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {ClientKey} blocked by rule {Rule}: {Observed} within {Window} until {Until}")]
    private static partial void LogBlocked(ILogger logger, string clientKey, AbuseRule rule, int observed, TimeSpan window, string until);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientKey}: block ({Rule}) lifted by {Actor}: {Reason}")]
    private static partial void LogLifted(ILogger logger, string clientKey, AbuseRule rule, string actor, string reason);
}
