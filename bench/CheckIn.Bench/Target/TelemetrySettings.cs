namespace CheckIn.Bench.Target;

/// <summary>
/// Whether a started host records metrics and traces (<c>--telemetry</c>): <c>on</c> is what the host ships with
/// (OpenTelemetry metrics, <c>/metrics</c>, traces at the default sampling ratio), <c>off</c> sets
/// <c>CheckIn__Telemetry__Enabled=false</c> (no instruments listened to, no activities, <c>/metrics</c> 404).
/// <c>both</c> (seatmap): off, then on, so that the cost of telemetry is measured in one run.
/// </summary>
internal static class TelemetrySettings
{
    public const string Off = "off";
    public const string On = "on";
    public const string Both = "both";

    public const string EnabledKey = "CheckIn__Telemetry__Enabled";

    /// <summary>
    /// The modes a run goes through, in order: <c>off</c>, <c>on</c>, <c>both</c> (= <c>off,on</c>) or any comma list of
    /// off and on (<c>on,off</c>); null when the text is none of these.
    /// </summary>
    public static IReadOnlyList<string>? Sequence(string text)
    {
        var modes = (text == Both ? "off,on" : text).Split(',', StringSplitOptions.TrimEntries);
        return modes.Length > 0 && modes.All(m => m is Off or On) ? modes : null;
    }

    /// <summary>The settings of one mode: only the switch; sampling and metrics access stay the host's defaults.</summary>
    public static IReadOnlyDictionary<string, string> For(string mode) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [EnabledKey] = mode == On ? "true" : "false",
    };

    /// <summary>Every key either mode sets: removed before the other mode's are applied.</summary>
    public static IEnumerable<string> AllKeys => [EnabledKey];
}
