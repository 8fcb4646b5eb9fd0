using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace CheckIn.Bench.Api;

/// <summary>What one HTTP exchange came to: status (negative for no answer), problem code, ETag, body if kept.</summary>
internal readonly record struct HttpOutcome(int Status, string? Code, string? ETag, byte[]? Body)
{
    public const int NoAnswer = -1;

    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>"409 SEAT_UNAVAILABLE", "503", "timeout": the key errors are counted under.</summary>
    public string Describe() => Status < 0
        ? Code ?? "no answer"
        : Code is null ? Status.ToString(CultureInfo.InvariantCulture) : $"{Status} {Code}";
}

internal static class HttpExchange
{
    /// <summary>One shared pool per target: HTTP/1.1, no proxy, no decompression, connections never recycled.</summary>
    public static HttpClient CreateClient(Uri baseAddress, int connections, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, connections),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(30),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ActivityHeadersPropagator = null,
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = baseAddress,
            Timeout = timeout,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    /// <summary>
    /// Sends and reads the whole response. Success bodies are read and thrown away unless <paramref name="keepBody"/>;
    /// error bodies are always read for their problem <c>code</c>. Timeouts and broken connections become outcomes.
    /// </summary>
    public static async Task<HttpOutcome> SendAsync(HttpClient client, HttpRequestMessage request, bool keepBody, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            var etag = response.Headers.ETag?.ToString();
            if (status >= 400 || keepBody)
            {
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                return new HttpOutcome(status, status >= 400 ? ProblemCode(body) : null, etag, body);
            }
            await DrainAsync(response.Content, cancellationToken);
            return new HttpOutcome(status, null, etag, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HttpOutcome(HttpOutcome.NoAnswer, "timeout", null, null);
        }
        catch (HttpRequestException ex)
        {
            return new HttpOutcome(HttpOutcome.NoAnswer, $"connection error ({ex.HttpRequestError})", null, null);
        }
        catch (IOException ex)
        {
            return new HttpOutcome(HttpOutcome.NoAnswer, $"io error ({ex.GetType().Name})", null, null);
        }
        finally
        {
            request.Dispose();
        }
    }

    private static async Task DrainAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
        try
        {
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? ProblemCode(byte[] body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.ValueKind == JsonValueKind.Object && problem.RootElement.TryGetProperty("code", out var code)
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
