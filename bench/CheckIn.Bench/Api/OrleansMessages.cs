using System.Text.Json.Nodes;

namespace CheckIn.Bench.Api;

/// <summary>
/// Orleans's messaging counters in one silo's <c>/metrics</c> (meter <c>Microsoft.Orleans</c>): messages a silo sent
/// to another silo (<c>orleans-messaging-sent-messages-size</c>, a histogram of bytes recorded once per message
/// written to a connection, whose <c>_count</c> and <c>_sum</c> series carry <c>ConnectionDirection</c> and
/// <c>MessageDirection</c>) and messages it delivered to itself without a connection
/// (<c>orleans-messaging-sent-local</c>, no direction). Both count grain calls' requests and responses and Orleans's
/// own traffic (membership, directory, reminders).
/// </summary>
internal sealed record OrleansMessages(double RemoteRequests, double RemoteResponses, double RemoteOneWay, double RemoteBytes, double Local, bool Published)
{
    public const string SentSizeInstrument = "orleans_messaging_sent_messages_size";
    public const string LocalInstrument = "orleans_messaging_sent_local";

    public static readonly OrleansMessages None = new(0, 0, 0, 0, 0, false);

    public double Remote => RemoteRequests + RemoteResponses + RemoteOneWay;

    /// <summary>Remote / (remote + local): null when nothing was sent (or the counters are not published).</summary>
    public double? RemoteShare => Remote + Local > 0 ? Remote / (Remote + Local) : null;

    public static OrleansMessages Read(string text)
    {
        double requests = 0, responses = 0, oneWay = 0, bytes = 0, local = 0;
        var published = false;
        foreach (var sample in MetricsScrape.Samples(text))
        {
            var (name, _, value) = sample;
            if (name.StartsWith(LocalInstrument, StringComparison.Ordinal))
            {
                published = true;
                local += value;
            }
            else if (name.StartsWith(SentSizeInstrument, StringComparison.Ordinal))
            {
                published = true;
                if (sample.Label("ConnectionDirection") != "SiloToSilo")
                {
                    continue; // a gateway's traffic to an external client: none here
                }
                if (name.EndsWith("_sum", StringComparison.Ordinal))
                {
                    bytes += value;
                }
                else if (!name.EndsWith("_count", StringComparison.Ordinal))
                {
                    continue; // the buckets
                }
                else if (sample.Label("MessageDirection") == "Request")
                {
                    requests += value;
                }
                else if (sample.Label("MessageDirection") == "Response")
                {
                    responses += value;
                }
                else
                {
                    oneWay += value;
                }
            }
        }
        return new OrleansMessages(requests, responses, oneWay, bytes, local, published);
    }

    /// <summary>What was sent between two scrapes of the same silo.</summary>
    public OrleansMessages Since(OrleansMessages before) => new(
        RemoteRequests - before.RemoteRequests, RemoteResponses - before.RemoteResponses, RemoteOneWay - before.RemoteOneWay,
        RemoteBytes - before.RemoteBytes, Local - before.Local, Published && before.Published);

    public OrleansMessages Plus(OrleansMessages other) => new(
        RemoteRequests + other.RemoteRequests, RemoteResponses + other.RemoteResponses, RemoteOneWay + other.RemoteOneWay,
        RemoteBytes + other.RemoteBytes, Local + other.Local, Published && other.Published);

    public JsonObject ToJson() => new()
    {
        ["remoteRequests"] = RemoteRequests,
        ["remoteResponses"] = RemoteResponses,
        ["remoteOneWay"] = RemoteOneWay,
        ["remoteBytes"] = RemoteBytes,
        ["remoteBytesPerMessage"] = Remote > 0 ? Math.Round(RemoteBytes / Remote) : null,
        ["local"] = Local,
        ["remoteShare"] = RemoteShare is { } share ? Math.Round(share, 4) : null,
    };
}
