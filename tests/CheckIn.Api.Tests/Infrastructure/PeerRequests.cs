namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>Requests from a given peer address (through <see cref="TestPeerAddress"/>), optionally via a proxy's X-Forwarded-For or with an API key.</summary>
public sealed record Peer(CheckInApi Api, string Address, string? ForwardedFor = null, string? ApiKey = null)
{
    public Task<HttpResponseMessage> GetAsync(string path, string? adminKey = null) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path), adminKey: adminKey);

    public Task<HttpResponseMessage> SeatMapAsync(string flightId) => GetAsync($"/api/flights/{flightId}/seatmap");

    public Task<HttpResponseMessage> PostAsync(string path, object body, string? token = null, string? adminKey = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = CheckInApi.JsonBody(body) }, token, adminKey);

    public Task<HttpResponseMessage> DeleteAsync(string path, string? adminKey = CheckInApi.DevAdminKey) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), adminKey: adminKey);

    public Task<HttpResponseMessage> SignInAsync(string pnr = "ZZZZZZ", string lastName = "Nobody") =>
        PostAsync("/api/sessions", new { pnr, lastName });

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? token = null, string? adminKey = null)
    {
        request.Headers.Add(TestPeerAddress.Header, Address);
        if (ForwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", ForwardedFor);
        }
        if (ApiKey is not null)
        {
            request.Headers.Add("X-Api-Key", ApiKey);
        }
        return Api.SendAsync(request, token, adminKey: adminKey);
    }
}
