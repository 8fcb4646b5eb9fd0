using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CheckIn.Api.Tests.Infrastructure;
using CheckIn.Grains.Telemetry;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace CheckIn.Api.Tests;

/// <summary>
/// How the host writes its log: single human lines in embedded mode, one JSON object per line when asked (the
/// durable default), each carrying the request's trace id and the scopes around it; passengers by a pseudonym whose
/// key every silo of a cluster derives alike.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class LoggingTests(ApiFixture fixture)
{
    private const string EmbeddedSigningKey = "embedded-mode-token-signing-key-not-for-production-use";

    [Fact]
    public void Embedded_mode_writes_single_human_lines_with_scopes()
    {
        var services = fixture.Server.Services;

        Assert.Equal(ConsoleFormatterNames.Simple, services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        var simple = services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;
        Assert.True(simple.SingleLine);
        Assert.True(simple.IncludeScopes);
        Assert.True(simple.UseUtcTimestamp);
    }

    [Fact]
    public async Task The_json_format_writes_each_entry_as_one_json_line_with_the_trace_id_and_the_scopes()
    {
        await using var host = Host(("CheckIn:Logging:Format", "json"));
        var services = host.Services;
        Assert.Equal(ConsoleFormatterNames.Json, services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        var captured = new CapturingProvider(services.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json));
        var factory = services.GetRequiredService<ILoggerFactory>();
        factory.AddProvider(captured);
        var logger = factory.CreateLogger("CheckIn.Tests");

        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        using (logger.BeginScope(new Dictionary<string, object?> { ["FlightId"] = "SH101", ["SeatNumber"] = "1A", ["Passenger"] = "psg_0123456789abcdef" }))
        {
            logger.LogWarning("Seat {SeatNumber} held\nuntil {Until}", "1A", "12:00");
        }

        var line = Assert.Single(captured.Lines);
        Assert.DoesNotContain('\n', line.TrimEnd('\n'));
        using var entry = JsonDocument.Parse(line);
        var root = entry.RootElement;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", root.GetProperty("Timestamp").GetString());
        Assert.Equal("Warning", root.GetProperty("LogLevel").GetString());
        var scopes = root.GetProperty("Scopes").EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).ToList();
        Assert.Contains(scopes, s => s.TryGetProperty("TraceId", out var id) && id.GetString() == activity.TraceId.ToHexString());
        Assert.Contains(scopes, s => s.TryGetProperty("SpanId", out var id) && id.GetString() == activity.SpanId.ToHexString());
        Assert.Contains(scopes, s => s.TryGetProperty("FlightId", out var f) && f.GetString() == "SH101"
            && s.GetProperty("SeatNumber").GetString() == "1A" && s.GetProperty("Passenger").GetString() == "psg_0123456789abcdef");
    }

    [Fact]
    public async Task A_log_format_other_than_json_or_text_stops_the_host_naming_the_setting()
    {
        await using var host = Host(("CheckIn:Logging:Format", "xml"));

        // What Program.cs runs first: a refused setting stops the process with this one line, exit code 1.
        var failure = Assert.ThrowsAny<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("CheckIn:Logging:Format (CheckIn__Logging__Format) must be json or text; got 'xml'.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pseudonyms_are_keyed_by_the_token_signing_key_when_no_pseudonym_key_is_set()
    {
        var pseudonyms = fixture.Server.Services.GetRequiredService<Pseudonyms>();

        // What every silo with the same signing key computes: the same passenger, the same pseudonym on each.
        Assert.Equal(Expected(Hex(Hmac(EmbeddedSigningKey, "log-pseudonym")), "ABC123-1"), pseudonyms.Passenger("ABC123-1"));
    }

    [Fact]
    public async Task A_configured_pseudonym_key_is_used_as_it_is()
    {
        await using var host = Host(("CheckIn:Telemetry:PseudonymKey", "cluster-wide-pseudonym-key-0123456789"));

        var pseudonyms = host.Services.GetRequiredService<Pseudonyms>();

        Assert.Equal(Expected("cluster-wide-pseudonym-key-0123456789", "ABC123-1"), pseudonyms.Passenger("ABC123-1"));
    }

    private static string Expected(string key, string passengerId) => "psg_" + Hex(Hmac(key, passengerId))[..16];

    private static byte[] Hmac(string key, string text) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(text));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static WebApplicationFactory<Program> Host(params (string Key, string Value)[] settings) =>
        new CheckInApiFactory().WithWebHostBuilder(builder =>
        {
            CheckInApiFactory.UseOwnSilo(builder);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

    /// <summary>
    /// A provider in the host's logger factory (so it gets the factory's scopes, activity tracking included) that writes
    /// with the host's own JSON console formatter into memory instead of stdout.
    /// </summary>
    private sealed class CapturingProvider(ConsoleFormatter formatter) : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConsoleFormatter _formatter = formatter;
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                using var writer = new StringWriter();
                provider._formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), provider._scopes, writer);
                lock (provider.Lines)
                {
                    if (category == "CheckIn.Tests")
                    {
                        provider.Lines.Add(writer.ToString());
                    }
                }
            }
        }
    }
}
