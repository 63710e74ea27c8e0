using System.Reflection;

namespace InternalApi.Core;

/// <summary>Version and git revision stamped into the assembly at build time.</summary>
public static class BuildInfo
{
    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Product version (before the <c>+</c>).</summary>
    public static string Version => Informational.Split('+')[0];

    /// <summary>Short git revision (after the <c>+</c>), or <c>unknown</c> when built outside git.</summary>
    public static string Revision => Informational.Split('+') is [_, var rev, ..] && rev.Length > 0 ? rev[..Math.Min(11, rev.Length)] : "unknown";
}
