using System.Globalization;
using System.Text.Json.Nodes;
using CheckIn.Bench.Load;

namespace CheckIn.Bench.Results;

/// <summary>A target of the table, what was measured, and whether it was met (null: not measured).</summary>
internal sealed record TargetCheck(string Name, string Wanted, string Measured, bool? Pass)
{
    public string Verdict => Pass switch
    {
        true => "PASS",
        false => "MISS",
        null => "n/a",
    };

    public static TargetCheck AtMost(string name, double measured, double limit, string unit) => new(
        name, F($"<= {limit:0.##} {unit}"), F($"{measured:0.##} {unit}"), measured <= limit);

    public static TargetCheck AtLeast(string name, double measured, double limit, string unit) => new(
        name, F($">= {limit:0.##} {unit}"), F($"{measured:0.##} {unit}"), measured >= limit);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What a scenario reports: operations, targets, correctness checks and its own figures.</summary>
internal sealed class ScenarioReport
{
    public List<OperationSummary> Operations { get; } = [];

    public List<TargetCheck> Targets { get; } = [];

    /// <summary>Correctness (not speed): every one must hold; the smoke tests assert them.</summary>
    public SortedDictionary<string, bool> Checks { get; } = new(StringComparer.Ordinal);

    /// <summary>The scenario's own figures (ratios, lags, RSS...), written beside <c>operations</c>.</summary>
    public JsonObject Figures { get; } = [];

    public List<string> Notes { get; } = [];

    /// <summary>The sampler's time range (seconds) whose host CPU and RSS are reported; null: the whole run.</summary>
    public (double From, double To)? ResourceWindow { get; set; }

    public void Add(params OperationRecorder[] recorders)
    {
        foreach (var recorder in recorders)
        {
            Operations.Add(recorder.Summarize());
        }
    }

    public void Check(string name, bool holds, string? whyNot = null)
    {
        Checks[name] = holds;
        if (!holds && whyNot is not null)
        {
            Notes.Add($"check {name} failed: {whyNot}");
        }
    }
}
