using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace CheckIn.Weight;

internal enum WeightSource
{
    Runtime,
    Configured,
    Derived,
}

internal readonly record struct BagWeight(decimal Kg, WeightSource Source);

/// <summary>Where a tag's weight comes from: a runtime PUT, else configuration, else the derived demo weight.</summary>
internal sealed class BagWeights
{
    private readonly ConcurrentDictionary<string, decimal> _runtime = new(StringComparer.Ordinal);
    private readonly FrozenDictionary<string, decimal> _configured;
    private readonly UnknownTagPolicy _unknownTags;

    public BagWeights(IOptions<WeightServiceOptions> options)
    {
        // Options are validated before this runs, so every key is a tag and every weight is in range.
        var configured = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (tag, text) in options.Value.Bags)
        {
            if (BagTag.TryNormalize(tag, out var normalized) && WeightRules.TryParse(text, out var accepted, out _))
            {
                configured[normalized] = accepted;
            }
        }
        _configured = configured.ToFrozenDictionary(StringComparer.Ordinal);
        _unknownTags = options.Value.UnknownTags;
    }

    /// <summary>The weight for a normalised tag, or null when the tag is unknown and unknown tags are not derived.</summary>
    public BagWeight? Find(string tag)
    {
        if (_runtime.TryGetValue(tag, out var runtime))
        {
            return new BagWeight(runtime, WeightSource.Runtime);
        }
        if (_configured.TryGetValue(tag, out var configured))
        {
            return new BagWeight(configured, WeightSource.Configured);
        }
        return _unknownTags == UnknownTagPolicy.Derive
            ? new BagWeight(WeightRules.DerivedKg(tag), WeightSource.Derived)
            : null;
    }

    public void Set(string tag, decimal kg) => _runtime[tag] = kg;

    public bool Forget(string tag) => _runtime.TryRemove(tag, out _);
}
