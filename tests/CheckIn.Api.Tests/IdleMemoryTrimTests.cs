using CheckIn.Host.Api;

namespace CheckIn.Api.Tests;

/// <summary>When a quiet host returns memory: after two sweep checks without a collection, once, until collections resume.</summary>
public sealed class IdleMemoryTrimTests
{
    [Fact]
    public void A_trim_is_due_once_after_two_quiet_checks_and_again_only_after_collections_resumed_and_stopped()
    {
        var trim = new IdleMemoryTrim();

        Assert.False(trim.Due(10)); // first look
        Assert.False(trim.Due(10)); // one quiet check
        Assert.True(trim.Due(10)); // two: due
        trim.Trimmed(11); // the trim's own collection is not traffic
        Assert.False(trim.Due(11));
        Assert.False(trim.Due(11));
        Assert.False(trim.Due(11));

        Assert.False(trim.Due(15)); // traffic: collections again
        Assert.False(trim.Due(20));
        Assert.False(trim.Due(20));
        Assert.True(trim.Due(20));
    }

    [Fact]
    public void A_host_that_collects_between_every_check_is_never_trimmed()
    {
        var trim = new IdleMemoryTrim();
        for (var collections = 0; collections < 50; collections++)
        {
            Assert.False(trim.Due(collections));
        }
    }
}
