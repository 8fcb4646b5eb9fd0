namespace CheckIn.Faults.Linearizability;

/// <summary>The set of operations linearized so far, as a bitset the search flips in place.</summary>
internal sealed class LinearizedSet(int size)
{
    private readonly ulong[] _words = new ulong[(size + 63) / 64];

    public void Add(int index) => _words[index >> 6] |= 1UL << (index & 63);

    public void Remove(int index) => _words[index >> 6] &= ~(1UL << (index & 63));

    public bool Contains(int index) => (_words[index >> 6] & (1UL << (index & 63))) != 0;

    /// <summary>An immutable copy, to be kept as (part of) a cache key.</summary>
    public LinearizedSnapshot Snapshot() => new((ulong[])_words.Clone());
}

/// <summary>A frozen <see cref="LinearizedSet"/> with value equality.</summary>
internal readonly struct LinearizedSnapshot : IEquatable<LinearizedSnapshot>
{
    private readonly ulong[] _words;
    private readonly int _hash;

    public LinearizedSnapshot(ulong[] words)
    {
        _words = words;
        var hash = new HashCode();
        foreach (var word in words)
        {
            hash.Add(word);
        }
        _hash = hash.ToHashCode();
    }

    public bool Equals(LinearizedSnapshot other) => _hash == other._hash && _words.AsSpan().SequenceEqual(other._words);

    public override bool Equals(object? obj) => obj is LinearizedSnapshot other && Equals(other);

    public override int GetHashCode() => _hash;
}
