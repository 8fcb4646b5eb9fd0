using System.Collections;
using System.Text;

namespace CheckIn.Grains.Telemetry;

/// <summary>
/// The named values of a log scope. A list of pairs, so the JSON console formatter writes each as its own property of
/// the scope; <see cref="ToString"/> (<c>FlightId=LH664 SeatNumber=1A</c>) is the scope's <c>Message</c> and what the
/// text console shows. Values that are null are left out. Never add a passenger id, PNR, name or secret: pseudonymise
/// first (<see cref="Pseudonyms"/>).
/// </summary>
public sealed class LogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _values = new(5);

    public int Count => _values.Count;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    /// <summary>Adds <paramref name="name"/> unless <paramref name="value"/> is null.</summary>
    public LogScope With(string name, object? value)
    {
        if (value is not null)
        {
            _values.Add(new KeyValuePair<string, object?>(name, value));
        }
        return this;
    }

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
