using System.Diagnostics;
using System.Text.Json;

namespace Cruddur.Tests.Telemetry.CloudWatch;

/// <summary>The aws CLI against an emulator (<c>--endpoint-url</c>), with the example credentials and no metadata lookups.</summary>
internal static class AwsCli
{
    public static async Task<JsonElement> RunJsonAsync(Uri endpoint, params string[] arguments)
    {
        var info = new ProcessStartInfo("aws", ["--endpoint-url", endpoint.ToString(), "--region", "us-east-1", "--output", "json", .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        info.Environment["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment.Remove("AWS_PROFILE");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"aws {string.Join(' ', arguments)} failed: {await stderr}");
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }

    /// <summary>Every message of a stream (<c>aws logs get-log-events --start-from-head</c>, following the forward token).</summary>
    public static async Task<List<string>> LogMessagesAsync(Uri endpoint, string group, string stream)
    {
        var messages = new List<string>();
        string? token = null;
        while (true)
        {
            string[] args = ["logs", "get-log-events", "--log-group-name", group, "--log-stream-name", stream, "--start-from-head"];
            var page = await RunJsonAsync(endpoint, token is null ? args : [.. args, "--next-token", token]);
            var events = page.GetProperty("events");
            messages.AddRange(events.EnumerateArray().Select(e => e.GetProperty("message").GetString()!));
            var next = page.GetProperty("nextForwardToken").GetString();
            if (events.GetArrayLength() == 0 || next == token)
            {
                return messages;
            }

            token = next;
        }
    }
}
