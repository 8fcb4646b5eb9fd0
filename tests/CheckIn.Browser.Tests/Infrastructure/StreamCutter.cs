using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CheckIn.Browser.Tests.Infrastructure;

/// <summary>
/// Test code only: remembers every open <c>/api/flights/{id}/seatmap/stream</c> request, ahead of the whole pipeline,
/// so a test can drop them from the server side (<see cref="CutAll"/> aborts the connections, like a proxy or a
/// network that gives up) and see how many the browser opened.
/// </summary>
public sealed class StreamCutter : IStartupFilter
{
    private readonly ConcurrentDictionary<HttpContext, string> _open = new();
    private int _opened;

    /// <summary>How many seat-map streams were opened so far.</summary>
    public int Opened => Volatile.Read(ref _opened);

    /// <summary>Streams open now, by flight.</summary>
    public int OpenFor(string flightId) => _open.Values.Count(f => f == flightId);

    /// <summary>Aborts every open seat-map stream of <paramref name="flightId"/>; returns how many it cut.</summary>
    public int CutAll(string flightId)
    {
        var cut = 0;
        foreach (var (context, flight) in _open)
        {
            if (flight == flightId && _open.TryRemove(context, out _))
            {
                context.Abort();
                cut++;
            }
        }
        return cut;
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var segments = context.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
            if (segments is ["api", "flights", var flightId, "seatmap", "stream"])
            {
                Interlocked.Increment(ref _opened);
                _open[context] = flightId;
                try
                {
                    await nextMiddleware(context);
                }
                finally
                {
                    _open.TryRemove(context, out _);
                }
                return;
            }
            await nextMiddleware(context);
        });
        next(app);
    };
}
