namespace Cruddur.Telemetry.Rollbar;

/// <summary>
/// "This exception already has a Rollbar item." Stored in <see cref="Exception.Data"/>, which Orleans serializes with
/// the exception: a grain failure reported by the silo reaches the gateway still marked, so the gateway (exception
/// handler and log exporter alike) does not report it a second time. Within one process it also keeps the log exporter
/// from re-reporting what the exception handler or the grain call filter already sent.
/// </summary>
internal static class RollbarReportedMarker
{
    /// <summary>The <see cref="Exception.Data"/> key; its value is the item's uuid.</summary>
    public const string DataKey = "cruddur.rollbar.item";

    public static bool IsReported(Exception exception)
    {
        try
        {
            return exception.Data.Contains(DataKey);
        }
        catch
        {
            return false;
        }
    }

    public static void Mark(Exception exception, string uuid)
    {
        try
        {
            exception.Data[DataKey] = uuid;
        }
        catch
        {
            // A read-only or exotic Data dictionary: at worst the exception is reported twice.
        }
    }

    public static string? ItemUuid(Exception exception) =>
        IsReported(exception) ? exception.Data[DataKey] as string : null;
}
