using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cruddur.Telemetry.CloudWatch;

/// <summary>
/// AWS Signature Version 4 for a request without a query string, following AWS's documented steps
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). Small on purpose:
/// the sink only ever sends <c>POST /</c> with a JSON body.
/// </summary>
internal static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public static string AmzDate(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The <c>Authorization</c> header value. <paramref name="headers"/> are the headers to sign
    /// (must include <c>host</c> and <c>x-amz-date</c>).</summary>
    public static string Authorization(
        string method, string path, IEnumerable<KeyValuePair<string, string>> headers, ReadOnlySpan<byte> body,
        string region, string service, AwsCredentials credentials, DateTimeOffset now)
    {
        var amzDate = AmzDate(now);
        var dateStamp = amzDate[..8];

        var canonicalHeaders = headers
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: CollapseSpaces(h.Value.Trim())))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var signedHeaders = string.Join(';', canonicalHeaders.Select(h => h.Name));

        var canonicalRequest = new StringBuilder()
            .Append(method).Append('\n')
            .Append(path).Append('\n')
            .Append('\n'); // empty query string
        foreach (var (name, value) in canonicalHeaders)
        {
            canonicalRequest.Append(name).Append(':').Append(value).Append('\n');
        }

        canonicalRequest.Append('\n').Append(signedHeaders).Append('\n').Append(HexSha256(body));

        var scope = $"{dateStamp}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest.ToString()))}";

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), dateStamp);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var signature = Convert.ToHexStringLower(Hmac(key, stringToSign));

        return $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    private static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string CollapseSpaces(string value)
    {
        if (!value.Contains("  ", StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        var previousSpace = false;
        foreach (var c in value)
        {
            if (c == ' ' && previousSpace)
            {
                continue;
            }

            previousSpace = c == ' ';
            sb.Append(c);
        }

        return sb.ToString();
    }
}
