using System.Globalization;
using Cruddur.Telemetry.Delivery;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// One PutLogEvents batch on the wire, and what the answer means: a ResourceNotFound creates the group and the
/// stream and resends the same batch (creating is not a failed attempt); throttling, 5xx, connection errors and
/// missing credentials are retryable; rejected events are counted, not retried; credential and permission errors drop
/// the batch.
/// </summary>
internal sealed class CloudWatchLogsTransport(CloudWatchLogsClient client, string logGroup, string logStream,
    Func<CancellationToken, ValueTask<AwsCredentials>>? credentials, TimeSpan requestTimeout, SinkDiagnostics diagnostics)
    : ISinkTransport<IReadOnlyList<CloudWatchLogEvent>>
{
    public const string Sink = "cloudwatch";

    public Uri Endpoint => client.Endpoint;

    /// <summary>Resolves credentials once on the loop, so that a missing source is said early (and never on a request).</summary>
    public async ValueTask StartAsync(CancellationToken ct)
    {
        if (credentials is null)
        {
            return;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(requestTimeout);
            await credentials(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            diagnostics.ReportOnce(Sink, "CredentialsUnavailable",
                $"no AWS credentials ({ex.GetType().Name}: {ex.Message}); log events stay queued (bounded) and are retried.");
        }
    }

    public async Task<SendOutcome> SendAsync(IReadOnlyList<CloudWatchLogEvent> events, CancellationToken ct)
    {
        for (var created = false; ; created = true)
        {
            var response = await client.PutLogEventsAsync(logGroup, logStream, events, ct).ConfigureAwait(false);
            switch (response.Outcome)
            {
                case CloudWatchOutcome.Success:
                    var rejected = response.RejectedEvents(events.Count);
                    if (rejected > 0)
                    {
                        diagnostics.ReportOnce(Sink, "rejected",
                            $"CloudWatch Logs rejected {rejected} event(s) as too old, too new or expired (rejectedLogEventsInfo); they are not retried.");
                    }

                    return SendOutcome.Delivered(rejected);

                case CloudWatchOutcome.ResourceNotFound when !created:
                    if (await CreateGroupAndStreamAsync(ct).ConfigureAwait(false))
                    {
                        continue; // resend the same batch
                    }

                    break;

                case CloudWatchOutcome.Fatal:
                case CloudWatchOutcome.ResourceNotFound:
                case CloudWatchOutcome.AlreadyExists:
                    diagnostics.ReportOnce(Sink, $"drop:{response.ErrorCode}",
                        $"PutLogEvents to {Endpoint} (group '{logGroup}') failed: {Describe(response)}; the batch is dropped and counted. Check credentials, region and IAM permissions.");
                    return SendOutcome.Drop(DropReason.RejectedByService);
            }

            ReportRetrying(response);
            return SendOutcome.Retryable;
        }
    }

    public void Dispose() => client.Dispose();

    private async Task<bool> CreateGroupAndStreamAsync(CancellationToken ct)
    {
        var group = await client.CreateLogGroupAsync(logGroup, ct).ConfigureAwait(false);
        if (group.Outcome is not (CloudWatchOutcome.Success or CloudWatchOutcome.AlreadyExists))
        {
            ReportRetrying(group, "CreateLogGroup");
            return false;
        }

        var stream = await client.CreateLogStreamAsync(logGroup, logStream, ct).ConfigureAwait(false);
        if (stream.Outcome is not (CloudWatchOutcome.Success or CloudWatchOutcome.AlreadyExists))
        {
            ReportRetrying(stream, "CreateLogStream");
            return false;
        }

        return true;
    }

    private void ReportRetrying(CloudWatchLogsResponse r, string operation = "PutLogEvents") =>
        diagnostics.ReportOnce(Sink, $"{operation}:{r.ErrorCode ?? r.StatusCode.ToString(CultureInfo.InvariantCulture)}",
            $"{operation} to {Endpoint} failed ({Describe(r)}); retrying with back-off.");

    private static string Describe(CloudWatchLogsResponse r) =>
        $"{(r.StatusCode == 0 ? "no answer" : $"HTTP {r.StatusCode}")} {r.ErrorCode}: {r.ErrorMessage}".Trim();
}
