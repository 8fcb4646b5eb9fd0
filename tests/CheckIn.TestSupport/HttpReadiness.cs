namespace CheckIn.TestSupport;

/// <summary>Waiting for a process the test started to answer HTTP: polls a path until 200, failing at once if it exits.</summary>
public static class HttpReadiness
{
    /// <summary>
    /// Polls <c>GET <paramref name="path"/></c> until it answers 200. <paramref name="exited"/> returns why the process
    /// is gone (null while it runs) and ends the wait at once; <paramref name="output"/> is appended to any failure.
    /// </summary>
    public static async Task UntilOkAsync(HttpClient http, string path, Func<string?> exited, Func<string> output, TimeSpan deadline, string what)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(exited);
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            await Eventually.Until(async () =>
            {
                if (exited() is { } reason)
                {
                    throw new InvalidOperationException($"{reason}{Environment.NewLine}{output()}");
                }
                return await AnswersOkAsync(http, path);
            }, ok => ok, what, deadline, TimeSpan.FromMilliseconds(100));
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}{Environment.NewLine}{output()}", timeout);
        }
    }

    private static async Task<bool> AnswersOkAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            return response.StatusCode == System.Net.HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
    }
}
