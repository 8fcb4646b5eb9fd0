using Orleans.Configuration;

namespace CheckIn.Host.Hosting;

/// <summary>
/// The membership table (Redis) with one repair Orleans lacks (dotnet/orleans#7784): when Redis restarts without
/// persistence, as README runs it, the table comes back empty, every silo's heartbeat write fails for ever ("Could
/// not find a value for the key", or the Lua script's "bad argument") and no silo can vote a dead one out, so a silo
/// killed afterwards is never declared dead and its grains never move. This wrapper remembers the last entry this
/// silo wrote for itself; when a heartbeat fails and the table no longer holds this silo, it writes the table's
/// version and this silo's entry again. Each live silo does the same for itself within one heartbeat period, so the
/// table is rebuilt from the silos that are really there; a silo that died meanwhile is simply not in it. The table
/// comes back at version 0, and Orleans ignores a table older than the one it last saw (every silo would then keep
/// its stale view and could never vote a dead peer out), so the repair also carries the version forward, one
/// conditional write at a time, past the highest version this silo has seen.
/// A silo that Orleans marked dead keeps that entry (it is there, so nothing is repaired) and stops as it should.
/// </summary>
internal sealed partial class RecoveringMembershipTable(IMembershipTable inner, ILocalSiloDetails local, ILogger<RecoveringMembershipTable> logger)
    : IMembershipTable, IDisposable
{
    private readonly Lock _gate = new();
    private MembershipEntry? _ownEntry;
    private int _highestVersion;

    /// <summary>Wraps the <see cref="IMembershipTable"/> registered so far (Redis clustering's) in this repair.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IMembershipTable))
            ?? throw new InvalidOperationException("No membership table is registered to wrap.");
        services.Remove(registered);
        services.AddSingleton<IMembershipTable>(sp => new RecoveringMembershipTable(
            Create(sp, registered), sp.GetRequiredService<ILocalSiloDetails>(), sp.GetRequiredService<ILogger<RecoveringMembershipTable>>()));
    }

    public Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken) =>
        inner.InitializeMembershipTableAsync(tryInitTableVersion, cancellationToken);

    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken) =>
        inner.DeleteMembershipTableEntriesAsync(clusterId, cancellationToken);

    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken) =>
        inner.CleanupDefunctSiloEntriesAsync(beforeDate, cancellationToken);

    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken) => inner.ReadRowAsync(key, cancellationToken);

    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken)
    {
        var table = await inner.ReadAllAsync(cancellationToken);
        Seen(table.Version.Version);
        return table;
    }

    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        var inserted = await inner.InsertRowAsync(entry, tableVersion, cancellationToken);
        Remember(entry, inserted);
        Seen(tableVersion.Version);
        return inserted;
    }

    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        var updated = await inner.UpdateRowAsync(entry, etag, tableVersion, cancellationToken);
        Remember(entry, updated);
        Seen(tableVersion.Version);
        return updated;
    }

    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await inner.UpdateIAmAliveAsync(entry, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && OwnEntry() is { } own)
        {
            if (!await RepairAsync(own, entry.IAmAliveTime, cancellationToken))
            {
                throw;
            }
        }
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    // The pre-10 members, which Orleans 10 no longer calls; they go through the same paths.
#pragma warning disable CS0618, CS0672
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);
#pragma warning restore CS0618, CS0672

    private static IMembershipTable Create(IServiceProvider services, ServiceDescriptor registered) =>
        registered.ImplementationInstance as IMembershipTable
        ?? registered.ImplementationFactory?.Invoke(services) as IMembershipTable
        ?? (IMembershipTable)ActivatorUtilities.CreateInstance(services, registered.ImplementationType!);

    private void Remember(MembershipEntry entry, bool written)
    {
        if (written && entry.SiloAddress.Equals(local.SiloAddress))
        {
            lock (_gate)
            {
                _ownEntry = entry;
            }
        }
    }

    private void Seen(int version)
    {
        lock (_gate)
        {
            _highestVersion = Math.Max(_highestVersion, version);
        }
    }

    private int HighestVersion()
    {
        lock (_gate)
        {
            return _highestVersion;
        }
    }

    private MembershipEntry? OwnEntry()
    {
        lock (_gate)
        {
            return _ownEntry;
        }
    }

    /// <summary>Re-registers this silo if, and only if, the table no longer has it; true when it did.</summary>
    private async Task<bool> RepairAsync(MembershipEntry own, DateTime iAmAlive, CancellationToken cancellationToken)
    {
        // An emptied table has lost its version row too, without which it cannot even be read: written back only if
        // missing (the provider's own initialization, as at a first start), so a live table is never touched.
        await inner.InitializeMembershipTableAsync(tryInitTableVersion: true, cancellationToken);
        var table = await inner.ReadAllAsync(cancellationToken);
        if (table.Members.Any(m => m.Item1.SiloAddress.Equals(own.SiloAddress)))
        {
            return false; // the failure was something else: Orleans retries it
        }
        var entry = new MembershipEntry
        {
            SiloAddress = own.SiloAddress,
            HostName = own.HostName,
            SiloName = own.SiloName,
            RoleName = own.RoleName,
            Status = own.Status,
            ProxyPort = own.ProxyPort,
            UpdateZone = own.UpdateZone,
            FaultZone = own.FaultZone,
            StartTime = own.StartTime,
            IAmAliveTime = iAmAlive,
            SuspectTimes = [],
        };
        var inserted = await inner.InsertRowAsync(entry, table.Version.Next(), cancellationToken);
        var target = HighestVersion() + 1;
        var version = await CarryVersionForwardAsync(entry, target, cancellationToken);
        LogRepaired(logger, own.SiloAddress.ToString(), own.Status.ToString(), inserted, version);
        if (inserted)
        {
            Remember(entry, written: true);
        }
        return inserted;
    }

    /// <summary>
    /// Rewrites this silo's own row (unchanged) until the table's version reaches <paramref name="target"/>: the
    /// provider moves the version by one per conditional write, and a concurrent writer (another silo repairing) only
    /// makes this take fewer rounds. Bounded; returns the version reached.
    /// </summary>
    private async Task<int> CarryVersionForwardAsync(MembershipEntry entry, int target, CancellationToken cancellationToken)
    {
        var table = await inner.ReadAllAsync(cancellationToken);
        for (var round = 0; round < MaxVersionSteps && table.Version.Version < target; round++)
        {
            if (!table.Members.Any(m => m.Item1.SiloAddress.Equals(entry.SiloAddress)))
            {
                break; // someone else rebuilt the table differently; Orleans takes it from here
            }
            var current = table.Members.First(m => m.Item1.SiloAddress.Equals(entry.SiloAddress)).Item1;
            await inner.UpdateRowAsync(current, table.Version.VersionEtag, table.Version.Next(), cancellationToken);
            table = await inner.ReadAllAsync(cancellationToken);
        }
        Seen(table.Version.Version);
        return table.Version.Version;
    }

    /// <summary>A table version grows by one per membership change: thousands are years of restarts.</summary>
    private const int MaxVersionSteps = 10_000;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The membership table had lost this silo ({Silo}, {Status}): Redis restarted without its data? Re-registered: {Inserted}; table version carried forward to {Version}")]
    private static partial void LogRepaired(ILogger logger, string silo, string status, bool inserted, int version);
}
