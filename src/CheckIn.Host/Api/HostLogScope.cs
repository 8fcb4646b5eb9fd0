using System.Collections;
using System.Text;

namespace CheckIn.Host.Api;

/// <summary>
/// The scope of a log line of the HTTP front end (the webhook, abuse refusals): <c>FlightId</c> where known, the
/// pseudonymised <c>Passenger</c>, <c>Actor</c> and <c>Reason</c>. A list of pairs, so the JSON console formatter
/// writes each as its own property; <see cref="ToString"/> is what the simple console shows. Never pass a passenger
/// id, PNR or client secret here: pseudonymise first (<see cref="CheckIn.Grains.Telemetry.Pseudonyms"/>).
/// </summary>
internal sealed class HostLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _values = new(4);

    private HostLogScope(string? flightId, string? passenger, string actor, string reason)
    {
        if (flightId is not null)
        {
            _values.Add(new("FlightId", flightId));
        }
        if (passenger is not null)
        {
            _values.Add(new("Passenger", passenger));
        }
        _values.Add(new("Actor", actor));
        _values.Add(new("Reason", reason));
    }

    public int Count => _values.Count;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    /// <summary>Opens the scope on <paramref name="logger"/>; dispose it when the work it describes is done.</summary>
    public static IDisposable? Begin(ILogger logger, string? flightId, string? passenger, string actor, string reason) =>
        logger.BeginScope(new HostLogScope(flightId, passenger, actor, reason));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (name, value) in _values)
        {
            text.Append(text.Length == 0 ? "" : " ").Append(name).Append('=').Append(value);
        }
        return text.ToString();
    }
}
