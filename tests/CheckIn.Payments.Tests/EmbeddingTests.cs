using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CheckIn.Payments.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Options;

namespace CheckIn.Payments.Tests;

/// <summary>
/// The check-in host's shape: its own JSON conventions, the simulator under <c>/sim/payments</c>, and webhooks sent
/// over real HTTP to its own <c>/api/payments/webhook</c> once it knows where it listens.
/// </summary>
public sealed class EmbeddingTests
{
    private enum ProbeState
    {
        WaitingForPayment,
    }

    private sealed record Probe(ProbeState CheckInState);

    [Fact]
    public async Task The_wire_format_and_webhooks_are_unchanged_under_a_host_prefix()
    {
        var received = new ConcurrentQueue<(WebhookCheck Check, PaymentWebhookEvent? Event)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PaymentSimulator:WebhookSecret"] = Simulator.Secret,
        });
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper));
        });
        builder.Services.AddPaymentSimulator(builder.Configuration.GetSection("PaymentSimulator"));
        builder.Services.PostConfigure<PaymentSimulatorOptions>(o =>
            o.WebhookUrlResolver = PaymentSimulatorOptions.ServerAddress("/api/payments/webhook"));
        await using var host = builder.Build();
        host.MapPaymentSimulator("/sim/payments");
        host.MapGet("/probe", () => new Probe(ProbeState.WaitingForPayment));
        host.MapPost("/api/payments/webhook", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var check = WebhookSignature.Verify(Simulator.Secret, request.Headers[WebhookSignature.TimestampHeader],
                request.Headers[WebhookSignature.SignatureHeader], body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
            received.Enqueue((check, JsonSerializer.Deserialize<PaymentWebhookEvent>(body, PaymentJson.Options)));
            return Results.Ok();
        });
        await host.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(host.Urls.Single()) };

        // The host's own endpoints really do use other conventions...
        Assert.Equal("""{"check_in_state":"WAITING_FOR_PAYMENT"}""", await client.GetStringAsync("/probe"));

        // ...while the simulator's do not.
        using var created = await client.PostAsJsonAsync("/sim/payments/api/intents", Simulator.Body());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var intent = await Http.ReadJsonAsync(created);
        var id = (string)intent["id"]!;
        Assert.Equal($"/sim/payments/api/intents/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("REQUIRES_PAYMENT", (string?)intent["status"]);
        Assert.Equal($"/sim/payments/pay/{id}", (string?)intent["payUrl"]);
        Assert.NotNull(intent["createdAt"]);

        using var invalid = await client.PostAsync("/sim/payments/api/intents", Http.Json("""{ "amount": 0, "currency": "EUR", "reference": "R" }"""));
        await Http.AssertProblemAsync(invalid, 400, "INVALID_AMOUNT", "amount");

        var page = await client.GetStringAsync($"/sim/payments/pay/{id}");
        Assert.Contains($"action=\"/sim/payments/pay/{id}/pay\"", page, StringComparison.Ordinal);

        var paid = await client.PostAsync($"/sim/payments/api/intents/{id}/pay", null);
        Assert.Equal("SUCCEEDED", (string?)(await Http.ReadJsonAsync(paid))["status"]);

        await Eventually.TrueAsync(() => !received.IsEmpty, "the webhook reaches the host");
        var (check, evt) = Assert.Single(received);
        Assert.Equal(WebhookCheck.Valid, check);
        Assert.Equal(id, evt!.IntentId);
        Assert.Equal(PaymentOutcome.Succeeded, evt.Outcome);
        var events = JsonNode.Parse(await client.GetStringAsync("/sim/payments/api/events"))!.AsArray();
        Assert.Equal("SUCCEEDED", (string?)events[0]!["event"]!["outcome"]);
        Assert.Equal(id, (string?)events[0]!["event"]!["intentId"]);
        Assert.Equal("Healthy", (string?)(await Http.GetJsonAsync(client, "/sim/payments/health"))["status"]);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/api/payments/webhook")]
    [InlineData("http://[::]:5080", "http://localhost:5080/api/payments/webhook")]
    [InlineData("http://+:80", "http://localhost/api/payments/webhook")]
    [InlineData("https://*:7001", "https://localhost:7001/api/payments/webhook")]
    public void The_server_address_resolver_turns_listen_addresses_into_a_callable_url(string listening, string expected)
    {
        var services = new ServiceCollection().AddSingleton<IServer>(new ListeningServer(listening)).BuildServiceProvider();

        var url = PaymentSimulatorOptions.ServerAddress("/api/payments/webhook")(services);

        Assert.Equal(new Uri(expected), url);
    }

    [Fact]
    public void The_server_address_resolver_prefers_http_and_waits_for_an_address()
    {
        var both = new ServiceCollection().AddSingleton<IServer>(new ListeningServer("https://localhost:7001", "http://localhost:5080")).BuildServiceProvider();
        var none = new ServiceCollection().AddSingleton<IServer>(new ListeningServer()).BuildServiceProvider();

        Assert.Equal(new Uri("http://localhost:5080/hook"), PaymentSimulatorOptions.ServerAddress("/hook")(both));
        Assert.Null(PaymentSimulatorOptions.ServerAddress("/hook")(none));
    }

    [Theory]
    [InlineData(null, "http://localhost/hook", "PaymentSimulator:WebhookSecret")]
    [InlineData("too-short", "http://localhost/hook", "PaymentSimulator:WebhookSecret")]
    [InlineData(Simulator.Secret, null, "PaymentSimulator:WebhookUrl")]
    [InlineData(Simulator.Secret, "ftp://localhost/hook", "PaymentSimulator:WebhookUrl")]
    [InlineData(Simulator.Secret, "/relative", "PaymentSimulator:WebhookUrl")]
    public async Task Invalid_settings_stop_the_app_naming_the_setting(string? secret, string? url, string setting)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PaymentSimulator:WebhookSecret"] = secret,
            ["PaymentSimulator:WebhookUrl"] = url,
        });
        builder.Services.AddPaymentSimulator(builder.Configuration.GetSection("PaymentSimulator"));
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_standalone_app_starts_with_its_built_in_defaults()
    {
        await using var app = PaymentSimulatorApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();

        var options = app.Services.GetRequiredService<IOptions<PaymentSimulatorOptions>>().Value;
        Assert.Equal(new Uri("http://localhost:5080/api/payments/webhook"), new Uri(options.WebhookUrl));
        Assert.Equal(8, options.MaxDeliveryAttempts);
        using var health = await app.GetTestClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public void Mapping_without_registering_fails_with_a_clear_message()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapPaymentSimulator("/sim/payments"));

        Assert.Contains("AddPaymentSimulator", error.Message, StringComparison.Ordinal);
    }

    private sealed class ListeningServer : IServer
    {
        public ListeningServer(params string[] addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var address in addresses)
            {
                feature.Addresses.Add(address);
            }
            Features.Set<IServerAddressesFeature>(feature);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull =>
            Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
