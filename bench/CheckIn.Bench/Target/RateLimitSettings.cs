namespace CheckIn.Bench.Target;

/// <summary>
/// How a started host's abuse protection is set for a run (<c>--rate-limits</c>). <c>off</c>: nothing counted, the
/// scenario measures the service. <c>on</c>: limits on with every limit far above what the bench sends, and the bench
/// (127.0.0.1) a trusted proxy whose <c>X-Forwarded-For</c> names many distinct clients, so that counting is paid on
/// every request and nothing is refused: any 429 is a failure of the run. <c>both</c>: off, then on (seatmap's
/// default is <c>on</c>).
/// </summary>
internal static class RateLimitSettings
{
    public const string Off = "off";
    public const string On = "on";
    public const string Both = "both";

    /// <summary>The address the bench sends from; trusted as a proxy in the <c>on</c> mode.</summary>
    public const string BenchAddress = "127.0.0.1";

    public static readonly IReadOnlyDictionary<string, string> Disabled = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["CheckIn__RateLimiting__Enabled"] = "false",
    };

    public static readonly IReadOnlyDictionary<string, string> HighLimitsBehindProxy = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["CheckIn__RateLimiting__Enabled"] = "true",
        ["CheckIn__RateLimiting__SeatMapPerMinute"] = "10000000",
        ["CheckIn__RateLimiting__BurstReads"] = "10000000",
        ["CheckIn__RateLimiting__ScrapeDistinctFlights"] = "1000000",
        ["CheckIn__RateLimiting__SeatCommandsPerMinute"] = "1000000",
        ["CheckIn__RateLimiting__SessionsPerMinute"] = "1000000",
        ["CheckIn__TrustedProxies__0"] = BenchAddress,
    };

    /// <summary>
    /// The modes a run goes through, in order: <c>off</c>, <c>on</c>, <c>both</c> (= <c>off,on</c>) or any comma list of
    /// off and on (<c>on,off</c> to see whether the order matters on a busy machine); null when the text is none of these.
    /// </summary>
    public static IReadOnlyList<string>? Sequence(string text)
    {
        var modes = (text == Both ? "off,on" : text).Split(',', StringSplitOptions.TrimEntries);
        return modes.Length > 0 && modes.All(m => m is Off or On) ? modes : null;
    }

    /// <summary>The settings of one mode (<c>on</c> or <c>off</c>).</summary>
    public static IReadOnlyDictionary<string, string> For(string mode) => mode == On ? HighLimitsBehindProxy : Disabled;

    /// <summary>Whether the bench may send X-Forwarded-For in this mode (the host trusts it as a proxy).</summary>
    public static bool TrustsBench(string mode) => mode == On;

    /// <summary>Every key either mode sets: removed before the other mode's are applied.</summary>
    public static IEnumerable<string> AllKeys => Disabled.Keys.Union(HighLimitsBehindProxy.Keys, StringComparer.Ordinal);
}
