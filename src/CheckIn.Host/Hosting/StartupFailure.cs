using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace CheckIn.Host.Hosting;

/// <summary>A start-up refusal whose message already names the setting or dependency to fix.</summary>
internal sealed class StartupFailureException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Turns the known reasons a host cannot start into the one line an operator reads: the setting or dependency,
/// then what is wrong. Anything else is a bug and keeps its stack trace.
/// </summary>
internal static class StartupFailure
{
    public static string? Describe(Exception exception, RunMode mode)
    {
        Exception? outer = null;
        for (var e = exception; e is not null; outer = e, e = e.InnerException)
        {
            switch (e)
            {
                case StartupFailureException known:
                    return known.Message;
                case OptionsValidationException invalid:
                    return string.Join(" ", invalid.Failures);
                case AddressInUseException inUse:
                    // Kestrel's wrapping IOException names the address.
                    return $"urls (ASPNETCORE_URLS): {(outer ?? inUse).Message}";
                case PostgresException refused when mode.IsDurable:
                    return $"ConnectionStrings__Postgres: PostgreSQL at {Where(mode.PostgresConnectionString!)} refused: {refused.SqlState} {refused.MessageText}";
                case NpgsqlException when mode.IsDurable:
                    return $"ConnectionStrings__Postgres: could not connect to {Where(mode.PostgresConnectionString!)}: {Innermost(e).Message}";
                case RedisConnectionException when mode.UsesRedisClustering:
                    return $"ConnectionStrings__Redis: could not connect to {mode.RedisConnectionString}: {FirstLine(e.Message)}";
                default:
                    break;
            }
        }
        return null;
    }

    /// <summary>Where the connection string points, without its password.</summary>
    private static string Where(string postgresConnectionString)
    {
        try
        {
            var csb = new NpgsqlConnectionStringBuilder(postgresConnectionString);
            return $"{csb.Host}:{csb.Port}";
        }
        catch (ArgumentException)
        {
            return "the configured server";
        }
    }

    private static Exception Innermost(Exception exception)
    {
        var e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }
        return e;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
