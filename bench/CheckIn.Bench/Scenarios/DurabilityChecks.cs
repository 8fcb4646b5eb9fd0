using System.Text.Json.Nodes;
using CheckIn.Bench.Api;

namespace CheckIn.Bench.Scenarios;

/// <summary>Reads back confirmed seats: from the seat maps, from the audit trail and, when it can, after a crash.</summary>
internal static class DurabilityChecks
{
    private const int AuditSample = 50;
    private const int RestartFlights = 4;

    public static async Task VerifyAsync(BenchContext ctx, IReadOnlyList<PassengerSlot> confirmed)
    {
        var report = ctx.Report;
        ctx.Progress.Phase("verify: confirmed seats in the maps");
        var missing = await MissingFromMapsAsync(ctx, confirmed);
        report.Check("every confirmed seat shows CONFIRMED in the seat map", missing == 0, $"{missing} confirmed seats are not CONFIRMED");

        ctx.Progress.Phase("verify: audit trail sample");
        var sample = confirmed.OrderBy(_ => Random.Shared.Next()).Take(AuditSample).ToList();
        var unaudited = 0;
        foreach (var slot in sample)
        {
            var events = await ctx.Admin.SeatEventsAsync(slot.FlightId, slot.SeatNumber, ctx.Cancellation);
            if (events.Count == 0 || events[^1].To != "CONFIRMED" || events[^1].PassengerId != slot.PassengerId)
            {
                unaudited++;
            }
        }
        report.Check("audit trail ends in CONFIRMED for a sample of confirmed seats", unaudited == 0, $"{unaudited} of {sample.Count} not audited");
        var durability = new JsonObject { ["confirmedChecked"] = confirmed.Count, ["auditSample"] = sample.Count };

        if (ctx.Target.CanRestart && confirmed.Count > 0)
        {
            ctx.Progress.Phase("verify: kill -9 the host, start it again");
            await ctx.Target.RestartAfterCrashAsync(ctx.Cancellation);
            var flights = confirmed.Select(s => s.FlightId).Distinct().Take(RestartFlights).ToHashSet(StringComparer.Ordinal);
            var afterCrash = confirmed.Where(s => flights.Contains(s.FlightId)).ToList();
            var lost = await MissingFromMapsAsync(ctx, afterCrash);
            report.Check("after kill -9 and restart every confirmed seat is still CONFIRMED", lost == 0, $"{lost} of {afterCrash.Count} lost");
            durability["afterRestartChecked"] = afterCrash.Count;
            durability["afterRestartLost"] = lost;
        }
        report.Figures["durability"] = durability;
    }

    private static async Task<int> MissingFromMapsAsync(BenchContext ctx, IReadOnlyList<PassengerSlot> confirmed)
    {
        var missing = 0;
        foreach (var flight in confirmed.GroupBy(s => s.FlightId))
        {
            var map = await ctx.Admin.ReadSeatMapAsync(flight.Key, ctx.Cancellation);
            missing += flight.Count(s => !map.Seats.TryGetValue(s.SeatNumber, out var seat) || seat.Status != "CONFIRMED");
        }
        return missing;
    }
}
