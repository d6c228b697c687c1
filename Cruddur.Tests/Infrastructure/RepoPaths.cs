namespace Cruddur.Tests.Infrastructure;

/// <summary>Where the repository and the built service assemblies are, seen from the test assembly.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration the tests themselves were built in.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The output folder of a project the test project references (so it is built before the tests run).</summary>
    public static string OutputOf(string project) =>
        Path.Combine(Root, project, "bin", Configuration, "net10.0");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cruddur.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cruddur.sln not found above " + AppContext.BaseDirectory);
    }
}
