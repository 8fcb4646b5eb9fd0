using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>One server-sent event as the wire carried it.</summary>
public sealed record ServerSentEvent(string? Id, string? Type, JsonElement Data);

/// <summary>
/// Reads a <c>text/event-stream</c> response the way an EventSource would: <c>id:</c>, <c>event:</c> and <c>data:</c>
/// lines up to a blank line make one event; comment lines (<c>:</c>) are skipped. Every read has a deadline.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly StreamReader _reader;

    private EventStream(HttpResponseMessage response, Stream body)
    {
        Response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpResponseMessage Response { get; }

    /// <summary>Opens the stream and returns once its headers arrived; the caller checks <see cref="Response"/>.</summary>
    public static async Task<EventStream> OpenAsync(HttpClient client, string path, string? token, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        return new EventStream(response, await response.Content.ReadAsStreamAsync(timeout.Token));
    }

    /// <summary>The next event; fails the test when none arrives within <see cref="ReadTimeout"/>.</summary>
    public async Task<ServerSentEvent> NextAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        string? id = null, type = null;
        var data = new StringBuilder();
        try
        {
            while (true)
            {
                var line = await _reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("The event stream ended.");
                if (line.Length == 0)
                {
                    if (data.Length > 0)
                    {
                        using var document = JsonDocument.Parse(data.ToString());
                        return new ServerSentEvent(id, type, document.RootElement.Clone());
                    }
                    continue;
                }
                if (line.StartsWith(':'))
                {
                    continue;
                }
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
                switch (field)
                {
                    case "id":
                        id = value;
                        break;
                    case "event":
                        type = value;
                        break;
                    case "data":
                        data.Append(data.Length > 0 ? "\n" : "").Append(value);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"No server-sent event arrived within {ReadTimeout.TotalSeconds:0} s.");
            throw;
        }
    }

    /// <summary>Reads events until one of <paramref name="type"/> arrives.</summary>
    public async Task<ServerSentEvent> NextOfTypeAsync(string type)
    {
        while (true)
        {
            var next = await NextAsync();
            if (next.Type == type)
            {
                return next;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        Response.Dispose();
        return ValueTask.CompletedTask;
    }
}
