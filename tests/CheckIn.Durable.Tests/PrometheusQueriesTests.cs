using CheckIn.Durable.Tests.Infrastructure;

namespace CheckIn.Durable.Tests;

/// <summary>
/// The PromQL reading that <see cref="PrometheusTests"/> relies on: if it found no metric names or no alert operands,
/// the integration test would pass whatever the names were.
/// </summary>
public sealed class PrometheusQueriesTests
{
    [Theory]
    [InlineData("histogram_quantile(0.99, sum by (flight, le) (rate(checkin_seat_hold_expiry_lag_seconds_bucket{flight=\"SH101\"}[5m])))", "checkin_seat_hold_expiry_lag_seconds_bucket")]
    [InlineData("(sum(rate(http_server_request_duration_seconds_count{http_response_status_code=~\"5..\",http_route!~\"/metrics|/health/.*\"}[5m])) or vector(0)) / sum(rate(http_server_request_duration_seconds_count[5m]))", "http_server_request_duration_seconds_count")]
    [InlineData("checkin:audit_outbox_backlog:sum > 50 and deriv(checkin:audit_outbox_backlog:sum[15m]) > 0", "checkin:audit_outbox_backlog:sum")]
    [InlineData("sum by (instance, db_client_connection_state) (db_client_connection_count) * on (instance) group_left up", "db_client_connection_count up")]
    [InlineData("absent(up{job=\"orleans-checkin\"} == 1)", "up")]
    public void Metric_names_are_the_selected_series_not_functions_labels_or_keywords(string expr, string names)
    {
        Assert.Equal(names.Split(' ').Order(StringComparer.Ordinal), PrometheusQueries.MetricNames(expr).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("checkin:hold_expiry_lag_seconds:p99_5m > 1", "checkin:hold_expiry_lag_seconds:p99_5m")]
    [InlineData("up{job=\"orleans-checkin\"} == 0", "up{job=\"orleans-checkin\"}")]
    [InlineData("absent(up{job=\"orleans-checkin\"} == 1)", "up{job=\"orleans-checkin\"}")]
    [InlineData("checkin:audit_outbox_backlog:sum > 50 and deriv(checkin:audit_outbox_backlog:sum[15m]) > 0", "checkin:audit_outbox_backlog:sum|deriv(checkin:audit_outbox_backlog:sum[15m])")]
    public void An_alerts_operands_are_its_sides_without_the_threshold(string expr, string operands)
    {
        Assert.Equal(operands.Split('|'), PrometheusQueries.AlertOperands(expr));
    }

    [Fact]
    public void Every_deployed_query_selects_at_least_one_metric()
    {
        var queries = PrometheusQueries.DashboardQueries().Select(q => (q.Source, q.Expr))
            .Concat(PrometheusQueries.RecordingRules().Select(r => (r.Record, r.Expr)))
            .Concat(PrometheusQueries.Alerts().SelectMany(a => PrometheusQueries.AlertOperands(a.Expr).Select(o => (a.Alert, o))))
            .ToList();

        Assert.True(queries.Count > 30, $"only {queries.Count} queries found in deploy/");
        Assert.All(queries, q => Assert.True(PrometheusQueries.MetricNames(q.Item2).Count > 0, $"{q.Item1}: no metric in {q.Item2}"));
    }
}
