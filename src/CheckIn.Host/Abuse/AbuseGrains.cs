using CheckIn.Contracts.Abuse;

namespace CheckIn.Host.Abuse;

/// <summary>The abuse grains' keys: a guard per client key, one block list (key 0).</summary>
internal static class AbuseGrains
{
    public static IClientGuardGrain Guard(IGrainFactory grains, string clientKey) => grains.GetGrain<IClientGuardGrain>(clientKey);

    public static IBlockListGrain BlockList(IGrainFactory grains) => grains.GetGrain<IBlockListGrain>(0);
}
