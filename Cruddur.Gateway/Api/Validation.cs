using System.Globalization;
using Cruddur.Grains;

namespace Cruddur.Gateway.Api;

/// <summary>
/// The original's validation rules and codes. It ran its checks in order and each failing check replaced the error
/// list, so the last failing check is the one answered; these do the same. Characters are counted as people count
/// them (text elements): an emoji is one.
/// </summary>
public static class Validation
{
    public const int ActivityMaxChars = 280;
    public const int ReplyMaxChars = 1024;
    public const int MessageMaxChars = 1024;

    public const string TtlBlank = "ttl_blank";
    public const string MessageBlank = "message_blank";
    public const string MessageExceedMaxChars = "message_exceed_max_chars";
    public const string ReceiverHandleBlank = "user_reciever_handle_blank"; // sic: the original's spelling
    public const string SearchTermBlank = "search_term_blank";
    public const string CannotFollowSelf = "cannot_follow_self";

    public static string? CreateActivity(CreateActivityRequest request)
    {
        string? error = null;
        if (!Ttl.TryParse(request.Ttl, out _))
        {
            error = TtlBlank;
        }

        return Message(request.Message, ActivityMaxChars) ?? error;
    }

    public static string? CreateReply(CreateReplyRequest request) => Message(request.Message, ReplyMaxChars);

    public static string? CreateMessage(CreateMessageRequest request) =>
        Message(request.Message, MessageMaxChars)
        ?? (string.IsNullOrWhiteSpace(request.UserReceiverHandle) ? ReceiverHandleBlank : null);

    public static int Characters(string text) => new StringInfo(text).LengthInTextElements;

    private static string? Message(string? message, int maxChars) =>
        string.IsNullOrWhiteSpace(message) ? MessageBlank
        : Characters(message) > maxChars ? MessageExceedMaxChars
        : null;
}
