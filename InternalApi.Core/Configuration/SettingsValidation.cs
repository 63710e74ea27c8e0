using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Configuration;

/// <summary>
/// Every options class is bound from its section and checked when the app starts, not when a request first reads it:
/// a bad value (one that does not convert, or breaks a rule of its class) stops the worker, or the operator tool, with
/// the setting's full name in the message. Rules are data annotations on the properties, plus
/// <see cref="IValidatableObject"/> for rules that span properties or entries.
/// </summary>
public static class SettingsValidation
{
    /// <summary>
    /// Validates options bound from <paramref name="section"/> when the app starts (the binding itself stays at the call
    /// site, where the configuration binder's source generator sees the concrete type).
    /// </summary>
    public static OptionsBuilder<T> ValidateAtStart<T>(this OptionsBuilder<T> options, string section)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new AnnotatedSettingsValidator<T>(section)));
        return options.ValidateOnStart();
    }

    /// <summary>"must be between {1} and {2}", with the setting named by the validator.</summary>
    public const string Between = "must be between {1} and {2}";
}

/// <summary>Data-annotation rules of one options class, reported as <c>Section:Property: rule</c>.</summary>
internal sealed class AnnotatedSettingsValidator<T>(string section) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(r =>
        {
            var members = r.MemberNames.Where(m => !string.IsNullOrEmpty(m)).ToList();
            var setting = members.Count == 0 ? section : string.Join(", ", members.Select(m => $"{section}:{m}"));
            return $"{setting}: {r.ErrorMessage}";
        }));
    }
}
