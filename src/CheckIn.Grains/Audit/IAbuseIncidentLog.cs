using CheckIn.Contracts.Abuse;

namespace CheckIn.Grains.Audit;

/// <summary>Which incidents to list: each filter is optional; newest first, at most <see cref="Limit"/>.</summary>
public sealed record IncidentQuery(DateTimeOffset? From, DateTimeOffset? To, string? ClientKey, AbuseRule? Rule, int Limit);

/// <summary>
/// Where blocks, lifted and expired blocks and hold cooldowns are recorded (PostgreSQL <c>abuse_incidents</c> in
/// durable mode). An incident id already recorded is ignored, so a grain may retry an append.
/// </summary>
public interface IAbuseIncidentLog
{
    Task AppendAsync(AbuseIncident incident, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AbuseIncident>> QueryAsync(IncidentQuery query, CancellationToken cancellationToken = default);
}

/// <summary>The embedded mode's incident log: process memory, gone with the process like the rest of its state.</summary>
public sealed class InMemoryAbuseIncidentLog : IAbuseIncidentLog
{
    private readonly InMemoryEventStore<AbuseIncident> _store = new(e => e.IncidentId);

    public Task AppendAsync(AbuseIncident incident, CancellationToken cancellationToken = default) => _store.AppendAsync([incident]);

    public async Task<IReadOnlyList<AbuseIncident>> QueryAsync(IncidentQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var all = await _store.QueryAsync(
            e => (query.From is null || e.At >= query.From) && (query.To is null || e.At < query.To)
                && (query.ClientKey is null || e.ClientKey == query.ClientKey) && (query.Rule is null || e.Rule == query.Rule),
            e => e.At, int.MaxValue);
        return [.. all.Reverse().Take(query.Limit)];
    }
}
