using System.Text.Json;
using System.Text.Json.Serialization;

namespace CheckIn.Faults.Harness;

public sealed record Percentiles(double P50, double P99, double Max, int Count);

public sealed record RecoverySeconds(double? KilledSeatsAnswer, double? NewAddressReady, double? SameAddressReady, double? TerminatedReady);

/// <summary>artifacts/faults/report.json: what a run did and found (README "Fault suite" explains each field).</summary>
public sealed record FaultReport(
    int Seed,
    string Profile,
    DateTimeOffset FinishedAt,
    double RunSeconds,
    int Operations,
    IReadOnlyDictionary<string, int> OperationsByKind,
    IReadOnlyDictionary<string, int> Outcomes,
    IReadOnlyDictionary<string, int> Refusals,
    IReadOnlyList<FaultRecord> Faults,
    IReadOnlyList<string> Anomalies,
    IReadOnlyList<string> SupervisorRestarts,
    int Status500,
    IReadOnlyDictionary<string, int> Status5xxByCode,
    RecoverySeconds RecoverySeconds,
    Percentiles ExpiryLagMs,
    string Linearizability,
    int SeatOperationsChecked,
    double CheckerSeconds,
    int ConfirmsChecked,
    int PaymentsChecked,
    int WaitlistAssignments,
    int MovesWithTwoSeatsForAMoment)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static FaultReport Create(FaultProfile profile, int seed, IReadOnlyList<Call> calls, IReadOnlyList<FaultRecord> faults,
        CheckOutcome checks, IReadOnlyList<string> supervisorRestarts, TimeSpan elapsed)
    {
        var run = calls.Where(c => c.Worker != "setup").ToList();
        var fiveHundreds = run.Where(c => c.Status >= 500).GroupBy(c => $"{c.Status} {c.Code ?? "(no code)"}")
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new FaultReport(
            seed,
            profile.Name,
            DateTimeOffset.UtcNow,
            Math.Round(elapsed.TotalSeconds, 1),
            run.Count,
            run.GroupBy(c => c.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            run.GroupBy(c => $"{c.Kind} {c.Outcome}").OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            run.Where(c => c.Outcome != CallOutcome.Ok).GroupBy(c => $"{c.Kind} {c.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} {c.Code}")
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            faults,
            checks.Anomalies,
            supervisorRestarts,
            run.Count(c => c.Status == 500),
            fiveHundreds,
            new RecoverySeconds(
                MaxOf(faults.Select(f => f.KilledSeatsAnswerSeconds)),
                MaxOf(faults.Where(f => f.Kind == nameof(FaultKind.KillRestartNewAddress)).Select(f => f.ReadySeconds)),
                MaxOf(faults.Where(f => f.Kind == nameof(FaultKind.KillRestartSameAddress)).Select(f => f.ReadySeconds)),
                MaxOf(faults.Where(f => f.Kind == nameof(FaultKind.TerminateRestart)).Select(f => f.ReadySeconds))),
            PercentilesOf(checks.ExpiryLagsMs),
            checks.Linearizability,
            checks.SeatOperations,
            checks.CheckerSeconds,
            checks.ConfirmsChecked,
            checks.PaymentsChecked,
            checks.WaitlistAssignments,
            checks.MovesWithTwoSeats);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    private static double? MaxOf(IEnumerable<double?> values) => values.Where(v => v.HasValue).Select(v => v!.Value).DefaultIfEmpty(double.NaN).Max() is var max && double.IsNaN(max) ? null : max;

    private static Percentiles PercentilesOf(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return new Percentiles(0, 0, 0, 0);
        }
        var sorted = values.Order().ToList();
        double At(double q) => Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)], 0);
        return new Percentiles(At(0.50), At(0.99), Math.Round(sorted[^1], 0), sorted.Count);
    }
}
