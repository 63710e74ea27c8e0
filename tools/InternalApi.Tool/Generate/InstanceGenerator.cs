using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace InternalApi.Tool.Generate;

/// <summary>How many records of each section a generated instance has.</summary>
public sealed record InstanceShape(int Users, int Groups, int Keys, int Projects, int Memberships)
{
    /// <summary>The mix of the instance in issue 29: users 20 %, groups 2 %, keys 40 %, projects 20 %, memberships 20 %.</summary>
    public static InstanceShape Of(int entities)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(entities, 10);
        var users = entities / 5;
        var groups = Math.Max(1, entities / 50);
        var keys = entities * 2 / 5;
        var projects = entities / 5;
        return new InstanceShape(users, groups, keys, projects, entities - users - groups - keys - projects);
    }

    /// <summary>All records.</summary>
    public int Total => Users + Groups + Keys + Projects + Memberships;
}

/// <summary>
/// Writes a valid import file (docs/import.md) of a made-up instance, streaming, so a million records cost no
/// more memory than ten. The same shape and seed give the same file, byte for byte. Ids start at
/// <see cref="IdOffset"/> and paths with <see cref="PathPrefix"/>, out of the way of <c>data/demo.json</c>, so the
/// file imports next to the demo data. Groups nest up to <see cref="MaxDepth"/> levels below a top-level group;
/// the first <see cref="LargeGroups"/> groups hold half of the memberships (thousands of members each at 100,000
/// records); keys are ed25519 with every tenth RSA, in OpenSSH's wire format from seeded random bytes (the import
/// checks the framing and fingerprints the blob, as <c>ssh-keygen -l</c> would, not the key's mathematics).
/// </summary>
public sealed class InstanceGenerator(InstanceShape shape, int seed, string? scimGroup = null)
{
    /// <summary>The first id of every kind of record.</summary>
    public const long IdOffset = 1_000_000;

    /// <summary>Personal namespace ids start here, group ids at <see cref="IdOffset"/>.</summary>
    public const long PersonalNamespaceOffset = 3_000_000;

    /// <summary>The prefix of every username and top-level group path.</summary>
    public const string PathPrefix = "gen-";

    private const int MaxDepth = 3;
    private const int LargeGroups = 3;

    private static readonly string[] Roles = ["guest", "reporter", "developer", "maintainer", "owner"];
    private static readonly string[] Visibilities = ["private", "internal", "public"];

    private readonly Random _random = new(seed);

    /// <summary>The shape being generated.</summary>
    public InstanceShape Shape => shape;

    /// <summary>Writes the file (UTF-8 JSON, one object with a section per kind of record).</summary>
    public async Task WriteAsync(Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false, SkipValidation = true });
        json.WriteStartObject();
        await SectionAsync(json, output, "users", shape.Users, i => WriteUser(json, i), cancellationToken);
        var groupPaths = GroupPaths();
        await SectionAsync(json, output, "groups", shape.Groups, i => WriteGroup(json, i, groupPaths[i]), cancellationToken);
        await SectionAsync(json, output, "keys", shape.Keys, i => WriteKey(json, i), cancellationToken);
        await SectionAsync(json, output, "projects", shape.Projects, i => WriteProject(json, i, groupPaths), cancellationToken);
        await SectionAsync(json, output, "memberships", shape.Memberships, i => WriteMembership(json, i, groupPaths), cancellationToken);
        if (scimGroup is not null)
        {
            await SectionAsync(json, output, "scim_identities", ScimIdentities, i => WriteScimIdentity(json, i, scimGroup), cancellationToken);
        }
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    private static async Task SectionAsync(Utf8JsonWriter json, Stream output, string name, int count, Action<int> write, CancellationToken cancellationToken)
    {
        json.WriteStartArray(name);
        for (var i = 0; i < count; i++)
        {
            write(i);
            if (json.BytesPending > 64 * 1024)
            {
                await json.FlushAsync(cancellationToken);
            }
        }

        json.WriteEndArray();
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// SCIM identities written into the group given (none without one): one for every fourth user, thousands at
    /// 100,000 records, so a SCIM list of that group is a large one. The group is not generated: an existing one
    /// with group SAML (the demo's <c>acme</c>), so the file then imports only next to it.
    /// </summary>
    public int ScimIdentities => scimGroup is null ? 0 : shape.Users / 4;

    private static void WriteScimIdentity(Utf8JsonWriter json, int i, string group)
    {
        json.WriteStartObject();
        json.WriteString("extern_uid", string.Create(CultureInfo.InvariantCulture, $"{PathPrefix}uid-{i}"));
        json.WriteNumber("user_id", UserId(i));
        json.WriteString("group", group);
        json.WriteEndObject();
    }

    private static string Username(int i) => string.Create(CultureInfo.InvariantCulture, $"{PathPrefix}user-{i}");

    private static long UserId(int i) => IdOffset + i;

    private static void WriteUser(Utf8JsonWriter json, int i)
    {
        json.WriteStartObject();
        json.WriteNumber("id", UserId(i));
        json.WriteString("username", Username(i));
        json.WriteString("name", string.Create(CultureInfo.InvariantCulture, $"Generated User {i}"));
        json.WriteString("email", Username(i) + "@example.com");
        json.WriteNumber("namespace_id", PersonalNamespaceOffset + i);
        json.WriteString("created_at", Day(i));
        if (i % 50 == 7)
        {
            json.WriteString("state", "blocked");
        }

        json.WriteEndObject();
    }

    /// <summary>
    /// Full paths of the groups: every fourth group (and the large ones) at the top, the others below an earlier
    /// group that is not yet <see cref="MaxDepth"/> levels deep; parents always come first.
    /// </summary>
    private string[] GroupPaths()
    {
        var paths = new string[shape.Groups];
        var depths = new int[shape.Groups];
        for (var i = 0; i < shape.Groups; i++)
        {
            if (i < LargeGroups || i % 4 == 0)
            {
                paths[i] = string.Create(CultureInfo.InvariantCulture, $"{PathPrefix}group-{i}");
                continue;
            }

            var parent = _random.Next(i);
            while (depths[parent] >= MaxDepth)
            {
                parent = _random.Next(i);
            }

            depths[i] = depths[parent] + 1;
            paths[i] = string.Create(CultureInfo.InvariantCulture, $"{paths[parent]}/sub-{i}");
        }

        return paths;
    }

    private static void WriteGroup(Utf8JsonWriter json, int i, string path)
    {
        json.WriteStartObject();
        json.WriteNumber("id", IdOffset + i);
        json.WriteString("path", path);
        json.WriteString("name", string.Create(CultureInfo.InvariantCulture, $"Generated group {i}"));
        json.WriteEndObject();
    }

    private void WriteKey(Utf8JsonWriter json, int i)
    {
        json.WriteStartObject();
        json.WriteNumber("id", IdOffset + i);
        json.WriteNumber("user_id", UserId(i % shape.Users));
        json.WriteString("title", string.Create(CultureInfo.InvariantCulture, $"key {i}"));
        json.WriteString("key", i % 10 == 9 ? RsaKey(i) : Ed25519Key(i));
        json.WriteString("created_at", Day(i));
        json.WriteEndObject();
    }

    private void WriteProject(Utf8JsonWriter json, int i, string[] groupPaths)
    {
        // Two projects in three in a group, the others in their creator's personal namespace.
        var creator = i % shape.Users;
        var ns = i % 3 == 2 ? Username(creator) : groupPaths[i % groupPaths.Length];
        json.WriteStartObject();
        json.WriteNumber("id", IdOffset + i);
        json.WriteString("namespace", ns);
        json.WriteString("path", string.Create(CultureInfo.InvariantCulture, $"project-{i}"));
        json.WriteString("visibility", Visibilities[i % Visibilities.Length]);
        json.WriteNumber("creator_id", UserId(creator));
        json.WriteString("created_at", Day(i));
        json.WriteEndObject();
    }

    /// <summary>
    /// Half the memberships on the large groups (user j/3 in group j%3: no pair twice), the rest on projects
    /// (project k%P gets user (k/P + k%P) mod U: distinct users per project).
    /// </summary>
    private void WriteMembership(Utf8JsonWriter json, int j, string[] groupPaths)
    {
        json.WriteStartObject();
        var large = Math.Min(shape.Memberships / 2, Math.Min(LargeGroups, groupPaths.Length) * shape.Users);
        var groups = Math.Min(LargeGroups, groupPaths.Length);
        if (j < large)
        {
            json.WriteNumber("user_id", UserId(j / groups));
            json.WriteString("group", groupPaths[j % groups]);
        }
        else
        {
            var k = j - large;
            var project = k % shape.Projects;
            json.WriteNumber("user_id", UserId((k / shape.Projects + project) % shape.Users));
            json.WriteNumber("project_id", IdOffset + project);
        }

        json.WriteString("role", Roles[j % Roles.Length]);
        json.WriteEndObject();
    }

    private static string Day(int i) => new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(i % 1500).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private string Ed25519Key(int i)
    {
        Span<byte> key = stackalloc byte[32];
        _random.NextBytes(key);
        return "ssh-ed25519 " + Convert.ToBase64String(Blob("ssh-ed25519", key.ToArray())) + " " + Comment(i);
    }

    private string RsaKey(int i)
    {
        // e = 65537 and a 2048-bit modulus with its top bit set, as an SSH mpint (a leading zero keeps it positive).
        Span<byte> modulus = stackalloc byte[257];
        _random.NextBytes(modulus[1..]);
        modulus[0] = 0;
        modulus[1] |= 0x80;
        modulus[^1] |= 1;
        return "ssh-rsa " + Convert.ToBase64String(Blob("ssh-rsa", [0x01, 0x00, 0x01], modulus.ToArray())) + " " + Comment(i);
    }

    private static string Comment(int i) => string.Create(CultureInfo.InvariantCulture, $"{PathPrefix}key-{i}@example.com");

    /// <summary>OpenSSH's public key blob: the type, then each part, each as a length-prefixed SSH string.</summary>
    private static byte[] Blob(string type, params byte[][] parts)
    {
        var name = Encoding.ASCII.GetBytes(type);
        var blob = new byte[4 + name.Length + parts.Sum(p => 4 + p.Length)];
        var at = 0;
        Put(name);
        foreach (var part in parts)
        {
            Put(part);
        }

        return blob;

        void Put(ReadOnlySpan<byte> bytes)
        {
            BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(at), (uint)bytes.Length);
            bytes.CopyTo(blob.AsSpan(at + 4));
            at += 4 + bytes.Length;
        }
    }
}
