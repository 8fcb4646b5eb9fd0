namespace CheckIn.Grains.Audit;

/// <summary>
/// The in-memory audit logs' shared store (embedded mode and tests): events kept once per id, in the order they were
/// appended, gone with the process.
/// </summary>
internal sealed class InMemoryEventStore<TEvent>(Func<TEvent, Guid> idOf)
{
    private readonly Lock _gate = new();
    private readonly List<TEvent> _events = [];
    private readonly HashSet<Guid> _ids = [];

    public Task AppendAsync(IReadOnlyList<TEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        lock (_gate)
        {
            foreach (var e in events)
            {
                if (_ids.Add(idOf(e)))
                {
                    _events.Add(e);
                }
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>The matching events ordered by <paramref name="order"/> (appending order among equals), at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<TEvent>> QueryAsync<TKey>(Func<TEvent, bool> match, Func<TEvent, TKey> order, int limit)
    {
        lock (_gate)
        {
            IReadOnlyList<TEvent> found = [.. _events.Where(match).OrderBy(order).Take(limit)];
            return Task.FromResult(found);
        }
    }
}
