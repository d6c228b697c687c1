using System.Text.Json;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>What the service answered, and what the sender should do about it.</summary>
internal sealed record CloudWatchLogsResponse(int StatusCode, string? ErrorCode, string? ErrorMessage, string Body)
{
    /// <summary>A connection error, time-out or other failure before an HTTP answer.</summary>
    public static CloudWatchLogsResponse Transport(string what) => new(0, "TransportError", what, string.Empty);

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public CloudWatchOutcome Outcome => Classify(StatusCode, ErrorCode);

    /// <summary>Mirrors botocore's "standard" retry rules (https://github.com/boto/botocore/blob/develop/botocore/retries/standard.py).</summary>
    public static CloudWatchOutcome Classify(int status, string? code)
    {
        if (status is >= 200 and < 300)
        {
            return CloudWatchOutcome.Success;
        }

        switch (code)
        {
            case "ResourceNotFoundException":
                return CloudWatchOutcome.ResourceNotFound;
            case "ResourceAlreadyExistsException":
                return CloudWatchOutcome.AlreadyExists;
            case "TransportError" or "ServiceUnavailableException" or "RequestTimeout" or "RequestTimeoutException"
                or "PriorRequestNotComplete" or "Throttling" or "ThrottlingException" or "ThrottledException"
                or "RequestThrottledException" or "TooManyRequestsException" or "ProvisionedThroughputExceededException"
                or "TransactionInProgressException" or "RequestLimitExceeded" or "BandwidthLimitExceeded"
                or "LimitExceededException" or "RequestThrottled" or "SlowDown" or "OperationAbortedException":
                return CloudWatchOutcome.Retry;
        }

        return status is 0 or 429 or >= 500 ? CloudWatchOutcome.Retry : CloudWatchOutcome.Fatal;
    }

    /// <summary>Reads <c>{"__type":"ns#Code","message":"..."}</c> (or the <c>x-amzn-ErrorType</c> header).</summary>
    public static CloudWatchLogsResponse Parse(int status, string body, string? errorTypeHeader)
    {
        if (status is >= 200 and < 300)
        {
            return new(status, null, null, body);
        }

        string? code = null, message = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.NameEquals("__type") || p.NameEquals("code"))
                    {
                        code ??= p.Value.GetString();
                    }
                    else if (p.Name.Equals("message", StringComparison.OrdinalIgnoreCase))
                    {
                        message ??= p.Value.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // not JSON (a proxy's HTML page): the status decides
        }

        code ??= errorTypeHeader?.Split(':')[0];
        if (code is not null && code.LastIndexOf('#') is var hash and >= 0)
        {
            code = code[(hash + 1)..];
        }

        return new(status, code, message, body);
    }

    /// <summary>How many events <c>rejectedLogEventsInfo</c> says were refused (too new, too old, expired).</summary>
    public int RejectedEvents(int batchCount)
    {
        if (!IsSuccess || Body.Length == 0)
        {
            return 0;
        }

        try
        {
            using var doc = JsonDocument.Parse(Body);
            if (!doc.RootElement.TryGetProperty("rejectedLogEventsInfo", out var info) || info.ValueKind != JsonValueKind.Object)
            {
                return 0;
            }

            var rejected = new bool[batchCount];
            if (info.TryGetProperty("tooNewLogEventStartIndex", out var tooNew) && tooNew.TryGetInt32(out var start))
            {
                for (var i = Math.Max(start, 0); i < batchCount; i++)
                {
                    rejected[i] = true;
                }
            }

            foreach (var name in (ReadOnlySpan<string>)["tooOldLogEventEndIndex", "expiredLogEventEndIndex"])
            {
                if (info.TryGetProperty(name, out var end) && end.TryGetInt32(out var endIndex))
                {
                    for (var i = 0; i < Math.Min(endIndex, batchCount); i++)
                    {
                        rejected[i] = true;
                    }
                }
            }

            return rejected.Count(r => r);
        }
        catch (JsonException)
        {
            return 0;
        }
    }
}

internal enum CloudWatchOutcome
{
    Success,
    ResourceNotFound,
    AlreadyExists,
    Retry,
    Fatal,
}
