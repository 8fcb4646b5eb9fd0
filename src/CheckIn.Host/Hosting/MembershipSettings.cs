using Orleans.Configuration;

namespace CheckIn.Host.Hosting;

/// <summary>
/// The cluster membership (failure detection) settings of every silo, in one place. Our defaults differ from Orleans
/// 10.4.2's where a one-machine or small cluster needs it; any <see cref="ClusterMembershipOptions"/> property can
/// still be set under <c>Orleans:Membership</c> (<c>Orleans__Membership__ProbeTimeout=00:00:03</c>), which wins.
/// README "Cluster membership and failure detection" lists them with the reasons.
/// </summary>
internal static class MembershipSettings
{
    public const string Section = "Orleans:Membership";

    /// <summary>
    /// How often a silo writes its heartbeat (IAmAlive) to the membership table (Orleans: 30 s). An entry whose
    /// heartbeat is older than this times <see cref="MissedIAmAlivesBeforeStale"/> is stale: a joining silo skips its
    /// connectivity check for it. Orleans's 30 s x 3 made a host restarted on a new address wait ~90 s for its own
    /// dead predecessor; 2 s x 3 lets it join after about 6-11 s. The price is one small Redis write per silo every 2 s.
    /// </summary>
    public static readonly TimeSpan IAmAlivePeriod = TimeSpan.FromSeconds(2);

    /// <summary>Missed heartbeats before an entry is stale (Orleans: 3): stale after 6 s.</summary>
    public const int MissedIAmAlivesBeforeStale = 3;

    /// <summary>
    /// The starting probe timeout (Orleans: 5 s). Orleans adapts the effective timeout, and the period between probes,
    /// to the measured round trips, between <see cref="MinProbeTimeout"/> and <see cref="MaxProbeTimeout"/>.
    /// </summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The shortest probe period (Orleans: half of ProbeTimeout, 2.5 s). A silo is declared dead after
    /// <see cref="MissedProbes"/> missed probes, so on a fast network detection takes about 3 x 1 s (Orleans: 3 x 2.5 s,
    /// measured 5.8-7.8 s, during which every call to the dead silo fails).
    /// </summary>
    public static readonly TimeSpan MinProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest probe timeout (Orleans: 4 x ProbeTimeout). Room for the timeout to grow while a silo measures slow
    /// round trips or its own health degradation (CPU starvation, GC pauses), instead of suspecting a live peer.
    /// </summary>
    public static readonly TimeSpan MaxProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Missed probes before a silo votes (Orleans: 3). The last one goes through another silo (indirect probe), whose
    /// failure is a second vote: two votes declare a silo dead in a cluster of three or more.
    /// </summary>
    public const int MissedProbes = 3;

    /// <summary>
    /// Applies our defaults, then whatever <c>Orleans:Membership</c> sets. Kept on (Orleans defaults): indirect
    /// probes, probe timeouts extended while the local silo is degraded, no vote against a silo whose connection
    /// recently carried messages, two votes for a death declaration, and the connectivity check a joining silo makes
    /// with every non-stale active entry.
    /// </summary>
    public static ISiloBuilder UseCheckInMembership(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.IAmAliveTablePublishTimeout = IAmAlivePeriod;
            o.NumMissedTableIAmAliveLimit = MissedIAmAlivesBeforeStale;
            o.ProbeTimeout = ProbeTimeout;
            o.MinProbeTimeout = MinProbeTimeout;
            o.MaxProbeTimeout = MaxProbeTimeout;
            o.NumMissedProbesLimit = MissedProbes;
            o.EnableIndirectProbes = true;
            o.ExtendProbeTimeoutDuringDegradation = true;
            o.EnableConnectionLivenessCheck = true;
            configuration.GetSection(Section).Bind(o);
        });
        return silo;
    }
}
