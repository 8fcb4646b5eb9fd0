using System.Collections;
using System.Diagnostics;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>
/// The finished spans an in-memory exporter hands over, safe to read while requests still end. Activity listeners
/// are process-wide, so spans of other hosts in the test process arrive too: always select by trace id.
/// </summary>
public sealed class TelemetrySpanCollection : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];

    public int Count
    {
        get
        {
            lock (_spans)
            {
                return _spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    /// <summary>A copy of what has ended so far.</summary>
    public IReadOnlyList<Activity> Snapshot()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    /// <summary>The spans of one trace.</summary>
    public IReadOnlyList<Activity> InTrace(ActivityTraceId traceId) => [.. Snapshot().Where(s => s.TraceId == traceId)];

    /// <summary>The ASP.NET Core server span of a request to <paramref name="path"/>, once it has ended.</summary>
    public async Task<Activity> ServerSpanAsync(string path, int status)
    {
        var span = await Eventually.Until(
            () => Task.FromResult(Snapshot().FirstOrDefault(s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore"
                && (s.GetTagItem("url.path") as string) == path && Equals(s.GetTagItem("http.response.status_code"), status))),
            span => span is not null,
            $"the server span of {path} ({status})");
        return span!;
    }

    public void Add(Activity item)
    {
        lock (_spans)
        {
            _spans.Add(item);
        }
    }

    public void Clear()
    {
        lock (_spans)
        {
            _spans.Clear();
        }
    }

    public bool Contains(Activity item) => Snapshot().Contains(item);

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (_spans)
        {
            _spans.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(Activity item)
    {
        lock (_spans)
        {
            return _spans.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
