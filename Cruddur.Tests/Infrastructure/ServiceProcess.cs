using System.Diagnostics;
using System.Runtime.InteropServices;
using Cruddur.ServiceDefaults;

namespace Cruddur.Tests.Infrastructure;

/// <summary>
/// A real service process (<c>dotnet Some.dll</c>) with the environment the test gives it, its output kept, and
/// ways to wait for a line, send SIGTERM, or kill it.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    /// <summary>
    /// Every variable of the configuration contract (Cruddur.ServiceDefaults/ConfigurationVariables.cs) and the host's
    /// environment name: a developer's shell could otherwise leak real sinks or settings into a test run. Always removed.
    /// </summary>
    private static readonly string[] Scrubbed =
    [
        .. ConfigurationVariables.All.Select(v => v.Name), "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT",
    ];

    private readonly Process _process;
    private readonly Observed<string> _lines = new();

    private ServiceProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public string Output => string.Join(Environment.NewLine, _lines.Snapshot());

    /// <summary>
    /// Starts a built project of this repository (<c>dotnet Project.dll</c>), from its output folder unless
    /// <paramref name="workingDirectory"/> names another (users start it from anywhere).
    /// </summary>
    public static ServiceProcess Start(string name, string project, IReadOnlyDictionary<string, string?> environment,
        string? workingDirectory = null)
    {
        var output = RepoPaths.OutputOf(project);
        return StartCore(name, new ProcessStartInfo("dotnet", Path.Combine(output, project + ".dll"))
        {
            WorkingDirectory = workingDirectory ?? output,
        }, environment);
    }

    /// <summary>Starts any command on the PATH (redis-server, moto_server, ...).</summary>
    public static ServiceProcess StartCommand(string name, string command, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(command);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return StartCore(name, info, environment ?? new Dictionary<string, string?>());
    }

    private static ServiceProcess StartCore(string name, ProcessStartInfo info, IReadOnlyDictionary<string, string?> environment)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        foreach (var key in Scrubbed)
        {
            info.Environment.Remove(key);
        }

        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var service = new ServiceProcess(name, process);
        process.OutputDataReceived += (_, e) => service.Add(e.Data);
        process.ErrorDataReceived += (_, e) => service.Add(e.Data);
        process.Exited += (_, _) => service.Add(null);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Waits for an output line containing <paramref name="text"/>; fails fast if the process exits.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        await _lines.WaitForAsync(
            lines => lines.Any(l => l.Contains(text, StringComparison.Ordinal)) || _process.HasExited,
            timeout,
            _ => $"{Name} did not print '{text}' within {timeout}:\n{Output}");
        if (!Output.Contains(text, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before printing '{text}':\n{Output}");
        }
    }

    /// <summary>Sends SIGTERM, as docker stop or systemd would, and waits for the exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            _ = SysKill(_process.Id, 15);
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Waits for a process that ends by itself (a command such as redis-cli).</summary>
    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    /// <summary>SIGKILL: the process gets no chance to clean up.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // never started
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            _lines.Poke(); // the process exited: wake waiters so they fail fast
        }
        else
        {
            _lines.Add(line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
