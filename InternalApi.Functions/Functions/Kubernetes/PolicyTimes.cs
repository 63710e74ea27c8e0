namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>How the policy endpoints write times: ISO 8601 with offset, second precision (<c>2023-09-14T08:12:03+00:00</c>).</summary>
internal static class PolicyTimes
{
    public static string Format(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
}
