using System.Text.RegularExpressions;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.EndToEnd;

/// <summary>
/// The lists of configuration variables agree: every name in <c>.env.example</c> is in the README's configuration
/// table and passed through by docker-compose.yml, and the compose test's list is exactly <c>.env.example</c>'s
/// (less what compose sets per service).
/// </summary>
public sealed partial class ConfigurationListsTests
{
    private static readonly string[] SetPerService = ["OTEL_SERVICE_NAME", "CRUDDUR_CONSOLE_EXPORTER"];

    private static List<string> EnvExample() =>
        File.ReadAllLines(Path.Combine(RepoPaths.Root, ".env.example"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.TrimEnd('='))
            .ToList();

    [Fact]
    public void Every_env_example_name_is_in_the_readme_table_and_in_compose()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var table = readme[readme.IndexOf("## Configuration", StringComparison.Ordinal)..readme.IndexOf("## Where to look for what", StringComparison.Ordinal)];
        var documented = table.Split('\n').Where(l => l.StartsWith('|')).SelectMany(RowNames).ToHashSet();
        var compose = File.ReadAllText(Path.Combine(RepoPaths.Root, "docker-compose.yml"));

        foreach (var name in EnvExample())
        {
            Assert.True(documented.Contains(name), $"{name} is in .env.example but not in the README's configuration table");
            Assert.Contains($"{name}:", compose);
        }
    }

    [Fact]
    public void The_compose_test_passes_through_exactly_the_env_example_names()
    {
        var expected = EnvExample().Except(SetPerService).Order().ToList();
        Assert.Equal(expected, ComposeFileTests.PassedThrough.Order().ToList());
    }

    /// <summary>
    /// The back-quoted names of a table row: <c>`AWS_REGION`</c>, and suffixes written after a full name
    /// (<c>`OTEL_EXPORTER_OTLP_ENDPOINT`, `_HEADERS`</c> is also <c>OTEL_EXPORTER_OTLP_HEADERS</c>).
    /// </summary>
    private static IEnumerable<string> RowNames(string row)
    {
        var names = TableNames().Matches(row).Select(m => m.Groups[1].Value).ToList();
        var first = names.FirstOrDefault(n => !n.StartsWith('_'));
        foreach (var name in names)
        {
            if (!name.StartsWith('_'))
            {
                yield return name;
            }
            else if (first is not null)
            {
                yield return first[..first.LastIndexOf('_')] + name;
            }
        }
    }

    [GeneratedRegex("`(_?[A-Z][A-Z0-9_]+)`")]
    private static partial Regex TableNames();
}
