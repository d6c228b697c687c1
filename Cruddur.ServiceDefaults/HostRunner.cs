using System.Net.Sockets;

namespace Cruddur.ServiceDefaults;

/// <summary>
/// Runs a host's <c>Main</c> so that start-up ends in one of three ways: it runs; a configuration mistake is one line on
/// standard error and exit code 2; a stop requested while it was still starting (Ctrl+C while the gateway waits for a
/// silo) is a quiet exit 0. Anything else is a defect and keeps its stack trace.
/// </summary>
public static class HostRunner
{
    public const int ConfigurationExitCode = 2;

    public static async Task<int> RunAsync(string serviceName, Func<Task> run)
    {
        // Log lines reach standard output in batches, and a stuck output drops lines instead of stalling requests.
        BufferedStandardOutput.Install();
        try
        {
            await run();
            return Environment.ExitCode;
        }
        catch (Exception exception) when (Mistake(exception) is { } message)
        {
            FlushStandardOutput(); // what it said before, first
            await Console.Error.WriteLineAsync($"{serviceName}: {message}");
            return ConfigurationExitCode;
        }
        catch (OperationCanceledException)
        {
            // The host's start-up has no timeout of its own: a cancelled start is a stop asked for while it started.
            FlushStandardOutput();
            await Console.Error.WriteLineAsync($"{serviceName}: stopped before it had started");
            return 0;
        }
        finally
        {
            FlushStandardOutput();
        }
    }

    /// <summary>What standard output holds, written out (waiting at most a moment for an output that is stuck).</summary>
    private static void FlushStandardOutput() => BufferedStandardOutput.Installed?.Flush(BufferedStandardOutput.ExitFlushPatience);

    /// <summary>The one line for a start-up failure the user can fix, or null for anything else.</summary>
    private static string? Mistake(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StartupMistakeException mistake:
                    return mistake.Message;
                case SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }:
                    return $"an address it must listen on is already in use ({exception.Message}); stop the other process or choose another port";
                case SocketException { SocketErrorCode: SocketError.AddressNotAvailable }:
                    return $"an address it must listen on is not one of this machine's ({exception.Message})";
            }
        }

        return null;
    }
}
