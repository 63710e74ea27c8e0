using System.Text.RegularExpressions;

namespace InternalApi.Tests.Infrastructure;

/// <summary>A function's route template made into a concrete path, for tests that call every function.</summary>
public static partial class SampleRoutes
{
    /// <summary><c>v4/namespaces/{id}/minutes</c> → <c>/api/v4/namespaces/1/minutes</c>.</summary>
    public static string Path(string route) => "/api/" + Parameter().Replace(route, "1");

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
