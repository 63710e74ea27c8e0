using System.ComponentModel.DataAnnotations;
using InternalApi.Core.Configuration;
namespace InternalApi.Core.Access;

/// <summary>Settings of the <c>/allowed</c> decision (section <c>Access</c>).</summary>
public sealed class AccessOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Access";

    /// <summary>
    /// Budget of one <c>/allowed</c> decision. GitLab limits its push checks to 50 seconds and answers
    /// 503 "Push operation timed out" when they run longer; we bound the whole decision the same way.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "00:10:00", ErrorMessage = SettingsValidation.Between)]
    public TimeSpan DecisionTimeout { get; set; } = TimeSpan.FromSeconds(50);
}
