namespace CheckIn.Grains.Tests.Support;

/// <summary>A cluster like <see cref="ClusterFixture"/>'s with abuse limits on (their defaults), for the hold cooldown tests.</summary>
public sealed class CooldownClusterFixture : ClusterFixture
{
    protected override bool RateLimitingEnabled => true;
}

[CollectionDefinition(Name)]
public sealed class CooldownClusterCollection : ICollectionFixture<CooldownClusterFixture>
{
    public const string Name = "cooldown cluster";
}
