using System.Net;
using System.Text;
using CheckIn.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CheckIn.Api.Tests;

/// <summary>
/// Request bodies are capped at 32 KB by default (<c>CheckIn__MaxRequestBodyBytes</c>), with or without a
/// Content-Length, on the test server and on Kestrel alike; JSON nested deeper than 32 levels is a 400.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HardeningLimitsTests(ApiFixture fixture)
{
    private const int Limit = 32 * 1024;

    private readonly CheckInApi _api = fixture.Api;

    /// <summary>A sign-in body of exactly <paramref name="size"/> bytes (padding in the last name).</summary>
    private static string SessionBody(int size)
    {
        var empty = """{"pnr":"ABC123","lastName":""}""";
        return $$"""{"pnr":"ABC123","lastName":"{{new string('x', size - empty.Length)}}"}""";
    }

    [Fact]
    public async Task On_the_test_server_a_body_of_32_KB_is_read_and_32_KB_plus_1_is_413()
    {
        using var atLimit = await _api.PostRawAsync("/api/sessions", SessionBody(Limit));
        using var overLimit = await _api.PostRawAsync("/api/sessions", SessionBody(Limit + 1));

        // Read, and refused on its merits: no booking has that name.
        await ProblemAssert.IsProblemAsync(atLimit, 401, "INVALID_CREDENTIALS");
        await ProblemAssert.IsProblemAsync(overLimit, 413, "PAYLOAD_TOO_LARGE", "body");
    }

    [Fact]
    public async Task On_the_test_server_a_chunked_body_over_32_KB_is_413()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sessions") { Content = new ChunkedContent(SessionBody(Limit + 1)).WithJsonType() };

        using var response = await _api.Client.SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        await ProblemAssert.IsProblemAsync(response, 413, "PAYLOAD_TOO_LARGE", "body");
    }

    [Fact]
    public async Task On_kestrel_the_default_limit_is_32_KB_with_and_without_content_length_and_the_webhook_keeps_its_64_KB()
    {
        await using var factory = new CheckInApiFactory();
        await using var host = StartKestrel(factory);
        using var client = KestrelClient(host);
        var api = new CheckInApi(client);

        using var atLimit = await api.PostRawAsync("/api/sessions", SessionBody(Limit));
        using var overLimit = await api.PostRawAsync("/api/sessions", SessionBody(Limit + 1));
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, "/api/sessions") { Content = new ChunkedContent(SessionBody(Limit + 1)).WithJsonType() };
        using var chunked = await client.SendAsync(chunkedRequest);
        // 40 KB: over the API's limit, under the webhook's own; the webhook reads it and judges the signature.
        using var webhook = await api.PostRawAsync("/api/payments/webhook", $$"""{"id":"evt_1","reference":"{{new string('x', 40 * 1024)}}"}""");

        await ProblemAssert.IsProblemAsync(atLimit, 401, "INVALID_CREDENTIALS");
        await ProblemAssert.IsProblemAsync(overLimit, 413, "PAYLOAD_TOO_LARGE", "body");
        await ProblemAssert.IsProblemAsync(chunked, 413, "PAYLOAD_TOO_LARGE", "body");
        await ProblemAssert.IsProblemAsync(webhook, 401, "WEBHOOK_SIGNATURE_INVALID");
    }

    [Fact]
    public async Task The_limit_is_a_setting()
    {
        await using var factory = new CheckInApiFactory();
        await using var host = factory.WithWebHostBuilder(builder =>
        {
            CheckInApiFactory.UseOwnSilo(builder);
            builder.UseSetting("CheckIn:MaxRequestBodyBytes", "2048");
        });
        var api = new CheckInApi(host.CreateContractCheckedClient());

        using var atLimit = await api.PostRawAsync("/api/sessions", SessionBody(2048));
        using var overLimit = await api.PostRawAsync("/api/sessions", SessionBody(2049));

        await ProblemAssert.IsProblemAsync(atLimit, 401, "INVALID_CREDENTIALS");
        await ProblemAssert.IsProblemAsync(overLimit, 413, "PAYLOAD_TOO_LARGE", "body");
    }

    [Theory]
    [InlineData(32, true)]
    [InlineData(33, false)]
    public void The_hosts_json_reads_32_levels_and_refuses_33(int depth, bool read)
    {
        // No request type nests more than a few levels, so today a deeper body fails on its shape first; the limit is
        // what stops a body from being walked deeper than 32 levels wherever JSON is read with the API's options.
        var options = fixture.Server.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var json = string.Concat(Enumerable.Repeat("[", depth)) + string.Concat(Enumerable.Repeat("]", depth));

        var error = Record.Exception(() => JsonSerializer.Deserialize<JsonElement>(json, options));

        Assert.True(read == error is null, $"depth {depth}: {error?.Message}");
    }

    [Fact]
    public async Task A_body_over_the_depth_limit_is_a_400_problem_that_names_the_limit()
    {
        var options = fixture.Server.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var json = "{\"x\":" + string.Concat(Enumerable.Repeat("[", 40)) + string.Concat(Enumerable.Repeat("]", 40)) + "}";
        var depthError = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json, options));
        // How the minimal API hands a body it could not read to the exception handler.
        var bad = new BadHttpRequestException("Failed to read parameter from the request body as JSON.", 400, depthError);

        var (status, problem) = await HandleAsync(bad);

        Assert.Equal(400, status);
        Assert.Equal("MALFORMED_REQUEST", problem.GetProperty("code").GetString());
        Assert.Equal("x", problem.GetProperty("field").GetString());
        Assert.Contains("deeper than 32 levels", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<(int Status, JsonElement Problem)> HandleAsync(Exception exception)
    {
        var services = fixture.Server.Services;
        var handler = services.GetServices<IExceptionHandler>().Single();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "POST";
        context.Request.Path = "/api/sessions";
        using var body = new MemoryStream();
        context.Response.Body = body;
        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));
        using var document = JsonDocument.Parse(body.ToArray());
        return (context.Response.StatusCode, document.RootElement.Clone());
    }

    internal static WebApplicationFactory<Program> StartKestrel(CheckInApiFactory factory)
    {
        var host = factory.WithWebHostBuilder(CheckInApiFactory.UseOwnSilo);
        host.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        host.StartServer();
        return host;
    }

    internal static HttpClient KestrelClient(WebApplicationFactory<Program> host)
    {
        var address = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return host.CreateDefaultClient(new Uri(address), new ContractCheckingHandler());
    }

    /// <summary>A body sent without Content-Length (Transfer-Encoding: chunked).</summary>
    private sealed class ChunkedContent(string text) : HttpContent
    {
        private readonly byte[] _bytes = Encoding.UTF8.GetBytes(text);

        public ChunkedContent WithJsonType()
        {
            Headers.ContentType = new("application/json");
            return this;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            // Several writes, as a streaming client would send them.
            for (var at = 0; at < _bytes.Length; at += 4096)
            {
                await stream.WriteAsync(_bytes.AsMemory(at, Math.Min(4096, _bytes.Length - at)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

    }
}
