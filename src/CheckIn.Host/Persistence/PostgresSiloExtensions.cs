using CheckIn.Grains;
using CheckIn.Grains.Storage;
using CheckIn.Grains.Audit;
using Npgsql;
using Orleans.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;

namespace CheckIn.Host.Persistence;

/// <summary>Everything the silo keeps in PostgreSQL: grain state, reminders and the seat, check-in and waitlist audit trails.</summary>
public static class PostgresSiloExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql; the Orleans providers default to SQL Server without it.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Registers the grain storage <see cref="StorageNames.Default"/> (<see cref="PostgresGrainStorage"/>, JSON without CLR type names), ADO.NET reminders and
    /// the audit logs (<see cref="IAuditLog"/>, <see cref="ICheckInAuditLog"/>, <see cref="IWaitlistAuditLog"/>, <see cref="IAbuseIncidentLog"/>), all sharing one <see cref="NpgsqlDataSource"/> (one connection pool).
    /// The schema must exist first: run <see cref="SchemaMigrator.MigrateAsync"/> before the silo starts.
    /// </summary>
    public static ISiloBuilder UsePostgresPersistence(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        silo.Services.AddSingleton(_ => CreateDataSource(connectionString));
        silo.Services.AddSingleton<IAuditLog>(sp => new BatchingAuditLog(new PostgresAuditLog(sp.GetRequiredService<NpgsqlDataSource>())));
        // The storage's write query records a seat's outbox in seat_events in the same transaction (sql/009).
        silo.Services.Configure<SeatAuditOptions>(o => o.RecordedWithState = true);
        silo.Services.AddSingleton<ICheckInAuditLog>(sp => new PostgresCheckInAuditLog(sp.GetRequiredService<NpgsqlDataSource>()));
        silo.Services.AddSingleton<IWaitlistAuditLog>(sp => new PostgresWaitlistAuditLog(sp.GetRequiredService<NpgsqlDataSource>()));
        silo.Services.AddSingleton<IAbuseIncidentLog>(sp => new PostgresAbuseIncidentLog(sp.GetRequiredService<NpgsqlDataSource>()));

        silo.Services.AddGrainStorage(StorageNames.Default, (sp, _) => new PostgresGrainStorage(
            sp.GetRequiredService<NpgsqlDataSource>(),
            GrainStateJson.CreateSerializer(),
            sp.GetRequiredService<IActivatorProvider>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));

        silo.UseAdoNetReminderService(options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = NpgsqlInvariant;
            o.DataSource = dataSource;
        }));

        return silo;
    }

    /// <summary>
    /// The per-host connection cap when the connection string sets no <c>Maximum Pool Size</c>. Four hosts use at
    /// most 80 connections, so they fit a stock PostgreSQL (<c>max_connections</c> 100, 3 reserved for superusers)
    /// beside an admin session and a migration. A connection string that names the key (either of Npgsql's spellings,
    /// <c>Maximum Pool Size</c> or <c>MaxPoolSize</c>, any case) keeps its own value.
    /// </summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>The pool's name in Npgsql's metrics and traces.</summary>
    public const string DataSourceName = "checkin";

    /// <summary>
    /// The one connection pool, tuned for many small statements unless the connection string says otherwise:
    /// Npgsql prepares the storage, reminder and audit statements after their second use (PostgreSQL then skips
    /// parsing and planning them), and a connection going back to the pool is not reset (nothing here leaves
    /// session state behind), which saves server work per statement. A <c>Max Auto Prepare</c> in the connection
    /// string overrides the first. The pool holds at most <see cref="DefaultMaxPoolSize"/> connections unless the
    /// connection string sets <c>Maximum Pool Size</c>; a caller beyond the cap waits for a free connection (up to
    /// the connection string's <c>Timeout</c>, 15 s by default) and then fails with an <see cref="NpgsqlException"/>,
    /// which the API answers with 503.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var csb = builder.ConnectionStringBuilder;
        // Npgsql's defaults are MaxAutoPrepare 0 (off) and AutoPrepareMinUsages 5: a value other than those came
        // from the connection string and wins.
        if (csb.MaxAutoPrepare == 0)
        {
            csb.MaxAutoPrepare = 64;
            if (csb.AutoPrepareMinUsages == 5)
            {
                csb.AutoPrepareMinUsages = 2;
            }
        }
        if (!SetsMaxPoolSize(connectionString))
        {
            csb.MaxPoolSize = Math.Max(DefaultMaxPoolSize, csb.MinPoolSize);
        }
        csb.NoResetOnClose = true;
        // Npgsql names the pool in its metrics (db_client_connection_pool_name) and spans after the data source: a
        // fixed name keeps the connection string out of every series.
        builder.Name = DataSourceName;
        return builder.Build();
    }

    /// <summary>Whether the connection string names the pool cap itself (keys compare without case and spaces).</summary>
    private static bool SetsMaxPoolSize(string connectionString)
    {
        var keys = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>();
        return keys.Select(k => k.Replace(" ", "", StringComparison.Ordinal))
            .Any(k => k.Equals("MaximumPoolSize", StringComparison.OrdinalIgnoreCase) || k.Equals("MaxPoolSize", StringComparison.OrdinalIgnoreCase));
    }
}
