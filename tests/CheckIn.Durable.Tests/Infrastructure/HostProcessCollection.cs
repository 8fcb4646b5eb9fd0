namespace CheckIn.Durable.Tests.Infrastructure;

/// <summary>
/// Tests that run real host processes. Their own collection, so they run beside the in-process durable tests
/// while at most two hosts of their own run at once (the classes in one collection run one test at a time).
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostProcessCollection : ICollectionFixture<DurableServicesFixture>
{
    public const string Name = "host-processes";
}
