using System.Diagnostics;

namespace Cruddur.Grains;

/// <summary>The activity source the grains open their own spans on.</summary>
public static class GrainDiagnostics
{
    public const string ActivitySourceName = "Cruddur.Grains";

    public static readonly ActivitySource Source =
        new(ActivitySourceName, typeof(GrainDiagnostics).Assembly.GetName().Version?.ToString());
}
