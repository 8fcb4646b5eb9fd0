namespace CheckIn.Weight.Tests;

public sealed class BagTagTests
{
    [Theory]
    [InlineData("0123456789", "0123456789")]
    [InlineData("abc123", "ABC123")]
    [InlineData("Z", "Z")]
    [InlineData("ABCDEFGHIJ0123456789", "ABCDEFGHIJ0123456789")]
    public void Valid_tags_are_upper_cased(string raw, string expected)
    {
        Assert.True(BagTag.TryNormalize(raw, out var tag));
        Assert.Equal(expected, tag);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ABCDEFGHIJ01234567890")]
    [InlineData("AB-123")]
    [InlineData("AB 123")]
    [InlineData("ÄBC")]
    [InlineData("١٢٣")]
    [InlineData("ＡＢ")]
    public void Other_strings_are_not_tags(string? raw)
    {
        Assert.False(BagTag.TryNormalize(raw, out var tag));
        Assert.Equal("", tag);
    }
}
