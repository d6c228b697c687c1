using System.Text.Json;
using Cruddur.Telemetry.CloudWatch.Emf;

namespace Cruddur.Tests.Telemetry.CloudWatch.Emf;

/// <summary>The EMF documents against the format's rules: envelope, root keys, and each limit.</summary>
public sealed class EmfDocumentBuilderTests
{
    private const long Timestamp = 1_795_000_000_000;

    private static KeyValuePair<string, string>[] Service(params (string Key, string Value)[] more) =>
        [new("Service", "cruddur-gateway"), .. more.Select(m => new KeyValuePair<string, string>(m.Key, m.Value))];

    private static List<JsonElement> Parse(EmfBuildResult result) =>
        result.Documents.Select(d => JsonDocument.Parse(d).RootElement.Clone()).ToList();

    private static JsonElement Directive(JsonElement document) =>
        Assert.Single(document.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray());

    [Fact]
    public void A_document_has_the_aws_envelope_and_the_values_as_root_keys()
    {
        var datum = new EmfDatum("http.server.request.duration", "Seconds",
            Service(("Route", "/api/activities/home"), ("StatusClass", "2xx")),
            EmfValue.Distribution([0.0075, 0.3], [3, 1], 0.006, 0.31, 0.33, 4),
            [["Service", "Route", "StatusClass"], ["Service", "Route"]]);

        var document = Assert.Single(Parse(EmfDocumentBuilder.Build("Cruddur", Timestamp, [datum])));

        Assert.Equal(Timestamp, document.GetProperty("_aws").GetProperty("Timestamp").GetInt64());
        var directive = Directive(document);
        Assert.Equal("Cruddur", directive.GetProperty("Namespace").GetString());
        Assert.Equal([["Service", "Route", "StatusClass"], ["Service", "Route"]],
            directive.GetProperty("Dimensions").EnumerateArray().Select(s => s.EnumerateArray().Select(k => k.GetString()!).ToArray()).ToArray());
        var metric = Assert.Single(directive.GetProperty("Metrics").EnumerateArray());
        Assert.Equal("http.server.request.duration", metric.GetProperty("Name").GetString());
        Assert.Equal("Seconds", metric.GetProperty("Unit").GetString());

        Assert.Equal("cruddur-gateway", document.GetProperty("Service").GetString());
        Assert.Equal("/api/activities/home", document.GetProperty("Route").GetString());
        Assert.Equal("2xx", document.GetProperty("StatusClass").GetString());
        var value = document.GetProperty("http.server.request.duration");
        Assert.Equal([0.0075, 0.3], value.GetProperty("Values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([3.0, 1.0], value.GetProperty("Counts").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(0.006, value.GetProperty("Min").GetDouble());
        Assert.Equal(0.31, value.GetProperty("Max").GetDouble());
        Assert.Equal(0.33, value.GetProperty("Sum").GetDouble());
        Assert.Equal(4, value.GetProperty("Count").GetDouble());
    }

    [Fact]
    public void Data_with_the_same_dimensions_share_a_document_and_different_ones_do_not()
    {
        var data = new[]
        {
            new EmfDatum("a", "Count", Service(("Host", "silo1")), EmfValue.Of(1)),
            new EmfDatum("b", "Bytes", Service(("Host", "silo1")), EmfValue.Of(2)),
            new EmfDatum("a", "Count", Service(("Host", "silo2")), EmfValue.Of(3)),
        };

        var documents = Parse(EmfDocumentBuilder.Build("Cruddur", Timestamp, data));

        Assert.Equal(2, documents.Count);
        Assert.Equal(["a", "b"], Directive(documents[0]).GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()));
        Assert.Equal(2, documents[0].GetProperty("b").GetDouble());
        Assert.Equal("silo2", documents[1].GetProperty("Host").GetString());
        Assert.Equal(3, documents[1].GetProperty("a").GetDouble());
    }

    [Fact]
    public void A_hundred_and_one_metrics_split_into_two_directives_of_100_and_1()
    {
        var data = Enumerable.Range(0, 101).Select(i => new EmfDatum($"m{i:D3}", "Count", Service(), EmfValue.Of(i)));

        var result = EmfDocumentBuilder.Build("Cruddur", Timestamp, data);
        var documents = Parse(result);

        Assert.Equal(0, result.Refused);
        Assert.Equal(2, documents.Count);
        Assert.Equal(100, Directive(documents[0]).GetProperty("Metrics").GetArrayLength());
        Assert.Equal(1, Directive(documents[1]).GetProperty("Metrics").GetArrayLength());
        Assert.Equal("m100", Directive(documents[1]).GetProperty("Metrics")[0].GetProperty("Name").GetString());
        Assert.Equal(100, documents[1].GetProperty("m100").GetDouble());
        Assert.False(documents[1].TryGetProperty("m099", out _)); // each value is in exactly one document
        Assert.All(documents, d => Assert.Equal("cruddur-gateway", d.GetProperty("Service").GetString()));
    }

    [Fact]
    public void A_hundred_and_one_values_split_into_two_documents_whose_counts_add_up()
    {
        var values = Enumerable.Range(1, 101).Select(i => (double)i).ToArray();
        var counts = Enumerable.Repeat(2.0, 101).ToArray();
        var datum = new EmfDatum("latency", "Milliseconds", Service(), EmfValue.Distribution(values, counts, 1, 101, values.Sum() * 2, 202));

        var documents = Parse(EmfDocumentBuilder.Build("Cruddur", Timestamp, [datum]));

        Assert.Equal(2, documents.Count);
        var first = documents[0].GetProperty("latency");
        var second = documents[1].GetProperty("latency");
        Assert.Equal(100, first.GetProperty("Values").GetArrayLength());
        Assert.Equal(1, second.GetProperty("Values").GetArrayLength());
        Assert.Equal(202, first.GetProperty("Count").GetDouble() + second.GetProperty("Count").GetDouble());
        Assert.Equal(values.Sum() * 2, first.GetProperty("Sum").GetDouble() + second.GetProperty("Sum").GetDouble());
        Assert.Equal(1, first.GetProperty("Min").GetDouble());
        Assert.Equal(100, first.GetProperty("Max").GetDouble());
        Assert.Equal(101, second.GetProperty("Min").GetDouble());
        Assert.Equal(101, second.GetProperty("Max").GetDouble());
    }

    [Fact]
    public void Thirty_dimension_keys_are_accepted_and_thirty_one_refused_and_counted()
    {
        KeyValuePair<string, string>[] Keys(int n) => Enumerable.Range(0, n).Select(i => new KeyValuePair<string, string>($"d{i}", "v")).ToArray();
        var data = new[]
        {
            new EmfDatum("thirty", "Count", Keys(30), EmfValue.Of(1)),
            new EmfDatum("thirty_one", "Count", Keys(31), EmfValue.Of(1)),
        };

        var result = EmfDocumentBuilder.Build("Cruddur", Timestamp, data);

        Assert.Equal(1, result.Refused);
        Assert.Contains("31 dimension keys", Assert.Single(result.RefusalReasons));
        var document = Assert.Single(Parse(result));
        Assert.Equal(30, Assert.Single(Directive(document).GetProperty("Dimensions").EnumerateArray()).GetArrayLength());
        Assert.True(document.TryGetProperty("thirty", out _));
        Assert.False(document.TryGetProperty("thirty_one", out _));
    }

    [Fact]
    public void Values_CloudWatch_would_reject_are_refused_not_sent()
    {
        var data = new[]
        {
            new EmfDatum("nan", "Count", Service(), EmfValue.Of(double.NaN)),
            new EmfDatum("long_value", "Count", Service(("Route", new string('x', 1025))), EmfValue.Of(1)),
            new EmfDatum("empty_value", "Count", Service(("Route", "")), EmfValue.Of(1)),
            new EmfDatum("missing_key", "Count", Service(), EmfValue.Of(1), [["Service", "Route"]]),
            new EmfDatum("ok", "Count", Service(), EmfValue.Of(1)),
        };

        var result = EmfDocumentBuilder.Build("Cruddur", Timestamp, data);

        Assert.Equal(4, result.Refused);
        var document = Assert.Single(Parse(result));
        Assert.Equal(["ok"], Directive(document).GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()));
    }
}
