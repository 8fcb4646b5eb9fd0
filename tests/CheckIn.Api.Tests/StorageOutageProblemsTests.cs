using System.Net.Sockets;
using System.Text.Json;
using CheckIn.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;
using StackExchange.Redis;

namespace CheckIn.Api.Tests;

/// <summary>
/// A storage failure reaches the API wrapped the way Orleans wraps it (grain storage throws inside an
/// <see cref="OrleansException"/>, a caller may see an <see cref="AggregateException"/>): it is an outage, 503.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StorageOutageProblemsTests(ApiFixture fixture)
{
    private static readonly Dictionary<string, Func<Exception>> Outages = new(StringComparer.Ordinal)
    {
        ["53300 wrapped by Orleans"] = () => new OrleansException("Error from storage provider during ReadStateAsync",
            new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300")),
        ["inconsistent state"] = () => new InconsistentStateException("Version conflict (WriteState)", "1", "2"),
        ["inconsistent state wrapped by Orleans"] = () => new OrleansException("Error from storage provider", new InconsistentStateException("etag mismatch")),
        ["pool timeout in an aggregate"] = () => new AggregateException(new OrleansException("storage",
            new NpgsqlException("The connection pool has been exhausted", new TimeoutException()))),
        ["timeout wrapped by Orleans"] = () => new OrleansException("storage", new TimeoutException("timed out")),
        // What the cluster itself throws while a silo dies or sheds load.
        ["silo unavailable"] = () => new SiloUnavailableException("silo gone"),
        ["silo unavailable in an aggregate"] = () => new AggregateException(new SiloUnavailableException("silo gone")),
        ["gateway too busy"] = () => new GatewayTooBusyException("busy"),
        ["connection failed"] = () => new ConnectionFailedException("could not connect"),
        ["connection failed wrapped by Orleans"] = () => new OrleansException("send failed", new ConnectionFailedException("could not connect")),
        // The grain directory refusing an activation on a silo the cluster declared dead (the fault suite's soak met it).
        ["registration on a silo declared dead"] = () => new OrleansException(
            "Trying to register passengerseat/FH100/HOTAAA-4 on invalid silo: S127.0.0.1:22994:155399102. Known status: Dead"),
        // The membership table (Redis) out of reach; its timeout is a TimeoutException.
        ["redis connection lost"] = () => new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "no connection", null, CommandStatus.Unknown),
        ["redis timeout"] = () => new RedisTimeoutException(CommandFlags.None, "timed out", CommandStatus.Sent),
        ["socket refused"] = () => new SocketException((int)SocketError.ConnectionRefused),
        // A timeout inside the request while the client is still there (an HttpClient's, a token with a deadline).
        ["task cancelled by a timeout"] = () => new TaskCanceledException("timed out"),
        ["operation cancelled wrapped by Orleans"] = () => new OrleansException("call cancelled", new OperationCanceledException()),
    };

    public static TheoryData<string> OutageNames => [.. Outages.Keys];

    [Theory]
    [MemberData(nameof(OutageNames))]
    public async Task A_storage_failure_wrapped_or_not_answers_503_with_retry_after(string outage)
    {
        var (status, retryAfter, code) = await HandleAsync(Outages[outage]());

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Equal("2", retryAfter);
        Assert.Equal("SERVICE_UNAVAILABLE", code);
    }

    [Fact]
    public async Task Another_plain_orleans_failure_is_still_a_500()
    {
        var (status, _, code) = await HandleAsync(new OrleansException("Trying to register a grain with no silo in the message"));

        Assert.Equal(StatusCodes.Status500InternalServerError, status);
        Assert.Equal("INTERNAL_ERROR", code);
    }

    [Fact]
    public async Task A_wrapped_bug_is_still_a_500()
    {
        var (status, retryAfter, code) = await HandleAsync(new OrleansException("grain failed", new InvalidOperationException("a bug")));

        Assert.Equal(StatusCodes.Status500InternalServerError, status);
        Assert.Equal("", retryAfter);
        Assert.Equal("INTERNAL_ERROR", code);
    }

    private async Task<(int Status, string RetryAfter, string? Code)> HandleAsync(Exception exception)
    {
        var services = fixture.Server.Services;
        var handler = services.GetServices<IExceptionHandler>().Single();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "GET";
        context.Request.Path = "/api/flights/SH101/seatmap";
        using var body = new MemoryStream();
        context.Response.Body = body;

        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));

        using var problem = JsonDocument.Parse(body.ToArray());
        var code = problem.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        return (context.Response.StatusCode, context.Response.Headers.RetryAfter.ToString(), code);
    }
}
