

namespace Cruddur.Gateway.Api;

/// <summary>
/// Who is calling. There is no sign-in yet (the original's week 3 adds Cognito), so the caller is
/// <see cref="DefaultHandle"/>, unless <c>Cruddur__TrustCallerHeader=true</c> lets the <c>X-Cruddur-User</c> header name
/// them: a stand-in for authentication in local runs, tests and benchmarks, off by default. A header that breaks the
/// handle rule makes the parameter unbindable, which the pipeline answers with a 400 problem+json.
/// </summary>
public sealed record Caller(string Handle)
{
    public const string Header = "X-Cruddur-User";
    public const string DefaultHandle = "andrewbrown";
    public const string TrustSetting = "Cruddur:TrustCallerHeader";

    public static ValueTask<Caller?> BindAsync(HttpContext context)
    {
        var trusted = context.RequestServices.GetRequiredService<CallerSettings>().TrustHeader;
        if (!trusted || !context.Request.Headers.TryGetValue(Header, out var values) || values.Count == 0)
        {
            return ValueTask.FromResult<Caller?>(new Caller(DefaultHandle));
        }

        var handle = values.Count == 1 ? Cruddur.Grains.Handle.Normalize(values[0]) : null;
        return ValueTask.FromResult(handle is null ? null : new Caller(handle));
    }
}

/// <summary>The caller rule's one setting, read once at start-up rather than from configuration on every request.</summary>
public sealed class CallerSettings(IConfiguration configuration)
{
    public bool TrustHeader { get; } = configuration.GetValue<bool>(Caller.TrustSetting);
}
