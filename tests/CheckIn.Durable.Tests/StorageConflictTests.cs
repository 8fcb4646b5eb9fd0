using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Durable.Tests.Infrastructure;
using Orleans.Storage;
using Orleans.TestingHost;

namespace CheckIn.Durable.Tests;

/// <summary>
/// Two activations of one seat grain writing at once, on the real PostgreSQL grain storage. Two clusters with the
/// same service id and database but separate membership each activate the same seat key (what a split brain or a
/// directory that lost an entry would give); both load the same row, then both hold the seat for different
/// passengers. The ETag lets exactly one write land: the other fails with <see cref="InconsistentStateException"/>
/// (the API's 503) and leaves nothing behind, neither in the state row nor in the audit table.
/// </summary>
[Collection(DurableCollection.Name)]
public sealed class StorageConflictTests(DurableServicesFixture services)
{
    private const int Races = 8;

    [Fact]
    public async Task Two_activations_holding_one_seat_at_once_leave_exactly_the_winners_hold()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        var serviceId = $"svc-{Guid.NewGuid():N}";
        await using var left = await TestClusters.StartAsync(db, serviceId);
        var flightId = await CreateFlightAsync(left.Client);
        // Every other seat already has a row (a hold and a release by someone else): the race is then on an UPDATE
        // with a version, otherwise on the first INSERT. Written before the second cluster starts: its seat map may
        // activate seats at any moment (its sweep), and one activated between that hold and release would keep a
        // HELD it read, which is this test's setup, not the race it is about.
        for (var i = 0; i < Races; i += 2)
        {
            await HoldThenReleaseAsync(left.Client, flightId, $"{i + 1}C", $"EARLY{i}-1");
        }
        await using var right = await TestClusters.StartAsync(db, serviceId);
        var winners = new List<(string Seat, string Passenger)>();

        for (var i = 0; i < Races; i++)
        {
            var seatNumber = $"{i + 1}C";
            winners.Add((seatNumber, await RaceAsync(db, left, right, flightId, seatNumber, $"LEFT{i}-1", $"RIGHT{i}-1")));
        }

        // Fresh activations (a third cluster on the same service) read every winner.
        await using var fresh = await TestClusters.StartAsync(db, serviceId);
        foreach (var (seatNumber, winner) in winners)
        {
            var read = Ok(await fresh.Client.GetSeatGrain(flightId, seatNumber).GetAsync());
            Assert.Equal((SeatStatus.Held, winner), (read.Status, read.PassengerId));
        }
    }

    private static async Task<string> RaceAsync(string db, InProcessTestCluster left, InProcessTestCluster right, string flightId, string seatNumber, string leftPassenger, string rightPassenger)
    {
        var seats = new[] { left.Client.GetSeatGrain(flightId, seatNumber), right.Client.GetSeatGrain(flightId, seatNumber) };
        // Both activations load the same row (and ETag) before either writes.
        foreach (var seat in seats)
        {
            Assert.Equal(SeatStatus.Available, Ok(await seat.GetAsync()).Status);
        }
        var activations = new[] { ActivationOf(left, seats[0]), ActivationOf(right, seats[1]) };
        Assert.True(activations.All(a => a is not null), "each cluster has its own activation of the seat");

        var passengers = new[] { leftPassenger, rightPassenger };
        using var start = new Barrier(2);
        var outcomes = await Task.WhenAll(seats.Select((seat, n) => Task.Run(async () =>
        {
            start.SignalAndWait();
            try
            {
                return (Result: await seat.HoldAsync(passengers[n], Context(passengers[n])), Failure: (Exception?)null);
            }
            catch (Exception ex)
            {
                return (Result: (Result<SeatSnapshot>?)null, Failure: ex);
            }
        })));

        var won = Assert.Single(Enumerable.Range(0, 2), n => outcomes[n].Failure is null);
        var lost = 1 - won;
        Assert.True(outcomes[won].Result!.IsSuccess, outcomes[won].Result!.Error?.Detail);
        Assert.True(IsConflict(outcomes[lost].Failure!), $"the losing hold failed with {outcomes[lost].Failure}");

        var winner = passengers[won];
        var loser = passengers[lost];

        // The row holds the winner's hold, and only the winner's transition reached the audit table.
        var payload = await Db.ScalarAsync<string>(db,
            "SELECT convert_from(payload, 'UTF8') FROM orleans_grain_state WHERE grain_id_extension = @key",
            ("key", GrainKeys.Compound(flightId, seatNumber)));
        Assert.Contains(winner, payload, StringComparison.Ordinal);
        Assert.DoesNotContain(loser, payload, StringComparison.Ordinal);
        Assert.Equal(["AVAILABLE>HELD " + winner], await AuditAsync(db, flightId, seatNumber, winner, loser));

        // Orleans deactivates an activation that lets an InconsistentStateException escape (the seat grain also
        // reloads its state before rethrowing, for a command that reaches it first). A reminder tick or the seat
        // map's sweep may start a new activation at once: what matters is that the stale one is gone.
        var loserCluster = lost == 0 ? left : right;
        await Eventually.TrueAsync(() => ActivationOf(loserCluster, seats[lost]) != activations[lost], "the losing activation to be deactivated");

        // The losing side answers from storage on its next command: it shows the winner and refuses its own hold.
        var again = Ok(await seats[lost].GetAsync());
        Assert.Equal((SeatStatus.Held, winner), (again.Status, again.PassengerId));
        var retried = await seats[lost].HoldAsync(loser, Context(loser));
        Assert.False(retried.IsSuccess, "the loser's retry must not take a seat the winner holds");
        Assert.Equal(FailureCode.SeatUnavailable, retried.Error.Code);
        Assert.Equal(["AVAILABLE>HELD " + winner], await AuditAsync(db, flightId, seatNumber, winner, loser));
        return winner;
    }

    private static async Task HoldThenReleaseAsync(IGrainFactory grains, string flightId, string seatNumber, string passenger)
    {
        var seat = grains.GetSeatGrain(flightId, seatNumber);
        Assert.True((await seat.HoldAsync(passenger, Context(passenger))).IsSuccess);
        Assert.True((await seat.ReleaseAsync(passenger, Context(passenger))).IsSuccess);
    }

    /// <summary>The seat's audit records of the two racers (from>to passenger), oldest first.</summary>
    private static Task<List<string>> AuditAsync(string db, string flightId, string seatNumber, string winner, string loser) =>
        Db.StringsAsync(db,
            "SELECT from_status || '>' || to_status || ' ' || passenger_id FROM seat_events " +
            "WHERE flight_id = @flight AND seat_number = @seat AND passenger_id IN (@winner, @loser) ORDER BY seat_version, occurred_at",
            ("flight", flightId), ("seat", seatNumber), ("winner", winner), ("loser", loser));

    private static async Task<string> CreateFlightAsync(IGrainFactory grains)
    {
        var flightId = $"ETG{Random.Shared.Next(10_000, 100_000)}";
        var layout = new SeatLayout([new CabinSection(Cabin.Economy, 1, 10, "ABC_DEF")], [], [], [], []);
        var created = await grains.GetFlightGrain(flightId).CreateAsync(new FlightDefinition(flightId, "LHR", "CDG", DateTimeOffset.UtcNow.AddDays(2), layout));
        Assert.True(created.IsSuccess, created.Error?.Detail);
        return flightId;
    }

    private static SeatSnapshot Ok(Result<SeatSnapshot> result)
    {
        Assert.True(result.IsSuccess, $"expected success, got {result.Error?.Code}: {result.Error?.Detail}");
        return result.Value;
    }

    private static CommandContext Context(string passenger) => new($"passenger:{passenger}", "test", Guid.NewGuid().ToString("N"));

    private static ActivationId? ActivationOf(InProcessTestCluster cluster, IAddressable grain) =>
        cluster.TryGetGrainContext(grain.GetGrainId(), out var context) ? context.ActivationId : null;

    /// <summary>Orleans may hand the storage's exception on as it is or wrapped; the API maps both to 503.</summary>
    private static bool IsConflict(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is InconsistentStateException)
            {
                return true;
            }
        }
        return false;
    }
}
