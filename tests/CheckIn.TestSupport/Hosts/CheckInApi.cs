using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CheckIn.TestSupport.Hosts;

/// <summary>The REST calls host-process tests make, as a passenger or an airline admin would make them.</summary>
public sealed class CheckInApi(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A small flight (rows 1-5, ABC_DEF) and one booking with two passengers on it, plus their session.</summary>
    public async Task<TestBooking> CreateBookingAsync(string flightId = "HP100", string pnr = "HPT001", DateTimeOffset? departure = null)
    {
        using var flight = new HttpRequestMessage(HttpMethod.Post, "/api/admin/flights")
        {
            Content = JsonContent.Create(new
            {
                flightId,
                origin = "OSL",
                destination = "BGO",
                departure = departure ?? DateTimeOffset.UtcNow.AddDays(1),
                layout = new { cabins = new[] { new { cabin = "ECONOMY", firstRow = 1, lastRow = 5, columns = "ABC_DEF" } } },
            }),
        };
        flight.Headers.Add("X-Admin-Key", HostSettings.TestAdminKey);
        (await SendAsync(flight)).Expect(HttpStatusCode.Created);

        using var booking = new HttpRequestMessage(HttpMethod.Post, "/api/admin/bookings")
        {
            Content = JsonContent.Create(new
            {
                pnr,
                passengers = new[] { new { firstName = "Ada", lastName = "Byron" }, new { firstName = "Allegra", lastName = "Byron" } },
                flights = new[] { flightId },
            }),
        };
        booking.Headers.Add("X-Admin-Key", HostSettings.TestAdminKey);
        (await SendAsync(booking)).Expect(HttpStatusCode.Created);

        var session = (await PostAsync("/api/sessions", new { pnr, lastName = "Byron" })).Expect(HttpStatusCode.Created).Read<Session>();
        return new TestBooking(flightId, pnr, session.Passengers[0].PassengerId, session.Passengers[1].PassengerId, session.Token);
    }

    /// <summary>A booking of <paramref name="passengers"/> passengers on an existing flight, and its session.</summary>
    public async Task<TestSession> CreateSessionAsync(string flightId, string pnr, int passengers)
    {
        (await AdminPostAsync("/api/admin/bookings", new
        {
            pnr,
            passengers = Enumerable.Range(1, passengers).Select(i => new { firstName = $"Pax{i}", lastName = "Lovelace" }).ToArray(),
            flights = new[] { flightId },
        })).Expect(HttpStatusCode.Created);
        var session = (await PostAsync("/api/sessions", new { pnr, lastName = "Lovelace" })).Expect(HttpStatusCode.Created).Read<Session>();
        var ids = session.Passengers.Select(p => p.PassengerId).ToList();
        return new TestSession(new TestBooking(flightId, pnr, ids[0], ids.Count > 1 ? ids[1] : ids[0], session.Token), ids);
    }

    public async Task<ApiResponse> AdminPostAsync(string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Admin-Key", HostSettings.TestAdminKey);
        return await SendAsync(request);
    }

    /// <summary><c>POST /api/flights/{f}/seats/{s}/{command}</c> with <c>{passengerId}</c> as the booking's session.</summary>
    public async Task<ApiResponse> SeatCommandAsync(string command, TestBooking booking, string seat, string passengerId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flights/{booking.FlightId}/seats/{seat}/{command}")
        {
            Content = JsonContent.Create(new { passengerId }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", booking.Token);
        return await SendAsync(request);
    }

    public async Task<SeatMapSeat> SeatAsync(string flightId, string seat)
    {
        var map = (await GetAsync($"/api/flights/{flightId}/seatmap")).Expect(HttpStatusCode.OK).Read<SeatMap>();
        return map.Seats.Single(s => s.SeatNumber == seat);
    }

    public async Task<IReadOnlyList<SeatEvent>> SeatEventsAsync(string flightId, string seat)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/admin/flights/{flightId}/events?seat={seat}");
        request.Headers.Add("X-Admin-Key", HostSettings.TestAdminKey);
        return (await SendAsync(request)).Expect(HttpStatusCode.OK).Read<List<SeatEvent>>();
    }

    public Task<ApiResponse> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>A passenger request with the booking's session token (a body, or none).</summary>
    public async Task<ApiResponse> PassengerAsync(HttpMethod method, string path, TestBooking booking, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", booking.Token);
        return await SendAsync(request);
    }

    public async Task<ApiResponse> AdminGetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Admin-Key", HostSettings.TestAdminKey);
        return await SendAsync(request);
    }

    /// <summary>A read of the Orleans dashboard's API, with its credential (HTTP Basic, the admin key as password).</summary>
    public async Task<ApiResponse> DashboardGetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"tests:{HostSettings.TestAdminKey}")));
        return await SendAsync(request);
    }

    /// <summary>A POST of a raw JSON body, without any credential (e.g. a webhook without a valid signature).</summary>
    public Task<ApiResponse> PostRawAsync(string path, string json) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") });

    /// <summary>A GET as the client of an <c>X-Api-Key</c> (abuse protection counts it as <c>key:{Name}</c>).</summary>
    public async Task<ApiResponse> GetWithApiKeyAsync(string path, string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", apiKey);
        return await SendAsync(request);
    }

    private Task<ApiResponse> PostAsync(string path, object body) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) });

    private async Task<ApiResponse> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await http.SendAsync(request);
            return new ApiResponse(request.Method, request.RequestUri!, response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }
}

public sealed record TestBooking(string FlightId, string Pnr, string FirstPassenger, string SecondPassenger, string Token);

/// <summary>A booking's session and all its passenger ids, in booking order.</summary>
public sealed record TestSession(TestBooking Booking, IReadOnlyList<string> Passengers);

/// <summary>A response kept as text, so a failed expectation can show what the host really said.</summary>
public sealed record ApiResponse(HttpMethod Method, Uri Path, HttpStatusCode Status, string Body)
{
    /// <summary>The problem's stable <c>code</c>, for error responses.</summary>
    public string? Code
    {
        get
        {
            using var problem = JsonDocument.Parse(Body);
            return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
    }

    public ApiResponse Expect(HttpStatusCode status)
    {
        Assert.True(Status == status, $"expected {(int)status} from {this}");
        return this;
    }

    public T Read<T>() => JsonSerializer.Deserialize<T>(Body, CheckInApi.Json)
        ?? throw new InvalidOperationException($"{this} has no {typeof(T).Name} body");

    public override string ToString() => $"{Method} {Path} -> {(int)Status} {Body}";
}

public sealed record SessionPassenger(string PassengerId);

public sealed record Session(string Token, IReadOnlyList<SessionPassenger> Passengers);

public sealed record SeatResult(string SeatNumber, string Status, string? PassengerId, DateTimeOffset? HoldExpiresAt);

public sealed record SeatMapSeat(string SeatNumber, string Status, DateTimeOffset? HoldExpiresAt);

public sealed record SeatMap(long Version, IReadOnlyList<SeatMapSeat> Seats);

public sealed record SeatEvent(Guid EventId, string SeatNumber, string From, string To, string? PassengerId, string Actor, string Reason, DateTimeOffset At, long SeatVersion);
