using CheckIn.Host.Api;
using CheckIn.Host.Hosting;
using CheckIn.Host.Integrations;
using CheckIn.Host.Persistence;

var builder = WebApplication.CreateBuilder(args);
var mode = RunMode.From(builder.Configuration);

builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://localhost:5080");
builder.AddCheckInSilo(mode);
builder.Services.AddCheckInApi(mode);
builder.Services.AddCheckInIntegrations(builder.Configuration);

var app = builder.Build();
// Settings first: a host that will refuse to start must not touch the database.
app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
if (mode.IsDurable)
{
    await SchemaMigrator.MigrateAsync(mode.PostgresConnectionString!, Path.Combine(AppContext.BaseDirectory, "sql"), app.Logger, CancellationToken.None);
}
app.UseCheckInApi();
app.MapCheckInIntegrations();
await app.RunAsync();

/// <summary>The web host's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
