namespace CheckIn.Host.Hosting;

/// <summary>Which backing services this process uses, decided once from the connection strings.</summary>
public sealed record RunMode(string? PostgresConnectionString, string? RedisConnectionString)
{
    public bool IsDurable => !string.IsNullOrWhiteSpace(PostgresConnectionString);

    public bool UsesRedisClustering => !string.IsNullOrWhiteSpace(RedisConnectionString);

    public string Describe() =>
        (IsDurable ? "durable (PostgreSQL storage and reminders" : "embedded (in-memory storage and reminders")
        + (UsesRedisClustering ? ", Redis membership)" : ", localhost clustering)");

    public static RunMode From(IConfiguration configuration) =>
        new(configuration.GetConnectionString("Postgres"), configuration.GetConnectionString("Redis"));
}
