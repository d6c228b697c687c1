using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Cruddur.Tests.Infrastructure;

/// <summary>A <c>wrk</c> run (Debian's package) against 127.0.0.1, bounded in time, with its error counts read back.</summary>
public sealed partial record WrkResult(long Requests, long Non2xx, long ConnectErrors, long ReadErrors, long WriteErrors, long Timeouts, string Output)
{
    public static async Task<WrkResult> RunAsync(Uri url, int connections, TimeSpan duration)
    {
        var info = new ProcessStartInfo("wrk")
        {
            ArgumentList = { "-t2", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--timeout", "10s", url.ToString() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(duration + TimeSpan.FromSeconds(30));

        var errors = SocketErrors().Match(output);
        return new WrkResult(
            Requests: long.Parse(RequestsLine().Match(output).Groups[1].Value),
            Non2xx: NonSuccess().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value) : 0,
            ConnectErrors: errors.Success ? long.Parse(errors.Groups[1].Value) : 0,
            ReadErrors: errors.Success ? long.Parse(errors.Groups[2].Value) : 0,
            WriteErrors: errors.Success ? long.Parse(errors.Groups[3].Value) : 0,
            Timeouts: errors.Success ? long.Parse(errors.Groups[4].Value) : 0,
            Output: output);
    }

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
