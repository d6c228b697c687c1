using StackExchange.Redis;

namespace Cruddur.Silo;

/// <summary>How the silo talks to Redis for grain state and reminders.</summary>
internal static class RedisStorage
{
    /// <summary>
    /// While Redis is unreachable, a command fails at once instead of waiting in the client's backlog
    /// (<see cref="BacklogPolicy.FailFast"/>), and a command to a Redis that stopped answering fails after 2 s:
    /// a write that cannot be stored becomes a 503 within the API's 3 s, never a hang. The client reconnects by itself.
    /// </summary>
    public static ConfigurationOptions Options(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.AsyncTimeout = 2000;
        options.SyncTimeout = 2000;
        options.ConnectTimeout = 2000;
        return options;
    }
}
