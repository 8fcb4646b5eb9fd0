using System.Diagnostics;
using System.Text;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Scenarios;

namespace CheckIn.Bench.Tests;

/// <summary>
/// How seatmap-stream reads streams and decides which (change, subscriber) pairs were delivered: the figures the
/// issue asks for (misses, full maps covering a change) come from here, so the matching is tested without a host.
/// </summary>
public sealed class StreamDeliveryTests
{
    private static readonly long Second = Stopwatch.Frequency;

    [Fact]
    public void Sse_frames_split_events_across_reads_and_drop_comments_and_the_retry_hint()
    {
        var frames = new SseFrames();
        var events = new List<StreamEvent>();
        var wire = "retry: 3000\n\nid: 7\nevent: seatmap\ndata: {\"version\":7}\n\n: keep-alive\n\nid: 8\r\nevent: seats\r\ndata: {\"version\":8}\r\n\r\n";
        var bytes = Encoding.UTF8.GetBytes(wire);

        // One byte at a time: an event is complete only with its blank line, whatever the read boundaries.
        for (var i = 0; i < bytes.Length; i++)
        {
            frames.Feed(bytes.AsSpan(i, 1), i, events);
        }

        Assert.Collection(events,
            e => Assert.Equal((7L, "seatmap", "{\"version\":7}"), (e.Id, e.Type, Encoding.UTF8.GetString(e.Data))),
            e => Assert.Equal((8L, "seats", "{\"version\":8}"), (e.Id, e.Type, Encoding.UTF8.GetString(e.Data))));
        // Stamped with the read that completed each event (the blank line's last byte).
        Assert.Equal(wire.IndexOf(": keep-alive", StringComparison.Ordinal) - 1, events[0].ArrivedAt);
        Assert.Equal(bytes.Length - 1, events[1].ArrivedAt);
    }

    [Fact]
    public void A_change_reaches_a_subscriber_by_its_seats_event_or_a_later_full_map_and_a_hole_is_a_miss()
    {
        // Hold of 1A answered at t=10 s, carried by version 5; release of 1A answered at t=20 s, carried by version 6.
        SeatChange[] changes = [new("1A", "HELD", 10 * Second), new("1A", "AVAILABLE", 20 * Second)];
        var onTime = Stream(Full(4, 1), Seats(5, 10.2, ("1A", "HELD")), Seats(6, 20.3, ("1A", "AVAILABLE")));
        var fellBehind = Stream(Full(4, 1), Full(6, 21));
        var hole = Stream(Full(4, 1), Seats(6, 20.1, ("1A", "AVAILABLE")));
        var stalled = Stream(Full(4, 1), Seats(5, 10.5, ("1A", "HELD")));
        var lag = new OperationRecorder("lag");

        var counts = StreamDelivery.Analyze(changes, [onTime, fellBehind, hole, stalled], lag);

        Assert.Equal(2, counts.ChangesPublished);
        Assert.Equal(8, counts.Expected);
        // onTime: both by seats events; fellBehind: both by the full map at version 6; hole: the release only (the
        // hold's version 5 never came, the next event was version 6); stalled: the hold only.
        Assert.Equal(2 + 1 + 1, counts.ViaSeatsEvent);
        Assert.Equal(2, counts.ViaFullMap);
        Assert.Equal(6, counts.Delivered);
        Assert.Equal(1, counts.Gaps);
        Assert.Equal(1, counts.NeverArrived);
        Assert.Equal(2, counts.Missed);
        Assert.Equal(6, lag.Count);
        Assert.Equal(0, counts.VersionRegressions);
        Assert.Equal(1, counts.FullMapsAfterFirst);
        // The slowest pair: the hold reached fellBehind only with the full map at 21 s, 11 s after its answer.
        Assert.InRange(lag.Summarize().LatencyMs.Max, 10_990, 11_010);
    }

    [Fact]
    public void An_older_version_after_a_newer_one_and_an_event_before_the_answer_are_counted()
    {
        SeatChange[] changes = [new("2C", "HELD", 10 * Second)];
        var stream = Stream(Full(4, 1), Seats(5, 9.9, ("2C", "HELD")), Full(4, 12));
        var lag = new OperationRecorder("lag");

        var counts = StreamDelivery.Analyze(changes, [stream], lag);

        Assert.Equal(1, counts.Delivered);
        Assert.Equal(1, counts.ArrivedBefore2xx);
        Assert.Equal(1, counts.VersionRegressions);
    }

    [Fact]
    public void A_hold_and_release_folded_into_one_poll_were_never_published()
    {
        SeatChange[] changes = [new("3D", "HELD", 10 * Second), new("3D", "AVAILABLE", 10 * Second)];
        var stream = Stream(Full(4, 1), Seats(5, 10.3, ("9F", "HELD")));

        var counts = StreamDelivery.Analyze(changes, [stream], new OperationRecorder("lag"));

        Assert.Equal(0, counts.ChangesPublished);
        Assert.Equal(2, counts.NeverArrived);
        Assert.Equal(2, counts.Missed);
    }

    private static List<StreamEvent> Stream(params StreamEvent[] events) => [.. events];

    private static StreamEvent Full(long version, double at) =>
        new((long)(at * Second), version, StreamDelivery.SeatMapEvent, Json(version, ("1A", "AVAILABLE"), ("9F", "AVAILABLE")));

    private static StreamEvent Seats(long version, double at, params (string Seat, string Status)[] seats) =>
        new((long)(at * Second), version, StreamDelivery.SeatsEvent, Json(version, seats));

    private static byte[] Json(long version, params (string Seat, string Status)[] seats) => Encoding.UTF8.GetBytes(
        $"{{\"version\":{version},\"seats\":[{string.Join(',', seats.Select(s => $"{{\"seatNumber\":\"{s.Seat}\",\"status\":\"{s.Status}\"}}"))}]}}");
}
