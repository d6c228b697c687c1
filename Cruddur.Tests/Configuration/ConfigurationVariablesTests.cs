using System.Text.RegularExpressions;
using Cruddur.ServiceDefaults;
using Cruddur.Tests.Infrastructure;

namespace Cruddur.Tests.Configuration;

/// <summary>
/// Cruddur.ServiceDefaults/ConfigurationVariables.cs is the one list of configuration variables: docker-compose.yml,
/// .env.example, the README's "Configuration" table and bench/run are read as text and checked against it.
/// </summary>
public sealed partial class ConfigurationVariablesTests
{
    private static readonly HashSet<string> Names = [.. ConfigurationVariables.All.Select(v => v.Name)];

    [Fact]
    public void The_table_names_each_variable_once_and_a_compose_input_only_for_what_compose_takes_from_env()
    {
        Assert.Equal(ConfigurationVariables.All.Count, Names.Count);
        Assert.All(ConfigurationVariables.All, v => Assert.False(string.IsNullOrWhiteSpace(v.Meaning), v.Name));
        Assert.All(ConfigurationVariables.All, v => Assert.Equal(
            v.Compose is InCompose.PassedThrough or InCompose.FromOtherNames, v.ComposeInputs.Count > 0));
        var inputs = ConfigurationVariables.ComposeInputs.ToList();
        Assert.Equal(inputs.Count, inputs.Distinct().Count());
    }

    [Fact]
    public void Compose_sets_every_variable_the_table_gives_it_and_no_other()
    {
        var compose = Read("docker-compose.yml");
        var keys = EnvironmentKeys(compose).ToHashSet();
        var expected = ConfigurationVariables.All.Where(v => v.Compose != InCompose.Absent).Select(v => v.Name).ToHashSet();

        Assert.Empty(expected.Except(keys).Order());
        Assert.Empty(keys.Except(Names).Order()); // set by compose but not in the table
        Assert.Empty(ConfigurationVariables.All.Where(v => v.Compose == InCompose.Absent && keys.Contains(v.Name)).Select(v => v.Name));

        var interpolated = Interpolation().Matches(compose).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(ConfigurationVariables.ComposeInputs.Order(), interpolated.Order());
        Assert.All(ConfigurationVariables.All.Where(v => v.Compose == InCompose.PassedThrough),
            v => Assert.Matches($@"(?m)^\s+{v.Name}: \$\{{{v.Name}:-", compose));
    }

    [Fact]
    public void Env_example_lists_exactly_the_names_compose_reads_and_no_values()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, ".env.example"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
        var names = lines.Select(l => l.Split('=', 2)[0]).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(ConfigurationVariables.ComposeInputs.Order(), names.Order());
        Assert.All(lines, l => Assert.EndsWith("=", l)); // names only, so certainly no secret's value
        Assert.All(ConfigurationVariables.All.Where(v => v.Secret).SelectMany(v => v.ComposeInputs),
            secret => Assert.Contains($"{secret}=", lines));
    }

    [Fact]
    public void Readme_configuration_table_lists_exactly_the_table_and_names_every_compose_input()
    {
        var readme = Read("README.md");
        var start = readme.IndexOf("\n## Configuration\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no Configuration section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..end];

        var listed = section.Split('\n')
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(l => Code().Matches(l.Split('|')[1]).Select(m => m.Groups[1].Value))
            .ToList();
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(Names.Order(), listed.Order());

        // The compose-only names (.env.example) are explained in the section too.
        Assert.All(ConfigurationVariables.ComposeInputs, name => Assert.Contains($"`{name}`", section));
    }

    [Fact]
    public void Bench_run_removes_every_variable_from_the_services_it_starts()
    {
        var match = BenchVariables().Match(Read("bench/run"));
        Assert.True(match.Success, "bench/run has no sink_vars list");
        var removed = match.Groups[1].Value.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Assert.Empty(Names.Except(removed).Order());
    }

    private static string Read(string path) => File.ReadAllText(Path.Combine(RepoPaths.Root, path));

    /// <summary>The keys of the compose file's environment mappings (its x- anchors and every service's environment).</summary>
    private static IEnumerable<string> EnvironmentKeys(string compose)
    {
        var blockIndent = -1;
        foreach (var line in compose.Split('\n'))
        {
            if (line.TrimStart().StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }

            var indent = line.Length - line.TrimStart().Length;
            if (blockIndent >= 0 && indent <= blockIndent)
            {
                blockIndent = -1;
            }

            if (line.TrimEnd() == "x-telemetry-env: &telemetry-env" || line.Trim() == "environment:")
            {
                blockIndent = indent;
                continue;
            }

            if (blockIndent >= 0 && Key().Match(line) is { Success: true } key)
            {
                yield return key.Groups[1].Value;
            }
        }
    }

    [GeneratedRegex(@"^\s+([A-Za-z_][A-Za-z0-9_]*):")]
    private static partial Regex Key();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"`([A-Za-z_][A-Za-z0-9_]*)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"sink_vars=\(([^)]*)\)")]
    private static partial Regex BenchVariables();
}
