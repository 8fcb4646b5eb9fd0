using System.Buffers.Text;
using System.Text;

namespace CheckIn.Bench.Api;

/// <summary>
/// One server-sent event as it reached the bench: <see cref="System.Diagnostics.Stopwatch"/> timestamp of the read
/// that completed it, its <c>id</c> (-1 if none or not a number), <c>event</c> type and raw <c>data</c> bytes.
/// </summary>
internal sealed record StreamEvent(long ArrivedAt, long Id, string Type, byte[] Data);

/// <summary>
/// Splits an event stream into events at the byte level (no string per line), so that a thousand streams read by
/// one process cost little more than their socket reads. Comments (keep-alives) and events without data (the
/// <c>retry:</c> hint) are dropped; <c>\r\n</c> line ends are accepted.
/// </summary>
internal sealed class SseFrames
{
    private byte[] _pending = new byte[4096];
    private int _count;

    /// <summary>Appends what one read returned and adds every event it completed, stamped <paramref name="arrivedAt"/>.</summary>
    public void Feed(ReadOnlySpan<byte> chunk, long arrivedAt, List<StreamEvent> completed)
    {
        if (_count + chunk.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _count + chunk.Length));
        }
        chunk.CopyTo(_pending.AsSpan(_count));
        _count += chunk.Length;

        var start = 0;
        while (NextBoundary(_pending.AsSpan(start, _count - start)) is var (length, skip) && length >= 0)
        {
            if (Parse(_pending.AsSpan(start, length), arrivedAt) is { } e)
            {
                completed.Add(e);
            }
            start += length + skip;
        }
        if (start > 0)
        {
            _pending.AsSpan(start, _count - start).CopyTo(_pending);
            _count -= start;
        }
    }

    /// <summary>The length of the first complete event block and the length of the blank line ending it; (-1, 0) if none.</summary>
    private static (int Length, int Skip) NextBoundary(ReadOnlySpan<byte> data)
    {
        for (var i = data.IndexOf((byte)'\n'); i >= 0 && i < data.Length - 1; i = NextNewline(data, i + 1))
        {
            if (data[i + 1] == '\n')
            {
                return (i, 2);
            }
            if (data[i + 1] == '\r' && i + 2 < data.Length && data[i + 2] == '\n')
            {
                return (i, 3);
            }
        }
        return (-1, 0);
    }

    private static int NextNewline(ReadOnlySpan<byte> data, int from)
    {
        var next = data[from..].IndexOf((byte)'\n');
        return next < 0 ? -1 : from + next;
    }

    private static StreamEvent? Parse(ReadOnlySpan<byte> block, long arrivedAt)
    {
        long id = -1;
        var type = "message";
        byte[]? data = null;
        while (!block.IsEmpty)
        {
            var end = block.IndexOf((byte)'\n');
            var line = end < 0 ? block : block[..end];
            block = end < 0 ? [] : block[(end + 1)..];
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }
            if (line.IsEmpty || line[0] == ':')
            {
                continue;
            }
            var colon = line.IndexOf((byte)':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? [] : line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == ' ')
            {
                value = value[1..];
            }
            if (field.SequenceEqual("id"u8))
            {
                id = Utf8Parser.TryParse(value, out long parsed, out var used) && used == value.Length ? parsed : -1;
            }
            else if (field.SequenceEqual("event"u8))
            {
                type = Encoding.UTF8.GetString(value);
            }
            else if (field.SequenceEqual("data"u8))
            {
                // Several data lines are one value joined by newlines (the host sends one line per event).
                data = data is null ? value.ToArray() : [.. data, (byte)'\n', .. value];
            }
        }
        return data is null ? null : new StreamEvent(arrivedAt, id, type, data);
    }
}
