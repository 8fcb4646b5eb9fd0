using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CheckIn.Payments;
using Microsoft.AspNetCore.TestHost;

namespace CheckIn.Payments.Tests.Support;

/// <summary>A fresh standalone simulator per test, on TestServer; its webhooks go over real HTTP.</summary>
internal sealed class Simulator(WebApplication app) : IAsyncDisposable
{
    public const string Secret = "test-webhook-secret-0123456789abcdefghij";

    /// <summary>Nothing listens on the discard port: deliveries fail fast and retry in the background.</summary>
    public static readonly Uri Nowhere = new("http://127.0.0.1:9/hooks");

    public HttpClient Client { get; } = app.GetTestClient();

    public static async Task<Simulator> StartAsync(Uri? webhookUrl = null, TimeProvider? time = null, int maxAttempts = 8, ILoggerProvider? logs = null)
    {
        var app = PaymentSimulatorApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders();
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
            }
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["PaymentSimulator:WebhookUrl"] = (webhookUrl ?? Nowhere).ToString(),
                ["PaymentSimulator:WebhookSecret"] = Secret,
                ["PaymentSimulator:MaxDeliveryAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }
        });
        await app.StartAsync();
        return new Simulator(app);
    }

    public static object Body(decimal amount = 50.00m, string currency = "EUR", string reference = "SH101/ABC123-1") =>
        new { amount, currency, reference, description = "Overweight bag 0123456789" };

    public async Task<JsonNode> CreateIntentAsync(string reference = "SH101/ABC123-1")
    {
        using var response = await Client.PostAsJsonAsync("/api/intents", Body(reference: reference));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await Http.ReadJsonAsync(response);
    }

    public async Task<JsonNode> TransitionAsync(string intentId, string action, string query = "")
    {
        using var response = await Client.PostAsync($"/api/intents/{intentId}/{action}{query}", null);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await Http.ReadJsonAsync(response);
    }

    public async Task<JsonArray> EventsAsync() => (JsonArray)await Http.GetJsonAsync(Client, "/api/events");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Disposes the host without stopping it first: its background services are cancelled, not stopped.</summary>
    public async ValueTask DisposeWithoutStopAsync()
    {
        Client.Dispose();
        await app.DisposeAsync();
    }
}

internal static class Http
{
    public static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("Empty JSON body.");

    public static async Task<JsonNode> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    public static StringContent Json(string raw) => new(raw, Encoding.UTF8, "application/json");

    /// <summary>Asserts an RFC 7807 response with the given status and code that names <paramref name="field"/>.</summary>
    public static async Task AssertProblemAsync(HttpResponseMessage response, int status, string code, string field)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        Assert.Equal(code, (string?)problem["code"]);
        Assert.Equal(status, (int?)problem["status"]);
        Assert.Equal(field, (string?)problem["field"]);
        Assert.NotEmpty(problem["errors"]![field]!.AsArray());
    }
}
