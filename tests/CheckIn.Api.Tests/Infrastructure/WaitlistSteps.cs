using System.Text.Json;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>Waitlist steps over HTTP: tiny flights that fill up quickly, joining, reading an entry, waiting for a status.</summary>
public static class WaitlistSteps
{
    /// <summary>
    /// A flight with one economy cabin of <paramref name="rows"/> rows laid out as <paramref name="columns"/>
    /// ("ABC": A and C window, B middle), departing in 6 hours so check-in (and the waitlist) is open.
    /// </summary>
    public static async Task<string> CreateTinyFlightAsync(this CheckInApi api, string columns = "ABC", int rows = 1, DateTimeOffset? departure = null)
    {
        var flightId = CheckInApi.NewFlightId();
        using var response = await api.AdminPostAsync("/api/admin/flights", new
        {
            flightId,
            origin = "LHR",
            destination = "AMS",
            departure = departure ?? DateTimeOffset.UtcNow.AddHours(6),
            layout = new
            {
                cabins = new object[] { new { cabin = "ECONOMY", firstRow = 1, lastRow = rows, columns } },
                exitRows = Array.Empty<int>(),
                extraLegroomRows = Array.Empty<int>(),
                blockedSeats = Array.Empty<string>(),
                skippedRows = Array.Empty<int>(),
            },
        });
        await CheckInApi.EnsureStatusAsync(response, 201);
        return flightId;
    }

    public static string WaitlistPath(string flightId, string? passengerId = null) =>
        passengerId is null ? $"/api/flights/{flightId}/waitlist" : $"/api/flights/{flightId}/waitlist/{passengerId}";

    public static Task<HttpResponseMessage> JoinAsync(this CheckInApi api, Traveller traveller, string flightId, object body, string? idempotencyKey = null) =>
        api.PostJsonAsync(WaitlistPath(flightId), body, traveller.Token, idempotencyKey);

    /// <summary>Joins and expects <paramref name="status"/> (201 for a new entry, 200 for a repeat); returns the entry.</summary>
    public static async Task<JsonElement> JoinExpectingAsync(this CheckInApi api, Traveller traveller, string flightId, object body, int status = 201)
    {
        using var response = await api.JoinAsync(traveller, flightId, body);
        await CheckInApi.EnsureStatusAsync(response, status);
        return await CheckInApi.ReadJsonAsync(response);
    }

    public static async Task<JsonElement> GetEntryAsync(this CheckInApi api, Traveller traveller, string flightId, string passengerId)
    {
        using var response = await api.GetAsync(WaitlistPath(flightId, passengerId), traveller.Token);
        await CheckInApi.EnsureStatusAsync(response, 200);
        return await CheckInApi.ReadJsonAsync(response);
    }

    public static Task<HttpResponseMessage> LeaveAsync(this CheckInApi api, Traveller traveller, string flightId, string passengerId)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, WaitlistPath(flightId, passengerId));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", traveller.Token);
        return api.Client.SendAsync(request);
    }

    /// <summary>Polls the entry until its status is <paramref name="status"/> (assignments happen one-way, after the release answered).</summary>
    public static Task<JsonElement> WaitForEntryAsync(this CheckInApi api, Traveller traveller, string flightId, string passengerId, string status) =>
        Eventually.Until(() => api.GetEntryAsync(traveller, flightId, passengerId), e => e.GetProperty("status").GetString() == status,
            $"{passengerId}'s waitlist entry on {flightId} to be {status}");

    /// <summary>Polls the seat map (with the traveller's token) until it shows the seat in that status for that passenger.</summary>
    public static Task<JsonElement> WaitForYourSeatAsync(this CheckInApi api, Traveller traveller, string flightId, string passengerId, string seatNumber, string status) =>
        Eventually.Until(() => api.GetSeatMapAsync(flightId, traveller.Token),
            map => map.TryGetProperty("yourSeats", out var seats) && seats.EnumerateArray().Any(s =>
                s.GetProperty("passengerId").GetString() == passengerId && s.GetProperty("seatNumber").GetString() == seatNumber
                && s.GetProperty("status").GetString() == status),
            $"the seat map to show {seatNumber} {status} for {passengerId}");

    public static string SeatStatus(JsonElement map, string seatNumber) =>
        map.GetProperty("seats").EnumerateArray().Single(s => s.GetProperty("seatNumber").GetString() == seatNumber).GetProperty("status").GetString()!;

    public static IReadOnlyList<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
