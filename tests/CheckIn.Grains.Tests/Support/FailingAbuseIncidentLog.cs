using System.Collections.Concurrent;
using CheckIn.Contracts.Abuse;
using CheckIn.Grains.Audit;

namespace CheckIn.Grains.Tests.Support;

/// <summary>The incident log, except that appends for the client keys a test names fail (an unreachable database).</summary>
public sealed class FailingAbuseIncidentLog(IAbuseIncidentLog inner) : IAbuseIncidentLog
{
    private readonly ConcurrentDictionary<string, byte> _failing = new(StringComparer.Ordinal);

    /// <summary>Appends for <paramref name="clientKey"/> fail until the returned handle is disposed.</summary>
    public IDisposable Fail(string clientKey)
    {
        _failing[clientKey] = 0;
        return new Restore(() => _failing.TryRemove(clientKey, out _));
    }

    public Task AppendAsync(AbuseIncident incident, CancellationToken cancellationToken = default) =>
        _failing.ContainsKey(incident.ClientKey)
            ? Task.FromException(new InvalidOperationException($"incident log unavailable for {incident.ClientKey} (test)"))
            : inner.AppendAsync(incident, cancellationToken);

    public Task<IReadOnlyList<AbuseIncident>> QueryAsync(IncidentQuery query, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(query, cancellationToken);

    /// <summary>Every incident of one client, oldest first.</summary>
    public async Task<IReadOnlyList<AbuseIncident>> OfAsync(string clientKey) =>
        [.. (await inner.QueryAsync(new IncidentQuery(null, null, clientKey, null, 1000))).Reverse()];

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
