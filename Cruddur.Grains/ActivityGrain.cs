using Cruddur.Grains.Models;
using Cruddur.Grains.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cruddur.Grains;

public sealed partial class ActivityGrain(
    [FromKeyedServices(GrainStorage.ClockKey)] TimeProvider time,
    [PersistentState("activity", GrainStorage.Name)] IPersistentState<ActivityState> state,
    ILogger<ActivityGrain> logger)
    : Grain, IActivityGrain
{
    public Task CreateAsync(Activity activity) =>
        state.WriteAsync(state.State with { Activity = activity }, logger, DeactivateOnIdle);

    public Task<Activity?> GetAsync()
    {
        if (!state.RecordExists)
        {
            DeactivateOnIdle(); // an unknown uuid leaves nothing behind
        }

        return Task.FromResult(Live());
    }

    public async Task<Reply?> ReplyAsync(Person author, string message)
    {
        using var span = GrainDiagnostics.Source.StartActivity("create-reply");
        if (Live() is not { } activity)
        {
            return null;
        }

        var reply = new Reply(Guid.NewGuid(), activity.Uuid, author.Handle, author.DisplayName, message,
            LikesCount: 0, RepliesCount: 0, RepostsCount: 0, CreatedAt: time.GetUtcNow());
        var updated = activity with { Replies = activity.Replies.Add(reply), RepliesCount = activity.RepliesCount + 1 };
        await state.WriteAsync(state.State with { Activity = updated }, logger, DeactivateOnIdle);
        await GrainFactory.GetGrain<IUserGrain>(activity.Handle).ActivityRepliedAsync(updated);

        span?.SetTag("app.reply_to_activity_uuid", activity.Uuid.ToString());
        LogCreateReply(logger, reply.Uuid, activity.Uuid);
        return reply;
    }

    public async Task ReclaimAsync()
    {
        if (state.State.Activity is { } activity && !Timeline.IsLive(activity, time.GetUtcNow()))
        {
            await state.ClearAsync(logger);
        }

        DeactivateOnIdle();
    }

    private Activity? Live() =>
        state.State.Activity is { } activity && Timeline.IsLive(activity, time.GetUtcNow()) ? activity : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "CreateReply {ReplyUuid} to {ActivityUuid}")]
    private static partial void LogCreateReply(ILogger logger, Guid replyUuid, Guid activityUuid);
}
