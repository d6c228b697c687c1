using Cruddur.Grains;
using Microsoft.Extensions.Configuration;

namespace Cruddur.Silo.Faults;

/// <summary>
/// A test-only fault switch, OFF unless configured: with <c>Cruddur:Faults:ThrowForHandle</c> set (environment
/// <c>Cruddur__Faults__ThrowForHandle=somehandle</c>), a call to the User grain of that handle throws an
/// exception with two inner exceptions, all three with real stacks. End-to-end tests reach it through the normal
/// <c>GET /api/activities/@somehandle</c> route, so the shipped gateway has no crash route. Never set it in production.
/// </summary>
internal sealed class FaultSwitchGrainCallFilter(IConfiguration configuration) : IIncomingGrainCallFilter
{
    public const string ConfigurationKey = "Cruddur:Faults:ThrowForHandle";
    public const string MessagePrefix = "Injected fault";

    private readonly string? _handle = string.IsNullOrWhiteSpace(configuration[ConfigurationKey])
        ? null
        : configuration[ConfigurationKey]!.Trim().TrimStart('@');

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (_handle is not null
            && context.Grain is IUserGrain
            && string.Equals(context.TargetId.Key.ToString(), _handle, StringComparison.OrdinalIgnoreCase))
        {
            Throw(_handle);
        }

        return context.Invoke();
    }

    private static void Throw(string handle)
    {
        try
        {
            ReadTimeline(handle);
        }
        catch (Exception inner)
        {
            throw new InvalidOperationException($"{MessagePrefix} for @{handle} ({ConfigurationKey})", inner);
        }
    }

    private static void ReadTimeline(string handle)
    {
        try
        {
            ParseStoredActivity(handle);
        }
        catch (Exception inner)
        {
            throw new IOException($"{MessagePrefix}: timeline of @{handle} unreadable", inner);
        }
    }

    private static void ParseStoredActivity(string handle) =>
        throw new FormatException($"{MessagePrefix}: stored activity of @{handle} is malformed");
}
