using System.CommandLine;
using System.Globalization;

namespace InternalApi.Tool.Generate;

/// <summary>
/// <c>generate --entities N [--seed S] [--scim-group PATH] --out FILE</c>: writes a made-up instance of about N records as an import
/// file (<see cref="InstanceGenerator"/>), to measure and test the import at scale. Needs no store.
/// </summary>
internal static class GenerateCommand
{
    /// <summary>What a usage error prints.</summary>
    public const string Usage = "usage: generate --entities N [--seed S] [--scim-group PATH] --out FILE";

    /// <summary>The verb.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var entities = new Option<int>("--entities") { Description = "about how many records (at least 10)", Required = true };
        var seed = new Option<int>("--seed") { Description = "the random seed (default 1): the same N and seed give the same file", DefaultValueFactory = _ => 1 };
        var scimGroup = new Option<string?>("--scim-group") { Description = "also a SCIM identity for every fourth user in this existing group (with group SAML, e.g. the demo's acme)" };
        var file = new Option<string>("--out") { Description = "the file to write", Required = true };
        var command = new Command("generate", "Write a generated instance as an import file.") { entities, seed, scimGroup, file };
        command.SetAction((result, cancellationToken) => ExecuteAsync(result.GetValue(entities), result.GetValue(seed), result.GetValue(file)!, output, error, result.GetValue(scimGroup), cancellationToken));
        return command;
    }

    /// <summary>Writes the file; 0 on success, 2 on usage or I/O errors.</summary>
    public static async Task<int> ExecuteAsync(int entities, int seed, string file, TextWriter output, TextWriter error, string? scimGroup = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (entities < 10)
        {
            error.WriteLine(Usage + " (N at least 10)");
            return 2;
        }

        var generator = new InstanceGenerator(InstanceShape.Of(entities), seed, string.IsNullOrWhiteSpace(scimGroup) ? null : scimGroup);
        try
        {
            await using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
            await generator.WriteAsync(stream, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"generate: cannot write {file}: {ex.Message}");
            return 2;
        }

        var shape = generator.Shape;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {file}: {shape.Total} records ({shape.Users} users, {shape.Groups} groups, {shape.Keys} keys, {shape.Projects} projects, {shape.Memberships} memberships)")
            + (generator.ScimIdentities > 0 ? string.Create(CultureInfo.InvariantCulture, $", and {generator.ScimIdentities} SCIM identities in {scimGroup}") : ""));
        return 0;
    }
}
