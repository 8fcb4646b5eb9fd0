using CheckIn.Host.Api;
using CheckIn.Host.Hosting;
using CheckIn.Host.Integrations;
using CheckIn.Host.Persistence;

var builder = WebApplication.CreateBuilder(args);
var mode = RunMode.From(builder.Configuration);

var urls = builder.Configuration["urls"] ?? "http://localhost:5080";
builder.WebHost.UseUrls(urls);
builder.AddCheckInTelemetry(mode);
builder.AddCheckInSilo(mode);
builder.Services.AddCheckInApi(mode);
builder.Services.AddCheckInIntegrations(builder.Configuration);

var app = builder.Build();
try
{
    // Settings first: a host that will refuse to start must not touch the database.
    app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
    PortCheck.EnsureFree(builder.Configuration, app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>(), urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    if (mode.IsDurable)
    {
        await SchemaMigrator.MigrateAsync(mode.PostgresConnectionString!, Path.Combine(AppContext.BaseDirectory, "sql"), app.Logger, CancellationToken.None);
    }
    app.UseCheckInApi();
    app.MapCheckInIntegrations();
    await app.StartAsync();
}
catch (Exception ex) when (StartupFailure.Describe(ex, mode) is { } reason)
{
    // A refused start is one line naming what to fix, and exit code 1; not a stack trace.
    await Console.Error.WriteLineAsync($"Orleans.CheckIn did not start: {reason}");
    return 1;
}
await app.WaitForShutdownAsync();
return 0;

/// <summary>The web host's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
