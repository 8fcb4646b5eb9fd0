using CheckIn.Api.Tests.Infrastructure;
using static CheckIn.Api.Tests.Infrastructure.WaitlistSteps;

namespace CheckIn.Api.Tests;

/// <summary>A booking's notifications: the list for clients that were offline and the server-sent event stream.</summary>
[Collection(ApiCollection.Name)]
public sealed class NotificationsApiTests(ApiFixture fixture)
{
    private const string Path = "/api/notifications";

    private readonly CheckInApi _api = fixture.Api;

    [Fact]
    public async Task The_stream_delivers_the_seat_assignment_as_it_happens_and_resumes_after_Last_Event_ID()
    {
        var flightId = await _api.CreateTinyFlightAsync();
        var (a, b, c) = (await _api.NewTravellerAsync(flightId), await _api.NewTravellerAsync(flightId), await _api.NewTravellerAsync(flightId));
        await _api.HoldAsync(a, flightId, "1A");
        await _api.HoldAsync(c, flightId, "1C");
        await _api.HoldAsync(b, flightId, "1B");
        await using var stream = await EventStream.OpenAsync(_api.Client, $"{Path}/stream", b.Token);
        await CheckInApi.EnsureStatusAsync(stream.Response, 200);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);

        var entry = await _api.JoinExpectingAsync(b, flightId, new { passengerId = b.PassengerId, position = "WINDOW" });
        var joined = await stream.NextAsync();
        Assert.Equal(("1", "WAITLIST_JOINED"), (joined.Id, joined.Type));
        Assert.Equal(entry.GetProperty("entryId").GetInt64(), joined.Data.GetProperty("entryId").GetInt64());

        using (var release = await _api.SeatCommandAsync(a, flightId, "1A", "release"))
        {
            await CheckInApi.EnsureStatusAsync(release, 200);
        }

        var assigned = await stream.NextAsync();
        Assert.Equal(("2", "SEAT_ASSIGNED"), (assigned.Id, assigned.Type));
        var data = assigned.Data;
        Assert.Equal((2L, "SEAT_ASSIGNED", flightId, b.Pnr), (data.GetProperty("sequence").GetInt64(), data.GetProperty("type").GetString(),
            data.GetProperty("flightId").GetString(), data.GetProperty("pnr").GetString()));
        Assert.Equal(["1A"], Strings(data.GetProperty("seats")));
        Assert.Equal([b.PassengerId], Strings(data.GetProperty("passengerIds")));
        Assert.Contains("1A", data.GetProperty("message").GetString(), StringComparison.Ordinal);
        await _api.WaitForEntryAsync(b, flightId, b.PassengerId, "ASSIGNED");

        // A client that saw event 1 reconnects: the stream starts after it.
        await using (var resumed = await EventStream.OpenAsync(_api.Client, $"{Path}/stream?after=0", b.Token, lastEventId: "1"))
        {
            await CheckInApi.EnsureStatusAsync(resumed.Response, 200);
            var first = await resumed.NextAsync();
            Assert.Equal(("2", "SEAT_ASSIGNED"), (first.Id, first.Type));
        }
        // ?after= works the same for a first connection; a fresh stream replays everything.
        await using (var fresh = await EventStream.OpenAsync(_api.Client, $"{Path}/stream?after=1", b.Token))
        {
            Assert.Equal("2", (await fresh.NextAsync()).Id);
        }
        await using (var everything = await EventStream.OpenAsync(_api.Client, $"{Path}/stream", b.Token))
        {
            Assert.Equal(["1", "2"], [(await everything.NextAsync()).Id!, (await everything.NextAsync()).Id!]);
        }
    }

    [Fact]
    public async Task The_list_shows_what_happened_while_the_client_was_away()
    {
        var flightId = await _api.CreateTinyFlightAsync();
        var (a, b) = (await _api.NewTravellerAsync(flightId), await _api.NewTravellerAsync(flightId));
        var stranger = await _api.NewTravellerAsync(flightId);
        await _api.HoldAsync(a, flightId, "1A");
        await _api.HoldAsync(stranger, flightId, "1C");
        await _api.HoldAsync(b, flightId, "1B");
        var entry = await _api.JoinExpectingAsync(b, flightId, new { passengerId = b.PassengerId, position = "WINDOW" });
        using (var release = await _api.SeatCommandAsync(a, flightId, "1A", "release"))
        {
            await CheckInApi.EnsureStatusAsync(release, 200);
        }
        await _api.WaitForEntryAsync(b, flightId, b.PassengerId, "ASSIGNED");

        var all = await Eventually.Until(() => ListAsync(b, ""), n => n.Count == 2, "two notifications");

        Assert.Equal(["WAITLIST_JOINED", "SEAT_ASSIGNED"], all.Select(n => n.GetProperty("type").GetString()));
        Assert.Equal([1L, 2L], all.Select(n => n.GetProperty("sequence").GetInt64()));
        Assert.All(all, n => Assert.Equal(entry.GetProperty("entryId").GetInt64(), n.GetProperty("entryId").GetInt64()));
        Assert.Equal(["1A"], Strings(all[1].GetProperty("seats")));
        Assert.NotEqual(all[0].GetProperty("id").GetGuid(), all[1].GetProperty("id").GetGuid());
        Assert.Equal(["SEAT_ASSIGNED"], (await ListAsync(b, "?after=1")).Select(n => n.GetProperty("type").GetString()));
        Assert.Equal(["WAITLIST_JOINED"], (await ListAsync(b, "?after=0&limit=1")).Select(n => n.GetProperty("type").GetString()));
        Assert.Empty(await ListAsync(stranger, ""));
    }

    [Fact]
    public async Task Bad_requests_name_the_field()
    {
        var flightId = await _api.CreateTinyFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);

        await ProblemAssert.IsProblemAsync(await _api.GetAsync($"{Path}?limit=0", traveller.Token), 400, "VALIDATION_FAILED", "limit");
        await ProblemAssert.IsProblemAsync(await _api.GetAsync($"{Path}?limit=201", traveller.Token), 400, "VALIDATION_FAILED", "limit");
        await ProblemAssert.IsProblemAsync(await _api.GetAsync($"{Path}?after=-1", traveller.Token), 400, "VALIDATION_FAILED", "after");
        await ProblemAssert.IsProblemAsync(await _api.GetAsync($"{Path}?limit=many", traveller.Token), 400, "MALFORMED_REQUEST");
        await ProblemAssert.IsProblemAsync(await _api.GetAsync(Path), 401, "UNAUTHENTICATED");
        await ProblemAssert.IsProblemAsync(await _api.GetAsync($"{Path}/stream"), 401, "UNAUTHENTICATED");
        await ProblemAssert.IsProblemAsync(await _api.GetAsync($"{Path}/stream?after=-1", traveller.Token), 400, "VALIDATION_FAILED", "after");
        await using var stream = await EventStream.OpenAsync(_api.Client, $"{Path}/stream", traveller.Token, lastEventId: "abc");
        await ProblemAssert.IsProblemAsync(stream.Response, 400, "VALIDATION_FAILED", "Last-Event-ID");
    }

    private async Task<List<System.Text.Json.JsonElement>> ListAsync(Traveller traveller, string query)
    {
        using var response = await _api.GetAsync(Path + query, traveller.Token);
        await CheckInApi.EnsureStatusAsync(response, 200);
        return [.. (await CheckInApi.ReadJsonAsync(response)).GetProperty("notifications").EnumerateArray()];
    }
}
