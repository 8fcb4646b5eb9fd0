using System.Text.Json;
using CheckIn.Faults.Linearizability;
using CheckIn.Faults.Linearizability.Models;

namespace CheckIn.Faults.Harness;

/// <summary>
/// A recorded seat history as a file, one operation a line (<c>artifacts/faults/seat-history.jsonl</c>): what a fault
/// run writes beside its report, and what <c>scripts/faults.sh --recheck FILE</c> reads to check it again.
/// </summary>
internal static class SeatHistoryFile
{
    private sealed record Line(
        string Client,
        string Seat,
        string Command,
        string Passenger,
        string? Status,
        string? Code,
        DateTimeOffset? HoldExpiresAt,
        bool Known,
        DateTimeOffset Invoked,
        DateTimeOffset? Completed);

    public static Task WriteAsync(string path, IEnumerable<Operation<SeatRequest, SeatAnswer>> history) =>
        File.WriteAllLinesAsync(path, history.OrderBy(o => o.Invoked).Select(o => JsonSerializer.Serialize(new Line(
            o.Client,
            o.Input.Seat,
            o.Input.Command.ToString(),
            o.Input.Passenger,
            o.Outcome.IsKnown ? o.Outcome.Output!.Status?.ToString() : null,
            o.Outcome.IsKnown ? o.Outcome.Output!.Code : null,
            o.Outcome.IsKnown ? o.Outcome.Output!.HoldExpiresAt : null,
            o.Outcome.IsKnown,
            o.Invoked,
            o.Outcome.IsKnown ? o.Completed : null))));

    public static List<Operation<SeatRequest, SeatAnswer>> Read(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => ToOperation(JsonSerializer.Deserialize<Line>(l)!))];

    private static Operation<SeatRequest, SeatAnswer> ToOperation(Line line)
    {
        var request = new SeatRequest(line.Seat, Enum.Parse<SeatCommand>(line.Command), line.Passenger);
        if (!line.Known)
        {
            return Operation<SeatRequest, SeatAnswer>.Unanswered(line.Client, request, line.Invoked);
        }
        var answer = new SeatAnswer(line.Status is { } status ? Enum.Parse<SeatPhase>(status) : null, line.HoldExpiresAt, line.Code);
        return Operation<SeatRequest, SeatAnswer>.Answered(line.Client, request, answer, line.Invoked, line.Completed!.Value);
    }
}
