using System.Diagnostics;
using System.Net.Http.Headers;

namespace CheckIn.Bench.Api;

/// <summary>
/// One anonymous <c>GET /api/flights/{id}/seatmap/stream</c>, read in the background until disposed. It only
/// stamps and keeps the events (parsing the JSON is left for after the run), so that a thousand of them in the
/// bench take as little CPU as possible from the host they share the machine with.
/// </summary>
internal sealed class SeatMapSubscriber : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly HttpResponseMessage _response;
    private readonly List<StreamEvent> _events = [];
    private long _lastId = -1;
    private Task _reading = Task.CompletedTask;

    private SeatMapSubscriber(CancellationTokenSource stop, HttpResponseMessage response)
    {
        _stop = stop;
        _response = response;
    }

    /// <summary>The id (map version) of the last event received; -1 before the first.</summary>
    public long LastId => Interlocked.Read(ref _lastId);

    /// <summary>Why the stream broke before it was disposed; null if it did not.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Every event received so far, in arrival order.</summary>
    public IReadOnlyList<StreamEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public static string Path(string flightId) => $"/api/flights/{flightId}/seatmap/stream";

    /// <summary>Returns once the response headers arrived (the host has joined the flight's hub by then).</summary>
    public static async Task<SeatMapSubscriber> OpenAsync(HttpClient http, string flightId, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var request = new HttpRequestMessage(HttpMethod.Get, Path(flightId));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
        }
        catch
        {
            stop.Dispose();
            throw;
        }
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(stop.Token);
            response.Dispose();
            stop.Dispose();
            throw new BenchException($"GET {Path(flightId)} answered {(int)response.StatusCode}: {problem}");
        }
        var body = await response.Content.ReadAsStreamAsync(stop.Token);
        var subscriber = new SeatMapSubscriber(stop, response);
        subscriber._reading = subscriber.ReadAsync(body);
        return subscriber;
    }

    private async Task ReadAsync(Stream body)
    {
        var frames = new SseFrames();
        var buffer = new byte[16 * 1024];
        var completed = new List<StreamEvent>();
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, _stop.Token)) > 0)
            {
                frames.Feed(buffer.AsSpan(0, read), Stopwatch.GetTimestamp(), completed);
                if (completed.Count == 0)
                {
                    continue;
                }
                lock (_events)
                {
                    _events.AddRange(completed);
                }
                Interlocked.Exchange(ref _lastId, completed[^1].Id);
                completed.Clear();
            }
            if (!_stop.IsCancellationRequested)
            {
                Failure = new BenchException("The host ended the seat-map stream.");
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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading;
        _stop.Dispose();
    }
}
