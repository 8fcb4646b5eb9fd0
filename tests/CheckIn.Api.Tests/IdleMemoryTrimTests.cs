using CheckIn.Host.Api;

namespace CheckIn.Api.Tests;

/// <summary>When a quiet host returns memory: after two checks under a fifth of a core, once, until it was busy again.</summary>
public sealed class IdleMemoryTrimTests
{
    [Fact]
    public void A_trim_is_due_once_after_two_quiet_checks_and_again_only_after_the_host_was_busy_and_quiet_again()
    {
        var trim = new IdleMemoryTrim();

        Assert.False(trim.Due(0.9)); // busy
        Assert.False(trim.Due(0.05)); // one quiet check
        Assert.True(trim.Due(0.1)); // two: due
        Assert.False(trim.Due(0.02)); // still quiet: once is enough
        Assert.False(trim.Due(0.02));

        Assert.False(trim.Due(0.5)); // traffic again
        Assert.False(trim.Due(0.19));
        Assert.True(trim.Due(0.0));
    }

    [Fact]
    public void A_host_busy_at_every_other_check_is_never_trimmed()
    {
        var trim = new IdleMemoryTrim();
        for (var i = 0; i < 50; i++)
        {
            Assert.False(trim.Due(i % 2 == 0 ? 0.3 : 0.01));
        }
    }
}
