using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;

namespace CheckIn.Faults.Harness;

/// <summary>How a call ended for its client.</summary>
public enum CallOutcome
{
    /// <summary>2xx.</summary>
    Ok,

    /// <summary>4xx: refused, nothing changed.</summary>
    Refused,

    /// <summary>5xx, a timeout or a cut connection: it may or may not have taken effect.</summary>
    Unknown,

    /// <summary>The connection was refused: the request never reached a host.</summary>
    NotSent,
}

/// <summary>One HTTP call of the run, as its client saw it. <see cref="TraceId"/> is the W3C trace id it carried.</summary>
public sealed record Call(
    string Worker,
    string Kind,
    int Host,
    int? Status,
    string? Code,
    CallOutcome Outcome,
    DateTimeOffset Invoked,
    DateTimeOffset Completed,
    string TraceId,
    JsonElement? Body)
{
    public bool IsOk => Outcome == CallOutcome.Ok;
}

/// <summary>
/// Sends the run's requests to the three hosts and records every one. Each request carries its own W3C
/// <c>traceparent</c>, so the audit records it caused (their correlation id is the request's trace id) can be found.
/// </summary>
internal sealed class CallRecorder : IDisposable
{
    public const string AdminKey = HostSettings.TestAdminKey;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient[] _clients;
    private readonly List<Call> _calls = [];

    public CallRecorder(IReadOnlyList<Uri> hosts, TimeSpan timeout)
    {
        _clients = [.. hosts.Select(h => new HttpClient { BaseAddress = h, Timeout = timeout })];
    }

    public int Hosts => _clients.Length;

    public IReadOnlyList<Call> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public Task<Call> PostAsync(string worker, string kind, int host, string path, object? body, string? token = null, bool admin = false) =>
        SendAsync(worker, kind, host, HttpMethod.Post, path, body is null ? null : CheckInApi.JsonBody(body), token, admin);

    public Task<Call> GetAsync(string worker, string kind, int host, string path, string? token = null, bool admin = false) =>
        SendAsync(worker, kind, host, HttpMethod.Get, path, null, token, admin);

    public Task<Call> SendAsync(string worker, string kind, int host, HttpMethod method, string path, HttpContent? content,
        string? token = null, bool admin = false, IReadOnlyDictionary<string, string>? headers = null) =>
        SendCoreAsync(worker, kind, host, () =>
        {
            var request = CheckInApi.Prepare(new HttpRequestMessage(method, path) { Content = content }, token, adminKey: admin ? AdminKey : null);
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                request.Headers.Add(name, value);
            }
            return request;
        });

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    private async Task<Call> SendCoreAsync(string worker, string kind, int host, Func<HttpRequestMessage> create)
    {
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using var request = create();
        request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-00");
        var invoked = DateTimeOffset.UtcNow;
        Call call;
        try
        {
            using var response = await _clients[host].SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            JsonElement? body = null;
            string? code = null;
            if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType is { } media && media.Contains("json", StringComparison.Ordinal))
            {
                body = JsonSerializer.Deserialize<JsonElement>(text, Json);
                if (status >= 400 && body.Value.ValueKind == JsonValueKind.Object && body.Value.TryGetProperty("code", out var c))
                {
                    code = c.GetString();
                }
            }
            var outcome = status switch
            {
                < 400 => CallOutcome.Ok,
                < 500 => CallOutcome.Refused,
                _ => CallOutcome.Unknown,
            };
            call = new Call(worker, kind, host, status, code, outcome, invoked, DateTimeOffset.UtcNow, traceId, body);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            call = new Call(worker, kind, host, null, "CONNECTION_REFUSED", CallOutcome.NotSent, invoked, DateTimeOffset.UtcNow, traceId, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            call = new Call(worker, kind, host, null, ex.GetType().Name, CallOutcome.Unknown, invoked, DateTimeOffset.UtcNow, traceId, null);
        }
        lock (_calls)
        {
            _calls.Add(call);
        }
        return call;
    }
}
