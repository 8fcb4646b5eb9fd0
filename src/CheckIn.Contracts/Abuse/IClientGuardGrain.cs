namespace CheckIn.Contracts.Abuse;

/// <summary>
/// The one place in the cluster that counts one client's attempts (key: the client key, <c>ip:…</c> or
/// <c>key:…</c>) and decides its refusals and blocks. Silos ask it only when their permits run out, their lease
/// ends, or they have refused attempts to report; see ARCHITECTURE.md "Abuse protection".
/// </summary>
public interface IClientGuardGrain : IGrainWithStringKey
{
    /// <summary>Records the silo's attempts, decides <see cref="GuardReport.Current"/> and reserves new permits for that silo.</summary>
    Task<GuardAnswer> CheckAsync(GuardReport report);

    /// <summary>An operator lifts the client's block (incident BLOCK_LIFTED); false if it had none.</summary>
    Task<bool> LiftAsync(string actor, string reason);
}

/// <summary>
/// The cluster's list of active blocks (one grain, key 0): every silo polls it and refuses a blocked client at once,
/// without asking the client's guard grain. Blocks leave it when they expire (incident BLOCK_EXPIRED) or are lifted.
/// </summary>
public interface IBlockListGrain : IGrainWithIntegerKey
{
    /// <summary>The active blocks, or only the version when <paramref name="knownVersion"/> is current.</summary>
    Task<BlockListSnapshot> GetAsync(long knownVersion);

    /// <summary>Adds or extends a block (durable before it answers).</summary>
    Task AddAsync(ClientBlock block);

    /// <summary>Removes the client's block (lifted by an operator).</summary>
    Task RemoveAsync(string clientKey);
}
