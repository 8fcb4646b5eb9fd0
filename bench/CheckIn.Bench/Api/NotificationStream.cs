using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CheckIn.Bench.Api;

/// <summary>A notification as it reached the bench, with the <see cref="Stopwatch"/> timestamp of its arrival.</summary>
internal sealed record ArrivedNotification(long ArrivedAt, string Type, long EntryId, IReadOnlyList<string> PassengerIds, IReadOnlyList<string> Seats);

/// <summary>
/// One session's <c>GET /api/notifications/stream</c> (server-sent events), read in the background until disposed.
/// Every event is handed to <c>onEvent</c> with the time its last line arrived: what a passenger's browser would
/// show at that moment.
/// </summary>
internal sealed class NotificationStream : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly HttpResponseMessage _response;
    private Task _reading = Task.CompletedTask;

    private NotificationStream(CancellationTokenSource stop, HttpResponseMessage response)
    {
        _stop = stop;
        _response = response;
    }

    /// <summary>Why the stream broke before it was disposed (a broken stream makes the run fail, not look slow); null if it did not.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Returns once the response headers arrived: the host subscribes the stream before it sends them.</summary>
    public static async Task<NotificationStream> OpenAsync(HttpClient http, string token, Action<ArrivedNotification> onEvent, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var request = CheckInClient.Passenger(HttpMethod.Get, "/api/notifications/stream", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(stop.Token);
            response.Dispose();
            stop.Dispose();
            throw new BenchException($"GET /api/notifications/stream answered {(int)response.StatusCode}: {problem}");
        }
        var body = await response.Content.ReadAsStreamAsync(stop.Token);
        var stream = new NotificationStream(stop, response);
        stream._reading = Task.Run(() => stream.ReadAsync(body, onEvent), CancellationToken.None);
        return stream;
    }

    private async Task ReadAsync(Stream body, Action<ArrivedNotification> onEvent)
    {
        try
        {
            await ReadEventsAsync(body, onEvent, _stop.Token);
            if (!_stop.IsCancellationRequested)
            {
                Failure = new BenchException("The host ended the notification stream.");
            }
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            Failure = ex;
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Disposed: the stream ends here by design.
        }
    }

    /// <summary>The event-stream format: <c>field: value</c> lines, an empty line ends an event; only <c>data</c> is used.</summary>
    private static async Task ReadEventsAsync(Stream body, Action<ArrivedNotification> onEvent, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    onEvent(Parse(Stopwatch.GetTimestamp(), data.ToString()));
                    data.Clear();
                }
                continue;
            }
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                var value = line.AsSpan(5);
                data.Append(value.StartsWith(" ") ? value[1..] : value);
            }
        }
    }

    private static ArrivedNotification Parse(long arrivedAt, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var n = doc.RootElement;
        return new ArrivedNotification(
            arrivedAt,
            n.GetProperty("type").GetString()!,
            n.GetProperty("entryId").GetInt64(),
            [.. n.GetProperty("passengerIds").EnumerateArray().Select(p => p.GetString()!)],
            [.. n.GetProperty("seats").EnumerateArray().Select(s => s.GetString()!)]);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading;
        _stop.Dispose();
    }
}
