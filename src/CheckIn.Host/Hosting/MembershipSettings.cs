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
    /// How often a silo writes its heartbeat (IAmAlive) to the membership table (Orleans: 30 s). An Active entry whose
    /// heartbeat is older than this times <see cref="MissedIAmAlivesBeforeStale"/> is stale. A joining silo must reach
    /// every Active entry before it may join, and (measured) only starts probing, and so voting out, an entry that
    /// died with <c>kill -9</c> once that entry is stale. Orleans's 30 s x 3 made a host restarted on a new address
    /// wait for its own dead predecessor: ready after 105.8 s; with 2 s x 3 and <see cref="ProbeTimeout"/> 1 s, 12.8-13.6 s
    /// (most of it the host's own start on a busy machine). The price: one small Redis write per silo every 2 s.
    /// </summary>
    public static readonly TimeSpan IAmAlivePeriod = TimeSpan.FromSeconds(2);

    /// <summary>Missed heartbeats before an entry is stale (Orleans: 3): stale after 6 s.</summary>
    public const int MissedIAmAlivesBeforeStale = 3;

    /// <summary>
    /// The starting probe timeout and period (Orleans: 5 s), used until a monitor has measured round trips; Orleans
    /// then adapts both between <see cref="MinProbeTimeout"/> and <see cref="MaxProbeTimeout"/>. A joining silo votes
    /// its dead predecessor out after three probes at this period (2 s measured 16.1 s to ready, 1 s 12.8-13.6 s).
    /// </summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The shortest probe timeout and period (Orleans: half of ProbeTimeout, 2.5 s). A silo is declared dead after
    /// <see cref="MissedProbes"/> missed probes, so on a fast network detection takes up to about 3 x 1 s (Orleans:
    /// 3 x 2.5 s; measured 5.4 s, and 5.8-7.8 s in the issue; with ours 1.6-2.4 s), during which calls to the dead
    /// silo wait or fail. 1 s still held three hosts together while both cores were saturated for 30 s.
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
