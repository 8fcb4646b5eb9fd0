using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CheckIn.Bench.Load;
using CheckIn.Bench.Monitoring;

namespace CheckIn.Bench.Tests;

/// <summary>
/// The wrk read load against a small listener that records what arrives: the Lua script's client addresses,
/// revalidation with the last ETag, and status and problem-code counting, and how its output is read.
/// </summary>
public sealed class WrkLoadTests
{
    [Fact]
    public async Task Wrk_speaks_for_distinct_forwarded_clients_and_revalidates_with_the_last_etag()
    {
        using var server = new RecordingServer();
        await using var sampler = new ProcessSampler(() => null);
        var load = new WrkLoad(server.Url, Connections: 8, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), ConditionalShare: 0.5, ForwardedClients: 300);

        var result = await Wrk.RunAsync("reads", load, sampler, _ => { }, CancellationToken.None);

        Assert.True(server.Requests > 0);
        Assert.True(server.ForwardedFor.Count >= 300, $"{server.ForwardedFor.Count} distinct X-Forwarded-For addresses");
        Assert.All(server.ForwardedFor.Keys, a => Assert.True(IPAddress.TryParse(a, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork, a));
        // Half the requests revalidate once the thread has seen an ETag; the listener answers those 304.
        Assert.True(server.Revalidations > server.Requests / 4, $"{server.Revalidations} of {server.Requests} revalidated");
        Assert.Equal(0, server.WrongEtags);
        Assert.Equal(result.Count, result.Statuses.Values.Sum());
        Assert.True(result.Statuses.GetValueOrDefault(304) > 0);
        Assert.True(result.Statuses.GetValueOrDefault(200) > 0);
        // The listener refuses one client address with a 429 problem: counted by status and code.
        Assert.Equal(result.Statuses.GetValueOrDefault(429), result.ErrorsByKind.GetValueOrDefault("429 RATE_LIMITED"));
        Assert.True(result.Statuses.GetValueOrDefault(429) > 0);
        Assert.Equal(result.Statuses.GetValueOrDefault(429), result.Errors);
        Assert.True(result.ThroughputPerSecond > 0);
        Assert.True(result.LatencyMs.P99 >= result.LatencyMs.P50 && result.LatencyMs.Max >= result.LatencyMs.P999);
    }

    [Fact]
    public async Task Without_forwarded_clients_wrk_sends_no_forwarded_header()
    {
        using var server = new RecordingServer();
        await using var sampler = new ProcessSampler(() => null);
        var load = new WrkLoad(server.Url, Connections: 2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), ConditionalShare: 0, ForwardedClients: 0);

        var result = await Wrk.RunAsync("reads", load, sampler, _ => { }, CancellationToken.None);

        Assert.True(result.Count > 0);
        Assert.Empty(server.ForwardedFor);
        Assert.Equal(0, server.Revalidations);
    }

    [Fact]
    public void Output_is_read_from_the_report_and_the_script_lines()
    {
        const string output = """
            Running 15s test @ http://127.0.0.1:5000/api/flights/B0000/seatmap
              2 threads and 500 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency    12.71ms    4.22ms 212.00ms   80.00%
                Req/Sec    19.80k     1.20k   22.00k    70.00%
              Latency Distribution
                 50%  812.00us
                 75%   14.10ms
                 90%   18.50ms
                 99%    1.02s
              594000 requests in 15.00s, 9.00GB read
              Non-2xx or 3xx responses: 3
            Requests/sec:  39600.12
            Transfer/sec:    614.00MB
            checkin-bench requests 594000
            checkin-bench duration_us 15000420
            checkin-bench socket_errors 0 1 0 2
            checkin-bench latency_us 50 812
            checkin-bench latency_us 99.9 1500000
            checkin-bench latency_us max 2000000
            checkin-bench status 200 400000
            checkin-bench status 304 193995
            checkin-bench status 429 3
            checkin-bench error 3 429 CLIENT_BLOCKED
            """;

        var summary = WrkOutput.Parse("seatmap", output);

        Assert.Equal(594000, summary.Count);
        Assert.Equal(39600.12, summary.ThroughputPerSecond, 2);
        Assert.Equal(15.00042, summary.WindowSeconds, 5);
        Assert.Equal(0.812, summary.LatencyMs.P50, 3);
        Assert.Equal(18.5, summary.LatencyMs.P90, 3);
        Assert.Equal(1020, summary.LatencyMs.P99, 3);
        Assert.Equal(1500, summary.LatencyMs.P999, 3);
        Assert.Equal(2000, summary.LatencyMs.Max, 3);
        Assert.Equal(3, summary.Statuses[429]);
        Assert.Equal(193995, summary.Statuses[304]);
        Assert.Equal(3, summary.ErrorsByKind["429 CLIENT_BLOCKED"]);
        Assert.Equal(1, summary.ErrorsByKind["read error"]);
        Assert.Equal(2, summary.ErrorsByKind["timeout"]);
        Assert.Equal(6, summary.Errors);
    }

    [Fact]
    public void Output_without_a_latency_distribution_is_refused()
    {
        const string output = """
            Requests/sec:  100.00
            checkin-bench requests 100
            checkin-bench duration_us 1000000
            """;

        var error = Assert.Throws<Api.BenchException>(() => WrkOutput.Parse("seatmap", output));
        Assert.Contains("50%", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A minimal HTTP/1.1 keep-alive server on 127.0.0.1: answers 200 with ETag "v1", 304 to If-None-Match "v1", and a
    /// 429 problem to the client 10.0.0.7; records the X-Forwarded-For addresses and revalidations it saw.
    /// </summary>
    private sealed class RecordingServer : IDisposable
    {
        private const string Refused = "10.0.0.7";
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private long _requests;
        private long _revalidations;
        private long _wrongEtags;

        public RecordingServer()
        {
            _listener.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/api/flights/T0001/seatmap");
            _ = Task.Run(AcceptAsync);
        }

        public Uri Url { get; }

        public ConcurrentDictionary<string, bool> ForwardedFor { get; } = new(StringComparer.Ordinal);

        public long Requests => Interlocked.Read(ref _requests);

        public long Revalidations => Interlocked.Read(ref _revalidations);

        public long WrongEtags => Interlocked.Read(ref _wrongEtags);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = Task.Run(() => ServeAsync(client));
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                try
                {
                    while (!_stop.IsCancellationRequested && await reader.ReadLineAsync(_stop.Token) is { Length: > 0 })
                    {
                        string? forwarded = null;
                        string? ifNoneMatch = null;
                        while (await reader.ReadLineAsync(_stop.Token) is { Length: > 0 } header)
                        {
                            var colon = header.IndexOf(':', StringComparison.Ordinal);
                            var name = header[..colon];
                            var value = header[(colon + 1)..].Trim();
                            if (name.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase))
                            {
                                forwarded = value;
                            }
                            else if (name.Equals("If-None-Match", StringComparison.OrdinalIgnoreCase))
                            {
                                ifNoneMatch = value;
                            }
                        }
                        Interlocked.Increment(ref _requests);
                        if (forwarded is not null)
                        {
                            ForwardedFor.TryAdd(forwarded, true);
                        }
                        string response;
                        if (forwarded == Refused)
                        {
                            const string problem = """{"status":429,"code":"RATE_LIMITED"}""";
                            response = $"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/problem+json\r\nContent-Length: {problem.Length}\r\n\r\n{problem}";
                        }
                        else if (ifNoneMatch is not null)
                        {
                            Interlocked.Increment(ref _revalidations);
                            if (ifNoneMatch != "\"v1\"")
                            {
                                Interlocked.Increment(ref _wrongEtags);
                            }
                            response = "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n";
                        }
                        else
                        {
                            const string body = """{"flightId":"T0001","seats":[]}""";
                            response = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nETag: \"v1\"\r\nContent-Length: {body.Length}\r\n\r\n{body}";
                        }
                        var bytes = Encoding.ASCII.GetBytes(response);
                        await stream.WriteAsync(bytes, _stop.Token);
                    }
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }
        }
    }
}
