using System.Globalization;
using System.Text.RegularExpressions;

namespace CheckIn.Bench.Load;

/// <summary>
/// Reads what one wrk run printed: its own report (<c>Requests/sec</c>, the <c>--latency</c> distribution) and the
/// <c>checkin-bench ...</c> lines that <c>seatmap-reads.lua</c>'s <c>done()</c> adds (p99.9, max, statuses, problem
/// codes, socket errors), as an <see cref="OperationSummary"/> like the .NET loops record.
/// </summary>
internal static partial class WrkOutput
{
    public static OperationSummary Parse(string name, string output)
    {
        double? perSecond = null;
        var distribution = new Dictionary<string, double>(StringComparer.Ordinal);
        var exact = new Dictionary<string, double>(StringComparer.Ordinal);
        var statuses = new SortedDictionary<int, long>();
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long? requests = null;
        double? seconds = null;
        var inDistribution = false;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("Requests/sec:", StringComparison.Ordinal))
            {
                perSecond = Number(line["Requests/sec:".Length..]);
                continue;
            }
            if (line == "Latency Distribution")
            {
                inDistribution = true;
                continue;
            }
            if (inDistribution && DistributionLine().Match(line) is { Success: true } d)
            {
                distribution[d.Groups[1].Value] = Milliseconds(d.Groups[2].Value, d.Groups[3].Value, line);
                continue;
            }
            inDistribution = false;
            if (!line.StartsWith("checkin-bench ", StringComparison.Ordinal))
            {
                continue;
            }
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (f[1])
            {
                case "requests":
                    requests = (long)Number(f[2]);
                    break;
                case "duration_us":
                    seconds = Number(f[2]) / 1_000_000;
                    break;
                case "latency_us":
                    exact[f[2]] = Number(f[3]) / 1000;
                    break;
                case "status":
                    statuses[(int)Number(f[2])] = (long)Number(f[3]);
                    break;
                case "error":
                    errors[string.Join(' ', f[3..])] = (long)Number(f[2]);
                    break;
                case "socket_errors":
                    string[] kinds = ["connect error", "read error", "write error", "timeout"];
                    for (var i = 0; i < kinds.Length; i++)
                    {
                        if (Number(f[2 + i]) is > 0 and var count)
                        {
                            errors[kinds[i]] = (long)count;
                        }
                    }
                    break;
                default:
                    break;
            }
        }
        if (perSecond is null || requests is null || seconds is null)
        {
            throw new Api.BenchException($"wrk printed no Requests/sec or no summary from its script:{Environment.NewLine}{output}");
        }
        string[] wanted = ["50%", "90%", "99%"];
        if (wanted.FirstOrDefault(p => !distribution.ContainsKey(p)) is { } missing)
        {
            throw new Api.BenchException($"wrk printed no {missing} line in its latency distribution (is --latency on?):{Environment.NewLine}{output}");
        }
        var latency = new LatencySummary(
            distribution["50%"], distribution["90%"], distribution["99%"],
            exact.GetValueOrDefault("99.9", distribution["99%"]), exact.GetValueOrDefault("max", distribution["99%"]));
        return new OperationSummary(name, requests.Value, errors.Values.Sum(), errors, statuses, perSecond.Value, latency, seconds.Value);
    }

    private static double Number(string text) => double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>wrk prints times as 812.00us, 3.12ms, 1.02s or 2.00m.</summary>
    private static double Milliseconds(string value, string unit, string line) => Number(value) * unit switch
    {
        "us" => 0.001,
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => throw new Api.BenchException($"wrk printed a time in an unknown unit: '{line}'"),
    };

    [GeneratedRegex(@"^(\d+(?:\.\d+)?%)\s+([0-9.]+)(us|ms|s|m|h)$")]
    private static partial Regex DistributionLine();
}
